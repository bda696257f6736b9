"""Credit events for officials and companies: the list (filters, search, Excel), one event with
its timeline and actions, the record form, and the company's own credit page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.access import get_visible_or_404, refuse
from wuye.core.audit import audit_record
from wuye.core.calendar import file_stamp
from wuye.core.errors import ServiceError, error_text
from wuye.core.excel import Column, xlsx_response
from wuye.core.listing import apply_sort, capped_count, page_window, paginate
from wuye.core.models import AuditAction

from . import selectors as sel
from . import services
from .forms import ActionForm, EventFilterForm, EventForm
from .models import CreditEvent
from .workflow import NOTE_NEEDED, TRANSITIONS, allowed_actions


def require(request, allowed: bool, reason, model=CreditEvent) -> None:
    """Refuse (403, audited) unless the selectors' policy allowed it."""
    if not allowed:
        refuse(user=request.user, model=model, pk="", reason=reason, status=403)


# ---- the list -------------------------------------------------------------------------------

SORTS = {"occurred": ("occurred_on", "id"), "points": ("points", "id"), "status": ("status", "id"),
         "company": ("company__name", "id")}


def _filtered(request, user):
    form = EventFilterForm(request.GET or None)
    qs = sel.events_visible_to(user)
    data = form.cleaned_data if form.is_valid() else {}
    q = (data.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(company__name__icontains=q) | Q(rule__code__iexact=q) | Q(description__icontains=q))
    for f in ("status", "klass", "source"):
        if data.get(f):
            qs = qs.filter(**{f: data[f]})
    company = request.GET.get("company")
    if company and company.isdigit():
        qs = qs.filter(company_id=int(company))
    return form, qs, {k: v for k, v in request.GET.items() if k not in ("page", "export") and v}


@require_GET
@login_required
def event_list(request):
    user = request.user
    require(request, sel.can_use_credit(user), _("该角色不使用信用信息管理"))
    form, qs, params = _filtered(request, user)
    qs, sort = apply_sort(request, qs, SORTS, "-occurred")
    if request.GET.get("export") == "xlsx":
        return _export(request, qs)
    page = paginate(request, qs.select_related("rule", "company", "estate", "manager"))
    context = {"page": page, "rows": list(page.object_list), "window": page_window(page), "form": form,
               "query": urlencode({k: v for k, v in params.items()}), "sort": sort,
               "export_query": urlencode({**params, "export": "xlsx"}),
               "is_official": sel.is_official(user), "filtered": bool(params)}
    return render(request, "credit/event_list.html", context)


EXPORT_COLUMNS = [(_("企业"), 28), (_("规则代码"), 10), (_("信用行为"), 28), (_("类别"), 10), (_("分值"), 8),
                  (_("状态"), 10), (_("来源"), 12), (_("发生日期"), 12), (_("有效期至"), 12), (_("涉及小区"), 18),
                  (_("项目经理"), 10), (_("事实描述"), 50), (_("信用修复"), 12)]


def _export(request, qs):
    cap = getattr(settings, "WUYE_EXPORT_MAX_ROWS", 50_000)
    n = capped_count(qs, cap)
    if n > cap:
        messages.error(request, _g("符合条件的信用信息超过 %(cap)s 条，请先筛选后再导出。") % {"cap": f"{cap:,}"})
        return redirect(reverse("credit:event_list"))
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(action=AuditAction.EXPORT, actor=request.user, object_type="credit.creditevent",
                     object_repr="信用信息列表", detail=f"导出信用信息 {n} 条")

    def rows():
        for e in qs.select_related("rule", "company", "estate", "manager").iterator(chunk_size=2000):
            yield [e.company.name, e.rule.code, e.rule.name, e.get_klass_display(), e.signed_points,
                   e.get_status_display(), e.get_source_display(), e.occurred_on, e.valid_until,
                   e.estate.name if e.estate_id else "", e.manager.name if e.manager_id else "", e.description,
                   e.repaired_at]

    stamp = file_stamp()
    label = _g("信用信息")
    return xlsx_response(filename=f"{label}-{stamp}.xlsx", sheet_title=label,
                         columns=[Column(str(h), w) for h, w in EXPORT_COLUMNS], rows=rows())


