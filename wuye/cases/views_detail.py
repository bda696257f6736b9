"""One complaint for the people who handle it: header, deadlines per stage, the resident (masked,
with an audited reveal), photos, the units' tasks, the timeline, pending requests and ONE action
panel whose buttons open a small form per action (issue §7–8, §10).

Every action is ``services.complaint_act``; a refusal keeps what was typed and shows the
service's Chinese message, a page acted on by someone else first shows "已被他人签收" or the
current state.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from wuye.core.access import refuse
from wuye.core.audit import audit_record
from wuye.core.calendar import describe_period, local_text
from wuye.core.models import AuditAction
from wuye.registry.selectors import can_reveal_personal_data

from . import selectors as sel
from . import services
from .deadlines import warn_window
from .forms_pages import ACTION_ICONS, DANGER, FORMS, IRREVERSIBLE
from .models import (
    CallbackRequest,
    Complaint,
    ContactMethod,
    Event,
    Photo,
    Request,
    Satisfaction,
    Status,
    SupervisionLevel,
)
from .resident_words import resident_status
from .views_pages import (
    deadline,
    is_htmx_partial,
    now,
    photo_url,
    stage_deadlines,
)
from .workflow import TRANSITIONS


def _get(request, pk) -> Complaint:
    """The complaint if the user may see it; 404 with a DENIED audit row otherwise."""
    return sel.complaint_get_for_user(user=request.user, pk=pk)


def _home(user) -> str:
    """Where a user's complaint pages start: the list for dispatchers, the queue for units."""
    if sel.is_desk(user):
        return reverse("cases:page_list")
    if sel.files_own_complaints(user):
        return "/"
    return reverse("cases:page_queue")


def may_reveal(user, c: Complaint) -> bool:
    """Officials allowed to reveal personal data may see the resident's full name and phone
    (audited); never a property company (issue 14 §6: it asks for a masked call-back); the
    resident needs no reveal."""
    if not c.reporter_phone and not c.reporter_name:
        return False
    if c.reporter_user_id and c.reporter_user_id == user.pk:
        return False
    if not can_reveal_personal_data(user, complainant=True):
        return False
    return not sel.hides_reporter_from(user, c)


def action_buttons(states: list[dict]) -> list[dict]:
    """The action panel's buttons: each action the user could take in this stage; a blocked one
    is shown disabled with the workflow's reason (issue 14 §4)."""
    return [{"name": s["action"], "label": s["label"], "icon": ACTION_ICONS.get(s["action"], "bi-play"),
             "danger": s["action"] in DANGER, "allowed": s["allowed"], "reason": s["reason"]} for s in states]


STATUS_LABELS = dict(Status.choices)
EVENT_LABELS = {"submit": _("提交诉求"), "overdue": _("超期提醒")}
EVENT_ICONS = {"submit": "bi-inbox", "overdue": "bi-alarm"}


def event_summary(ev: Event) -> str:
    """The essentials an event's data holds, in words."""
    d = ev.data or {}
    a = ev.action
    if a in ("dispatch", "reopen") and d.get("unit"):
        text = _g("派至 %(unit)s") % {"unit": d["unit"]}
        if d.get("co_units"):
            text += _g("；协办：%(units)s") % {"units": "、".join(d["co_units"])}
        return text
    if a == "supervise" and d.get("level"):
        return str(SupervisionLevel(int(d["level"])).label) + ("" if d.get("manual", True) else _g("（自动升级）"))
    if a == "callback" and d.get("satisfaction"):
        resolved = _g("已解决") if d.get("resolved") else _g("未解决")
        return f"{resolved} · {Satisfaction(d['satisfaction']).label}"
    if a == "request_return" and d.get("legal_basis"):
        return _g("依据：%(basis)s") % {"basis": d["legal_basis"]}
    if a in ("decide_return", "decide_extension") and "approve" in d:
        return _g("同意") if d["approve"] else _g("驳回")
    if a == "call_departments" and d.get("departments"):
        return _g("召集：%(depts)s") % {"depts": "、".join(d["departments"])}
    if a == "duplicate" and d.get("tracking_code"):
        return _g("与 %(code)s 重复") % {"code": d["tracking_code"]}
    if a == "request_extension" and d.get("amount") and d.get("unit"):
        return _g("申请延长 %(period)s") % {"period": describe_period(int(d["amount"]), d["unit"])}
    if a == "close" and d.get("unreasonable"):
        return _g("认定为不合理诉求，不计入考核")
    if a in ("sign", "reply") and d.get("unit"):
        return str(d["unit"])
    if a == "contact" and d.get("method"):
        return contact_summary(d)
    if a == "request_callback" and d.get("number"):
        relay = CallbackRequest.Relay(d["relay"]).label if d.get("relay") in CallbackRequest.Relay.values else ""
        return _g("回拨号码 %(number)s · %(relay)s") % {"number": d["number"], "relay": relay}
    return ""


