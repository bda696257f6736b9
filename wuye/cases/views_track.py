"""Following a complaint without an account (issue 3 §12, issue 13 item 2): the tracking form, the
resident's page, the callback and withdrawal.

- Viewing: tracking code + the phone on file (``services.tracking.track_prove``: failures count per
  code and per phone, a code under attack is locked and its owner told; every attempt also counts
  per client address here, ``WUYE_COMPLAINT_RATE_TRACK_IP_HOUR``).
- Acting (the callback, withdrawal): a one-time SMS code sent to the phone on file
  (``public_track_sms``), unless the logged-in account filed the complaint. The code is asked
  for in the action's own form and used once.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.errors import ServiceError
from wuye.core.masking import mask_phone
from wuye.core.ratelimit import RateLimited

from . import services
from .forms_public import CallbackForm, TrackForm, WithdrawForm
from .models import FINAL_STATUSES, Complaint, Satisfaction, Status
from .resident_words import resident_status
from .selectors import action_states_for, actions_for, report_photos, resident_note
from .services import tracking
from .views_public import (
    STATUS_STYLE,
    _actor,
    _ip,
    _limit,
    _limited,
    _prove,
    _reporter_complaint,
    _send_code,
    published_evidence,
)
from .workflow import TRANSITIONS

NOT_FOUND = tracking.NOT_FOUND

# How the resident reads an event; other actions keep the transition table's label.
EVENT_LABELS = {"submit": _("提交诉求"), "approve_reply": _("答复已发布"), "callback": _("回访评价")}


def _needs_code(request, c: Complaint) -> bool:
    """Everyone but the logged-in account that filed the complaint proves each action by SMS."""
    user = request.user
    return not (user.is_authenticated and c.reporter_user_id == user.pk)


@require_http_methods(["GET", "POST"])
def public_track(request):
    """``/complaints/track/``: tracking code + phone → the session remembers the proof."""
    if request.method == "GET":
        form = TrackForm(initial={"tracking_code": request.GET.get("code", "")[:20]})
        return render(request, "cases/public/track.html", {"form": form})
    try:
        _limit("track_ip", _ip(request), _("查询过于频繁，请稍后再试"))
    except RateLimited as exc:
        form = TrackForm(initial={"tracking_code": request.POST.get("tracking_code", "")[:20]})
        return _limited(render(request, "cases/public/track.html", {"form": form, "limited": exc}, status=429), exc)
    form = TrackForm(request.POST)
    if form.is_valid():
        try:
            c = tracking.track_prove(tracking_code=form.cleaned_data["tracking_code"], phones=form.phones(),
                                     ip=_ip(request))
        except RateLimited as exc:
            return _limited(render(request, "cases/public/track.html", {"form": form, "limited": exc}, status=429),
                            exc)
        except ServiceError:
            form.add_error(None, NOT_FOUND)
        else:
            _prove(request, c)
            return redirect("cases:public_track_detail", tracking_code=c.tracking_code)
    return render(request, "cases/public/track.html", {"form": form})


def _track_redirect(tracking_code: str):
    return redirect(f"{reverse('cases:public_track')}?{urlencode({'code': tracking_code[:20]})}")


def _event_rows(c: Complaint) -> list[dict]:
    rows = []
    for ev in c.events.filter(public=True).order_by("created_at", "id"):
        t = TRANSITIONS.get(ev.action)
        label = EVENT_LABELS.get(ev.action) or (t.label if t else ev.action)
        who = (ev.actor_label or "").split(" · ")[0]
        detail = ""
        if ev.action in ("dispatch", "reopen") and ev.data.get("unit"):
            detail = _g("承办单位：%(unit)s") % {"unit": ev.data["unit"]}
        elif ev.action == "call_departments" and ev.data.get("departments"):
            detail = _g("召集单位：%(units)s") % {"units": "、".join(ev.data["departments"])}
        elif ev.action == "callback":
            detail = _g("评价：%(s)s") % {"s": dict(Satisfaction.choices).get(ev.data.get("satisfaction"), "")}
        # Only notes meant for the resident: never the desk's dispatch instruction (issue 14 §7).
        rows.append({"at": ev.created_at, "label": label, "who": who, "note": resident_note(ev), "detail": detail,
                     "to": ev.to_status, "to_label": resident_status(ev.to_status) if ev.to_status != ev.from_status else ""})
    return rows


def _deadline(c: Complaint) -> tuple[str, object]:
    if c.status in FINAL_STATUSES or c.status in (Status.REPLIED, Status.EVALUATED):
        return "", None
    if c.resolve_due:
        return _g("办结期限"), c.resolve_due
    if c.accept_due:
        return _g("受理期限"), c.accept_due
    return "", None


def _code_context(request, c: Complaint, sms: dict | None = None) -> dict:
    return {"need_code": _needs_code(request, c), "code_phone": tracking.track_act_phone(c), "sms": sms or {}}


def _render_track_detail(request, c: Complaint, *, callback_form=None, status: int = 200, sms: dict | None = None):
    actions = actions_for(_actor(request), c, reporter=True)
    label, due = _deadline(c)
    return render(request, "cases/public/track_detail.html", {
        "c": c, "events": _event_rows(c), "evidence": published_evidence(c), "actions": actions,
        "report_photos": report_photos(c), "status_text": resident_status(c.status),
        "blocked": [a for a in action_states_for(_actor(request), c, reporter=True) if not a["allowed"]],
        "can_callback": "callback" in actions, "can_withdraw": "withdraw" in actions,
        "callback_form": callback_form or CallbackForm(need_code=_needs_code(request, c)),
        "deadline_label": label, "deadline": due,
        "status_style": STATUS_STYLE.get(c.status, "secondary"), "phone_masked": mask_phone(c.reporter_phone),
        "reply_published": bool(c.public_reply and c.published_at), **_code_context(request, c, sms),
    }, status=status)


@require_GET
def public_track_detail(request, tracking_code: str):
    """Status, the public timeline, the published reply, the deadline, the callback form."""
    c = _reporter_complaint(request, tracking_code)
    if c is None:
        return _track_redirect(tracking_code)
    return _render_track_detail(request, c)


def _sms_sent(request, c: Complaint) -> tuple[int, dict]:
    if not tracking.track_act_phone(c):
        return 400, {"error": str(tracking.NO_MOBILE)}
    return _send_code(request, c.reporter_phone,
                      send=lambda _phone, ip: tracking.track_act_code_send(complaint=c, ip=ip))


@require_POST
def public_track_sms(request, tracking_code: str):
    """``POST /complaints/track/<code>/sms-code/``: the one-time code for an action goes to the phone
    on file (never to a phone the visitor types). htmx gets the hint; a plain form post comes back
    to the page it came from with a message."""
    c = _reporter_complaint(request, tracking_code)
    if c is None:
        return _track_redirect(tracking_code)
    status, sms = _sms_sent(request, c)
    if request.htmx:
        response = render(request, "cases/public/_sms_hint.html", {"sms": sms}, status=status)
        return _limited(response, sms["limited"]) if sms.get("limited") else response
    if sms.get("sent"):
        text = _g("验证码已发送至 %(p)s，10 分钟内有效。") % {"p": sms["phone_masked"]}
        if sms.get("demo_code"):
            text += _g("演示环境不发送真实短信，验证码为 %(code)s") % {"code": sms["demo_code"]}
        messages.success(request, text)
    else:
        messages.error(request, sms["error"])
    if request.POST.get("back") == "withdraw":
        return redirect("cases:public_withdraw", tracking_code=c.tracking_code)
    return redirect("cases:public_track_detail", tracking_code=c.tracking_code)


def _code_ok(request, c: Complaint, form, action: str) -> bool:
    """The one-time code of a valid form, checked (and used) when this visitor needs one."""
    if not _needs_code(request, c):
        return True
    try:
        tracking.track_act_verify(complaint=c, code=form.cleaned_data["sms_code"], action=action, ip=_ip(request))
    except ServiceError as exc:
        form.add_error("sms_code", exc.messages[0])
        return False
    return True


@require_POST
def public_callback(request, tracking_code: str):
    c = _reporter_complaint(request, tracking_code)
    if c is None:
        return _track_redirect(tracking_code)
    form = CallbackForm(request.POST, need_code=_needs_code(request, c))
    if form.is_valid() and _code_ok(request, c, form, _g("回访评价")):
        cd = form.cleaned_data
        try:
            services.complaint_act(user=_actor(request), complaint=c, action="callback", reporter=True,
                                   note=cd["comment"], resolved=cd["resolved"], satisfaction=cd["satisfaction"])
        except ServiceError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _g("感谢您的评价！") if c.status == Status.CLOSED else
                             _g("感谢您的评价，我们将复核并督促继续办理。"))
            return redirect("cases:public_track_detail", tracking_code=c.tracking_code)
    return _render_track_detail(request, c, callback_form=form)


@require_http_methods(["GET", "POST"])
def public_withdraw(request, tracking_code: str):
    """A confirmation page, then the withdrawal (allowed until the reply is published)."""
    c = _reporter_complaint(request, tracking_code)
    if c is None:
        return _track_redirect(tracking_code)
    need_code = _needs_code(request, c)
    form = WithdrawForm(request.POST or None, need_code=need_code)
    if request.method == "POST" and form.is_valid() and _code_ok(request, c, form, _g("撤回")):
        try:
            services.complaint_act(user=_actor(request), complaint=c, action="withdraw", reporter=True,
                                   note=form.cleaned_data["reason"])
        except ServiceError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _g("诉求已撤回。"))
        return redirect("cases:public_track_detail", tracking_code=c.tracking_code)
    allowed = "withdraw" in actions_for(_actor(request), c, reporter=True)
    return render(request, "cases/public/withdraw.html", {"c": c, "form": form, "allowed": allowed,
                                                           **_code_context(request, c)})