# ---- one event ------------------------------------------------------------------------------


def _action_forms(user, event, now):
    out = []
    for name in allowed_actions(user, event, now=now):
        t = TRANSITIONS[name]
        out.append({"name": name, "label": t.label, "needs_note": name in NOTE_NEEDED,
                    "evidence": name == "object", "danger": name in ("withdraw", "uphold"),
                    "form": ActionForm(initial={"action": name, "version": event.version})})
    return out


@require_GET
@login_required
def event_detail(request, pk: int):
    user = request.user
    event = sel.event_get_for_user(user, pk)
    now = timezone.now()
    context = {"event": event, "logs": list(event.logs.select_related("actor")),
               "objections": list(event.objections.select_related("submitted_by", "decided_by")),
               "actions": _action_forms(user, event, now), "now": now,
               "breadcrumbs": [(_g("信用信息"), reverse("credit:event_list")), (str(event.rule.name), None)]}
    return render(request, "credit/event_detail.html", context)


@require_POST
@login_required
def event_act(request, pk: int):
    user = request.user
    event = sel.event_get_for_user(user, pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _g("提交的内容不完整，请重试"))
        return redirect("credit:event_detail", pk=pk)
    action = form.cleaned_data["action"]
    event.version = form.cleaned_data["version"]
    try:
        services.credit_event_act(user=user, event=event, action=action, note=form.cleaned_data["note"],
                                  evidence=form.cleaned_data["evidence"])
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        label = TRANSITIONS[action].label if action in TRANSITIONS else action
        messages.success(request, _g("已%(action)s") % {"action": label})
    return redirect("credit:event_detail", pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def event_new(request):
    user = request.user
    require(request, sel.is_official(user), _("只有市局和区县主管部门可以录入信用信息"))
    companies = sel.companies_for_credit(user)
    company_id = request.GET.get("company") or request.POST.get("company")
    if not company_id:
        q = (request.GET.get("q") or "").strip()
        found = companies.filter(name__icontains=q) if q else companies
        page = paginate(request, found.order_by("name", "pk"))
        return render(request, "credit/event_pick_company.html", {
            "page": page, "rows": list(page.object_list), "window": page_window(page), "q": q,
            "query": urlencode({"q": q}) if q else ""})
    company = get_visible_or_404(companies, user=user, pk=company_id)
    form = EventForm(request.POST or None, user=user, company=company)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            event = services.credit_event_record(user=user, company=company, rule=d["rule"],
                                                 occurred_on=d["occurred_on"], description=d["description"],
                                                 evidence=d["evidence"], estate=d["estate"], manager=d["manager"])
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _g("已录入，待其他工作人员审核"))
            return HttpResponseRedirect(reverse("credit:event_detail", args=[event.pk]))
    return render(request, "credit/event_form.html", {"form": form, "company": company})


# ---- the user's own credit ------------------------------------------------------------------


@require_GET
@login_required
def home(request):
    """Companies: their own grade, score and events (every status) with the ones they may object
    to; officials go to the ranking."""
    user = request.user
    require(request, sel.can_use_credit(user), _("该角色不使用企业信用"))
    if sel.is_official(user):
        return redirect("credit:ranking")
    events = (sel.events_visible_to(user).select_related("rule", "manager")
              .exclude(status=CreditEvent.Status.WITHDRAWN).order_by("-occurred_on", "-id")[:50])
    in_notice = [e for e in events if e.status == CreditEvent.Status.NOTICE]
    # The stored row only (a page never writes): none yet reads "暂未评级".
    return render(request, "credit/home.html", {"credit": sel.company_credit(user.company_id), "events": events,
                                                 "in_notice": in_notice,
                                                 "company": sel.public_company(user.company_id)})