def contact_summary(d: dict) -> str:
    """The first contact's record in words (issue 14 §5): 电话 · 03-02 09:30 · 诉求人本人 · 约定明日上门."""
    method = ContactMethod(d["method"]).label if d.get("method") in ContactMethod.values else ""
    made = parse_datetime(d.get("made_at") or "")
    parts = [str(method), local_text(made) if made else "", d.get("person") or "", d.get("result") or ""]
    return " · ".join(p for p in parts if p)


def _form_context(request, c: Complaint, form, *, error: str = "") -> dict:
    action = form.action
    return {
        "c": c, "form": form, "action_name": action, "action_label": TRANSITIONS[action].label,
        "confirm": IRREVERSIBLE.get(action, ""), "error": error, "act_url": reverse("cases:page_act", args=[c.pk]),
        "detail_url": reverse("cases:page_detail", args=[c.pk]),
    }


def _detail_context(request, c: Complaint, *, open_form=None, form_error: str = "") -> dict:
    user = request.user
    official = sel.is_official(user)
    moment = now()
    warn = warn_window()
    actions = sel.action_states_for(user, c)
    tasks = sel.complaint_tasks(c)
    for t in tasks:
        t.deadline = deadline(t.due, moment, warn, running=t.is_open, done_at=t.replied_at)
    events = sel.complaint_events(c, public_only=not official)
    photos = sel.complaint_photos(c)
    for p in photos:
        p.url = photo_url(p)
    evidence_by_event: dict[int, list] = {}
    for p in photos:
        if p.kind == Photo.Kind.EVIDENCE and p.event_id:
            evidence_by_event.setdefault(p.event_id, []).append(p)
    for ev in events:
        ev.label = TRANSITIONS[ev.action].label if ev.action in TRANSITIONS else EVENT_LABELS.get(ev.action, ev.action)
        ev.icon = ACTION_ICONS.get(ev.action) or EVENT_ICONS.get(ev.action, "bi-dot")
        ev.summary = event_summary(ev)
        ev.from_label = STATUS_LABELS.get(ev.from_status, "")
        ev.to_label = STATUS_LABELS.get(ev.to_status, "")
        ev.photo_list = evidence_by_event.get(ev.pk, [])
        if not official:
            ev.note = sel.resident_note(ev)  # never the desk's internal instruction (issue 14 §7)
            ev.to_label = resident_status(ev.to_status)
    requests_ = sel.complaint_requests(c)
    duplicates = list(c.duplicates.order_by("id").values_list("pk", "tracking_code")) if official else []
    return {
        "c": c, "official": official, "actions": action_buttons(actions),
        "any_allowed": any(a["allowed"] for a in actions), "tasks": tasks, "events": events,
        "report_photos": [p for p in photos if p.kind == Photo.Kind.REPORT],
        "evidence_photos": [p for p in photos if p.kind == Photo.Kind.EVIDENCE],
        "pending_requests": [r for r in requests_ if r.state == Request.State.PENDING],
        "decided_requests": [r for r in requests_ if r.state != Request.State.PENDING],
        "stages": stage_deadlines(c, moment, warn),
        "reporter_name": sel.reporter_name_for(user, c), "reporter_phone": sel.reporter_phone_for(user, c),
        "can_reveal": may_reveal(user, c), "reveal_url": reverse("cases:page_reveal", args=[c.pk]),
        "act_url": reverse("cases:page_act", args=[c.pk]), "duplicates": duplicates,
        "level_label": SupervisionLevel(c.supervision_level).label if c.supervision_level else "",
        "open_form": open_form, "form_error": form_error,
        "open_form_ctx": _form_context(request, c, open_form, error=form_error) if open_form is not None else None,
        "back_url": _home(user),
        "hide_name": sel.hides_reporter_from(user, c),
        "company_view": sel.is_company(user),
    }


