"""Pages of directive notices (issue 16 items 9–10).

Sender side: the list of notices sent, the compose page, one notice with its receipts (refreshed
live by htmx every 15 seconds, filterable, exported to Excel) and the bulk reminder (催办).
Recipient side: the unit's inbox, one notice — opening it records 'read' by a POST the page sends
on load (a GET never writes) — the acknowledgement (签收) and the feedback.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.cases.models import UnitKind
from wuye.core.access import refuse
from wuye.core.errors import ServiceError, error_text
from wuye.core.listing import page_window, paginate, query_string
from wuye.supervision.pages import export_xlsx
from wuye.territory.selectors import districts_visible_to

from . import selectors as sel
from . import services as svc
from .forms import NoticeForm
from .models import Notice, Receipt

STATUS_LABELS = {"pending": _("未读"), "read": _("已读未签收"), "acknowledged": _("已签收"), "overdue": _("逾期未签收")}
STATUS_FILTERS = [("", _("全部")), ("pending", _("未读")), ("read", _("已读未签收")), ("acknowledged", _("已签收")),
                  ("overdue", _("逾期未签收")), ("fed_back", _("已反馈")), ("no_feedback", _("未反馈"))]
RECEIPT_EXPORT = [(_("接收单位"), 30), (_("单位类别"), 14), (_("状态"), 12), (_("阅读时间"), 17), (_("签收时间"), 17),
                  (_("反馈时间"), 17), (_("反馈情况"), 40), (_("反馈数字"), 12), (_("催办次数"), 9)]


def _crumbs(*items):
    return [(_("通知"), reverse("notices:list")), *items]


def _require_sender(user):
    if not sel.can_send(user):
        refuse(user=user, model=Notice, pk="", status=403,
               reason=_("只有市住房保障房产局、区县主管部门和街道办事处可以发送通知"))


@require_GET
@login_required
def notice_list(request):
    user = request.user
    _require_sender(user)
    q = (request.GET.get("q") or "").strip()
    qs = sel.notices_sent_visible_to(user).order_by("-created_at", "-id")
    if q:
        qs = qs.filter(title__icontains=q)
    page = paginate(request, qs)
    rows = list(page.object_list)
    now = timezone.now()
    for n in rows:
        n.late = n.ack_due < now
    return render(request, "notices/notice_list.html", {
        "page": page, "rows": rows, "window": page_window(page), "query": query_string(request.GET), "q": q,
        "breadcrumbs": _crumbs()})


def _choices(user):
    kinds = [k for k in UnitKind if k != UnitKind.CITY]
    units = {k: sel.picker_units(user, k) for k in kinds}
    groups = [(str(k.label), [(f"{u.kind}:{u.id}", u.name) for u in units[k]]) for k in kinds if units[k]]
    districts = [(str(d.pk), d.name) for d in districts_visible_to(user)]
    return units, groups, districts


@require_http_methods(["GET", "POST"])
@login_required
def notice_new(request):
    user = request.user
    _require_sender(user)
    units, groups, districts = _choices(user)
    form = NoticeForm(request.POST or None, district_choices=districts, unit_choices=groups,
                      initial={"supervision": True})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        chosen = set(d["units"])
        recipients = [u for us in units.values() for u in us if f"{u.kind}:{u.id}" in chosen]
        if d["by_kind"]:
            district = int(d["by_district"]) if d["by_district"] else None
            recipients += sel.picker_units(user, d["by_kind"], district_id=district)
        try:
            notice = svc.create_notice(by=user, title=d["title"], body=d["body"], recipients=recipients,
                                       ack_due=d["ack_due"], feedback_due=d["feedback_due"],
                                       feedback_kind=d["feedback_kind"], supervision=d["supervision"],
                                       feedback_label=d["feedback_label"])
        except ServiceError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _g("通知已发送给 %(n)d 个单位") % {"n": notice.recipient_count})
            return redirect("notices:detail", notice.pk)
    return render(request, "notices/notice_form.html", {"form": form, "breadcrumbs": _crumbs((_("发送通知"), None))})


def _receipts_context(request, notice: Notice) -> dict:
    now = timezone.now()
    status = request.GET.get("status", "")
    q = (request.GET.get("q") or "").strip()
    qs = sel.receipts_of(notice, status=status, q=q)
    page = paginate(request, qs, per_page=50)
    rows = list(page.object_list)
    for r in rows:
        r.notice = notice
        r.shown = sel.receipt_status(r, now)
        r.shown_label = STATUS_LABELS[r.shown]
    counts = sel.receipt_counts(notice, now)
    return {"notice": notice, "page": page, "rows": rows, "window": page_window(page), "counts": counts,
            "query": query_string(request.GET), "status": status, "q": q, "filters": STATUS_FILTERS,
            "filtered": bool(status or q)}


@require_GET
@login_required
def notice_detail(request, pk: int):
    notice = sel.notice_for_sender(user=request.user, pk=pk)
    if request.GET.get("export") == "xlsx":
        qs = sel.receipts_of(notice, status=request.GET.get("status", ""), q=(request.GET.get("q") or "").strip())
        now = timezone.now()
        return export_xlsx(request, qs, name=f"notice-{notice.pk}-receipts", title=_g("通知签收情况"),
                           headers=RECEIPT_EXPORT, rows=(
            (r.unit_name, r.get_unit_kind_display(), str(STATUS_LABELS[sel.receipt_status(r, now)]), r.read_at,
             r.acknowledged_at, r.fed_back_at, r.feedback_text, r.feedback_figure, r.remind_count)
            for r in _with_notice(qs, notice)))
    ctx = _receipts_context(request, notice)
    ctx["breadcrumbs"] = _crumbs((notice.title, None))
    return render(request, "notices/notice_detail.html", ctx)


def _with_notice(qs, notice):
    for r in qs.iterator(chunk_size=2000):
        r.notice = notice
        yield r


@require_GET
@login_required
def notice_receipts_panel(request, pk: int):
    """The receipts table alone (htmx: filters, pages and the live refresh)."""
    notice = sel.notice_for_sender(user=request.user, pk=pk)
    return render(request, "notices/_receipts.html", _receipts_context(request, notice))


@require_POST
@login_required
def notice_remind_view(request, pk: int):
    notice = sel.notice_for_sender(user=request.user, pk=pk)
    try:
        n = svc.notice_remind(by=request.user, notice=notice)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _g("已向 %(n)d 个单位发送催办") % {"n": n})
    return redirect("notices:detail", notice.pk)


# ---- recipients -----------------------------------------------------------------------------------


@require_GET
@login_required
def inbox(request):
    user = request.user
    if not sel.has_inbox(user):
        refuse(user=user, model=Receipt, pk="", reason=_("该角色不接收通知"), status=403)
    status = request.GET.get("status", "")
    q = (request.GET.get("q") or "").strip()
    qs = sel.inbox_of(user)
    if status in Receipt.Status.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(notice__title__icontains=q)
    page = paginate(request, qs)
    rows = list(page.object_list)
    now = timezone.now()
    for r in rows:
        r.shown = sel.receipt_status(r, now)
        r.shown_label = STATUS_LABELS[r.shown]
    return render(request, "notices/inbox.html", {
        "page": page, "rows": rows, "window": page_window(page), "query": query_string(request.GET), "q": q,
        "status": status, "statuses": Receipt.Status.choices, "filtered": bool(status or q),
        "breadcrumbs": [(_("收到的通知"), None)]})


@require_GET
@login_required
def inbox_detail(request, pk: int):
    receipt = sel.receipt_for_recipient(user=request.user, notice_pk=pk)
    receipt.shown = sel.receipt_status(receipt)
    receipt.shown_label = STATUS_LABELS[receipt.shown]
    return render(request, "notices/inbox_detail.html", {
        "receipt": receipt, "notice": receipt.notice, "photos": list(receipt.photos.all()),
        "breadcrumbs": [(_("收到的通知"), reverse("notices:inbox")), (receipt.notice.title, None)]})


@require_POST
@login_required
def inbox_read(request, pk: int):
    """Sent by the page on load (htmx): records that the unit has read the notice."""
    receipt = sel.receipt_for_recipient(user=request.user, notice_pk=pk)
    try:
        svc.notice_read(user=request.user, receipt=receipt)
    except ServiceError:
        pass  # somebody of the unit read or acknowledged it at the same moment
    return render(request, "notices/_read_mark.html", {"receipt": receipt})


@require_POST
@login_required
def inbox_ack(request, pk: int):
    receipt = sel.receipt_for_recipient(user=request.user, notice_pk=pk)
    try:
        svc.notice_acknowledge(user=request.user, receipt=receipt, feedback=request.POST.get("feedback", ""))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _g("已签收"))
    return redirect("notices:inbox_detail", pk)


@require_POST
@login_required
def inbox_feedback(request, pk: int):
    receipt = sel.receipt_for_recipient(user=request.user, notice_pk=pk)
    figure = None
    raw = (request.POST.get("figure") or "").strip()
    try:
        if raw:
            try:
                figure = Decimal(raw)
            except InvalidOperation as exc:
                raise ServiceError(_g("请填写有效的数字")) from exc
        svc.notice_feedback(user=request.user, receipt=receipt, text=request.POST.get("text", ""), figure=figure,
                            photos=request.FILES.getlist("photos"))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _g("已提交反馈"))
    return redirect("notices:inbox_detail", pk)
