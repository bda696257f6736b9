"""Pages of rectification orders (issue 4 §4, §12): the list with filters and Excel export, one
order with its history and evidence, and the actions: the company's evidence, the re-inspection
(回头看: 销号 or back), an official's cancellation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from wuye.core.access import refuse
from wuye.core.errors import ServiceError
from wuye.core.listing import page_window, paginate, query_string
from wuye.supervision.pages import PAGE_SIZE, crumbs, export_xlsx, htmx_results

from . import selectors as sel
from . import services as svc
from .filtering import filtered_orders
from .forms import EvidenceForm, ReasonForm, ReinspectForm
from .models import RectificationOrder
from .workflow import OPEN_ORDER_STATUSES, ORDER, order_actions, order_actor_kinds

ORDER_EXPORT = [(_("整改单号"), 16), (_("小区"), 20), (_("区县"), 10), (_("街道"), 14), (_("物业服务企业"), 24),
                (_("问题描述"), 40), (_("整改要求"), 30), (_("状态"), 10), (_("整改期限"), 17), (_("是否逾期"), 9),
                (_("提交整改时间"), 17), (_("销号时间"), 17), (_("复查未通过次数"), 10), (_("下达时间"), 17)]

EVENT_LABELS = {"issue": _("下达整改通知"), "overdue": _("整改逾期"),
                **{action: t.label for action, t in ORDER.transitions.items()}}




@require_GET
@login_required
def order_list(request):
    user = request.user
    if not sel.can_use_order_pages(user):
        refuse(user=user, model=RectificationOrder, pk="", reason=_("该角色不使用整改通知页面"), status=403)
    form, qs = filtered_orders(request.GET, user)
    qs = qs.select_related("estate", "company", "district", "street").order_by("-created_at", "-id")
    now = timezone.now()
    if request.GET.get("export") == "xlsx":
        return export_xlsx(request, qs, name="rectification-orders", title=_g("整改通知"), headers=ORDER_EXPORT, rows=(
            (o.number, o.estate.name, o.district.name, o.street.name, o.company.name, o.defect, o.requirement,
             o.get_status_display(), o.deadline, bool(o.overdue_at) or (o.status in OPEN_ORDER_STATUSES and o.deadline < now),
             o.submitted_at, o.closed_at, o.reopen_count, o.created_at) for o in qs.iterator(chunk_size=2000)))
    page = paginate(request, qs, per_page=PAGE_SIZE)
    rows = list(page.object_list)
    for o in rows:
        o.late = o.status in OPEN_ORDER_STATUSES and o.deadline < now
    ctx = {
        "page": page, "rows": rows, "window": page_window(page), "query": query_string(request.GET),
        "filter_form": form, "list_url": reverse("supervision:order_list"),
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        "breadcrumbs": crumbs((_("整改通知"), None)),
    }
    if htmx_results(request):
        return render(request, "supervision/_inspection_order_results.html", ctx)
    return render(request, "supervision/order_list.html", ctx)


@require_GET
@login_required
def order_detail(request, pk):
    order = sel.order_get_for_user(user=request.user, pk=pk)
    actions = order_actions(request.user, order, inspector_ids=sel.inspector_user_ids(order))
    events = sel.order_events(order)
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.action, ev.action)
    evidence = sel.order_evidence(order)
    return render(request, "supervision/order_detail.html", {
        "order": order, "actions": actions, "events": events, "evidence": evidence,
        "late": order.status in OPEN_ORDER_STATUSES and order.deadline < timezone.now(),
        "evidence_form": EvidenceForm(), "reinspect_form": ReinspectForm(), "cancel_form": ReasonForm(),
        "breadcrumbs": crumbs((_("整改通知"), reverse("supervision:order_list")), (order.number, None)),
    })


def _act(request, pk, action: str):
    """The order if ``action`` is the user's to take: another unit's action is 403 (audited); the
    right actor at the wrong moment (someone acted first) gets a message."""
    order = sel.order_get_for_user(user=request.user, pk=pk)
    t = ORDER[action]
    kinds = order_actor_kinds(request.user, order, inspector_ids=sel.inspector_user_ids(order))
    if not kinds & t.actors:
        refuse(user=request.user, model=RectificationOrder, pk=pk, reason=_("您无权办理该整改通知的此项操作"), status=403)
    if order.status not in t.sources:
        messages.error(request, _g("整改通知当前为“%(s)s”，不能%(a)s。") % {"s": order.get_status_display(), "a": t.label})
        return order, False
    try:
        version = int(request.POST.get("version", order.version))
    except ValueError:
        version = order.version
    order.version = version
    return order, True


@require_POST
@login_required
def order_submit(request, pk):
    order, ok = _act(request, pk, "submit")
    if ok:
        try:
            svc.order_submit(actor=request.user, order=order, note=request.POST.get("note", ""),
                             files=request.FILES.getlist("files"))
        except ServiceError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _g("整改佐证已提交，等待复查。"))
    return redirect("supervision:order_detail", pk=pk)


@require_POST
@login_required
def order_reinspect(request, pk):
    decision = request.POST.get("decision")
    if decision not in ("close", "reopen"):
        sel.order_get_for_user(user=request.user, pk=pk)  # out of scope is 404 before any message
        messages.error(request, _g("请选择复查结论。"))
        return redirect("supervision:order_detail", pk=pk)
    order, ok = _act(request, pk, decision)
    if ok:
        try:
            svc.order_reinspect(actor=request.user, order=order, passed=decision == "close", note=request.POST.get("note", ""))
        except ServiceError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _g("已销号。") if decision == "close" else _g("已退回企业重新整改。"))
    return redirect("supervision:order_detail", pk=pk)


@require_POST
@login_required
def order_cancel(request, pk):
    order, ok = _act(request, pk, "cancel")
    if ok:
        try:
            svc.order_cancel(actor=request.user, order=order, note=request.POST.get("note", ""))
        except ServiceError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _g("整改通知已撤销。"))
    return redirect("supervision:order_detail", pk=pk)


@require_GET
@login_required
def order_evidence_file(request, pk):
    ev = sel.evidence_get_for_user(user=request.user, pk=pk)
    response = FileResponse(ev.file.open("rb"), content_type=ev.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response