@require_http_methods(["GET"])
@login_required
def complaint_detail(request, pk: int):
    c = _get(request, pk)
    open_form = None
    wanted = request.GET.get("action")
    if wanted in FORMS and wanted in sel.actions_for(request.user, c):
        open_form = FORMS[wanted](complaint=c, user=request.user)
    return render(request, "cases/pages/detail.html", _detail_context(request, c, open_form=open_form))


@require_http_methods(["GET", "POST"])
@login_required
def complaint_act(request, pk: int):
    """GET ``?action=name``: the action's form (htmx partial; without htmx the detail page opens
    it). POST: perform the action through the service."""
    user = request.user
    c = _get(request, pk)
    name = (request.POST if request.method == "POST" else request.GET).get("action", "")
    if name not in FORMS:
        if is_htmx_partial(request):
            return HttpResponse(format_html('<div class="alert alert-danger py-2 small">{}</div>', _g("未知的操作")),
                                status=400)
        messages.error(request, _g("未知的操作"))
        return redirect("cases:page_detail", pk=c.pk)
    form_class = FORMS[name]
    detail_url = reverse("cases:page_detail", args=[c.pk])
    if request.method == "GET":
        if not is_htmx_partial(request):
            return redirect(f"{detail_url}?action={name}#act")
        form = form_class(complaint=c, user=user)
        error = ""
        state = {a["action"]: a for a in sel.action_states_for(user, c)}.get(name)
        if not (state and state["allowed"]):
            error = _g("当前状态（%(status)s）下您不能执行“%(action)s”，请刷新页面") % {
                "status": c.get_status_display(), "action": TRANSITIONS[name].label}
            if state and state["reason"]:
                error = f"{error}（{state['reason']}）"
        return render(request, "cases/pages/_action_form.html", _form_context(request, c, form, error=error))
    # The version the page showed: a page acted on meanwhile gets the service's "已被他人…" message.
    seen = request.POST.get("version", "")
    if seen.isdigit():
        c.version = int(seen)
    form = form_class(request.POST, request.FILES, complaint=c, user=user)
    error = ""
    if form.is_valid():
        try:
            services.complaint_act(user=user, complaint=c, action=name, note=form.note, **form.params())
        except ValidationError as exc:
            error = exc.messages[0] if exc.messages else _g("操作未完成")
        else:
            messages.success(request, _g("已完成“%(label)s”。") % {"label": TRANSITIONS[name].label})
            visible = sel.complaints_visible_to(user).filter(pk=c.pk).exists()
            target = detail_url if visible else _home(user)
            if is_htmx_partial(request):
                return HttpResponseClientRedirect(target)
            return redirect(target)
    if is_htmx_partial(request):
        return render(request, "cases/pages/_action_form.html", _form_context(request, c, form, error=error))
    c.refresh_from_db()
    return render(request, "cases/pages/detail.html", _detail_context(request, c, open_form=form, form_error=error))


@transaction.atomic
def reporter_reveal(*, actor, complaint: Complaint) -> tuple[str, str]:
    """The resident's full name and phone, with a REVEAL audit row (DESIGN.md: every reveal of
    personal data is audited)."""
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(action=AuditAction.REVEAL, actor=actor, obj=complaint,
                     changes={"fields": ["reporter_name", "reporter_phone"]},
                     detail=f"查看诉求人完整姓名和联系电话（{complaint.tracking_code}）")
    return complaint.reporter_name, complaint.reporter_phone


@require_POST
@login_required
def complaint_reveal(request, pk: int):
    user = request.user
    c = _get(request, pk)
    if not may_reveal(user, c):
        reason = (_("诉求人要求对物业企业隐藏姓名") if sel.hides_reporter_from(user, c)
                  else _("物业企业不能查看诉求人的完整姓名和电话，请使用“请求回拨”") if sel.is_company(user)
                  else _("无权查看完整个人信息（诉求人联系方式）"))
        refuse(user=user, model=Complaint, pk=c.pk, reason=reason, status=403)
    name, phone = reporter_reveal(actor=user, complaint=c)
    if is_htmx_partial(request):
        return render(request, "cases/pages/_revealed.html", {"name": name, "phone": phone})
    return render(request, "cases/pages/revealed.html", {"c": c, "name": name, "phone": phone,
                                                         "back": reverse("cases:page_detail", args=[c.pk])})
