"""The unit's queue (待办诉求) with bulk signing, and the officers' list of complaints (诉求管理)
with its CSV / Excel export (issue §13, §7–8).

Both pages run a fixed number of queries whatever the number of rows: one aggregate for the
counts at the top, a capped count for the pagination (never a COUNT(*) over millions of rows)
and one query for the page's rows with everything it shows joined in.
"""

from __future__ import annotations

import csv

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from wuye.core.audit import audit_record
from wuye.core.calendar import file_stamp, local_text
from wuye.core.choices import labels
from wuye.core.excel import Column, xlsx_response
from wuye.core.listing import (
    COUNT_CAP,
    SEARCH_COUNT_CAP,
    capped_count,
    page_window,
    paginate,
    paginate_ids,
    query_string,
)
from wuye.core.masking import mask_phone
from wuye.core.models import AuditAction
from wuye.core.widgets import fast_selects

from . import selectors as sel
from . import services
from .deadlines import warn_window
from .filters import OPEN_CHOICE, ComplaintFilter, QueueFilter
from .forms_pages import BulkSignForm
from .models import FINAL_STATUSES, OPEN_STATUSES, Source, Status, SupervisionLevel, Task
from .views_pages import deadline, is_htmx_partial, require

QUEUE_PAGE_SIZE = 30
LIST_PAGE_SIZE = 30


def _clean_ids(data, *names: str):
    """A mistyped id in the address bar is ignored, not an error page."""
    data = data.copy()
    for key in names:
        if key in data and not data[key].isdigit():
            data.pop(key)
    return data


# ---- the unit's queue ---------------------------------------------------------------------------


def _detail_url_pattern() -> str:
    """The complaint page's URL with ``{}`` for the id: one ``reverse`` per page, not two per row."""
    return reverse("cases:page_detail", args=[987654321]).replace("987654321", "{}")


def queue_counts(qs, now) -> dict:
    """待签收 / 办理中 / 已超期 / 督办中 of the unit's open tasks, in one aggregate query."""
    overdue = Q(due__lt=now) | Q(state=Task.State.PENDING, sign_due__lt=now)
    return qs.aggregate(
        pending=Count("pk", filter=Q(state=Task.State.PENDING)),
        signed=Count("pk", filter=Q(state=Task.State.SIGNED)),
        overdue=Count("pk", filter=overdue),
        supervised=Count("pk", filter=Q(complaint__supervision_level__gt=SupervisionLevel.NONE)),
    )


@require_GET
@login_required
def queue(request):
    user = request.user
    if sel.is_city_desk(user):
        return redirect("cases:page_list")
    require(request, sel.can_use_queue(user), _("该角色没有承办诉求的待办队列"))
    now = timezone.now()
    base = sel.open_tasks_for_unit(user)
    counts = queue_counts(base, now)
    filterset = QueueFilter(request.GET, queryset=base)
    qs = filterset.qs.select_related("complaint", "complaint__category", "complaint__estate").order_by(
        "-urgency", "due", "id")
    page = paginate(request, qs, per_page=QUEUE_PAGE_SIZE)
    warn = warn_window()
    rows = list(page.object_list)
    status_labels, level_labels = labels(Status), labels(SupervisionLevel)
    state_labels, role_labels = labels(Task.State), labels(Task.Role)
    detail_url = _detail_url_pattern()
    for t in rows:
        c = t.complaint
        c.url = detail_url.format(c.pk)
        c.status_label, c.level_label = status_labels[c.status], level_labels.get(c.supervision_level, "")
        t.state_label, t.role_label = state_labels[t.state], role_labels[t.role]
        t.deadline = deadline(t.due, now, warn)
        t.sign_deadline = deadline(t.sign_due, now, warn) if t.state == Task.State.PENDING else None
    page.object_list = rows
    query = query_string(request.GET)
    fast_selects(filterset.form)
    context = {
        "page": page, "rows": rows, "window": page_window(page), "query": query,
        "filter_form": filterset.form, "counts": counts, "list_url": reverse("cases:page_queue"),
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        "next": request.get_full_path(),
    }
    if is_htmx_partial(request) and request.htmx.target == "wy-results":
        return render(request, "cases/pages/_queue_results.html", context)
    if is_htmx_partial(request) and request.htmx.target == "wy-list":
        return render(request, "cases/pages/_queue_list.html", context)
    return render(request, "cases/pages/queue.html", context)


@require_POST
@login_required
def queue_bulk_sign(request):
    user = request.user
    require(request, sel.can_use_queue(user), _("该角色没有承办诉求的待办队列"))
    form = BulkSignForm(request.POST)
    ids = form.cleaned_data["ids"] if form.is_valid() else []
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or not back.startswith("/"):
        back = reverse("cases:page_queue")
    if not ids:
        messages.warning(request, _g("请先勾选要签收的诉求。"))
        return redirect(back)
    signed, errors = services.bulk_sign(user=user, complaint_ids=ids)
    missing = len(set(ids)) - signed - len(errors)
    if signed:
        messages.success(request, _g("已签收 %(n)d 件诉求。") % {"n": signed})
    for msg in errors[:20]:
        messages.error(request, _g("未签收：%(msg)s") % {"msg": msg})
    if len(errors) > 20:
        messages.error(request, _g("另有 %(n)d 件未签收。") % {"n": len(errors) - 20})
    if missing > 0:
        messages.error(request, _g("%(n)d 件诉求不在本单位的待办范围内，未签收。") % {"n": missing})
    return redirect(back)


# ---- the officers' list ---------------------------------------------------------------------------


def list_queryset(user):
    """The complaints the list shows: a dispatcher's (city desk: the whole city; district: its own)
    or, for the other units, those the user may see."""
    if sel.is_desk(user):
        return sel.dispatcher_complaints(user)
    return sel.complaints_visible_to(user)


SORTS = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "due": (F("resolve_due").asc(nulls_last=True), "id"),
}
SORT_CHOICES = [("-created", _("最新提交在前")), ("created", _("最早提交在前")), ("due", _("办结期限最近在前（在办）"))]


def _prepare_list_filter(request, user):
    data = _clean_ids(request.GET, "district", "street")
    sort = data.get("sort") or "-created"
    if sort not in SORTS:
        sort = "-created"
    status = data.get("status") or ""
    if sort == "due":
        # Deadlines matter for open complaints; the index serves only those.
        if not status:
            data["status"] = OPEN_CHOICE
        elif status in FINAL_STATUSES:
            sort = "-created"
    filterset = ComplaintFilter(data, queryset=list_queryset(user))
    fields = filterset.form.fields
    # district: the city desk only; street: the city desk within a chosen district, and districts.
    # A field removed here is not applied (the filterset filters by the form's cleaned data).
    district_id = data.get("district") if sel.is_city_desk(user) else None
    if sel.is_city_desk(user):
        fields["district"].widget = _select(sel.district_choices(),
                                            _g("全部区县"), fields["district"].label)
    else:
        fields.pop("district")
        data.pop("district", None)
    if sel.is_district_desk(user):
        district_id = user.district_id
    if district_id:
        fields["street"].widget = _select(
            sel.street_choices(district_id),
            _g("全部街道"), fields["street"].label)
    else:
        fields.pop("street")
        data.pop("street", None)
    fast_selects(filterset.form)
    return filterset, data, sort


def _select(options, empty: str, label) -> object:
    return forms.Select(choices=[("", empty)] + [(str(pk), name) for pk, name in options],
                        attrs={"class": "form-select form-select-sm", "aria-label": str(label)})


def status_counts(user) -> list[tuple[str, str, int]]:
    """(code, label, count) of the open complaints in the user's scope, in one grouped query over
    the open states only (served by the status indexes; never a count of every complaint)."""
    rows = dict(
        list_queryset(user).filter(status__in=sorted(OPEN_STATUSES)).order_by()
        .values_list("status").annotate(n=Count("*")).values_list("status", "n")
    )
    return [(code, label, rows.get(code, 0)) for code, label in Status.choices if code in OPEN_STATUSES]


@require_GET
@login_required
def complaint_list(request):
    user = request.user
    require(request, sel.can_use_list(user), _("该角色不使用诉求管理列表"))
    filterset, data, sort = _prepare_list_filter(request, user)
    qs = filterset.qs
    if sort == "due" and not filterset.form.cleaned_data.get("status"):
        qs = qs.filter(status__in=sorted(OPEN_STATUSES))
    qs = qs.order_by(*SORTS[sort])
    export = request.GET.get("export")
    if export in ("xlsx", "csv"):
        return _export(request, filterset, qs, export)
    # A keyword search sorted newest first is cut in the last day and week first (RecentFirstPaginator).
    # Its count stops at SEARCH_COUNT_CAP.
    searching = bool(filterset.form.cleaned_data.get("q"))
    page = paginate_ids(request, qs, related=("category", "estate", "district", "street"), per_page=LIST_PAGE_SIZE,
                        recent_first="created_at" if searching and sort == "-created" else None,
                        cap=SEARCH_COUNT_CAP if searching else COUNT_CAP)
    now = timezone.now()
    warn = warn_window()
    rows = list(page.object_list)
    status_labels, level_labels, source_labels = labels(Status), labels(SupervisionLevel), labels(Source)
    detail_url = _detail_url_pattern()
    for c in rows:
        c.url = detail_url.format(c.pk)
        c.status_label, c.level_label = status_labels[c.status], level_labels.get(c.supervision_level, "")
        c.source_label = source_labels.get(c.source, c.source)
        running = c.status in (Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS, Status.RETURN_REVIEW)
        c.deadline = deadline(c.resolve_due, now, warn, running=running, flagged=c.resolve_overdue,
                              done_at=c.replied_at if not running else None)
        c.any_overdue = c.accept_overdue or c.sign_overdue or c.contact_overdue or c.resolve_overdue
    page.object_list = rows
    query = query_string(data)
    context = {
        "page": page, "rows": rows, "window": page_window(page), "query": query,
        "filter_form": filterset.form, "counts": status_counts(user), "list_url": reverse("cases:page_list"),
        "sort": sort, "sort_choices": SORT_CHOICES, "current_status": data.get("status") or "",
        "filtered": any(v for k, v in data.items() if k not in ("page", "sort")),
        "is_dispatcher": sel.is_desk(user),
        "scope_label": sel.complaint_scope_label(user),
    }
    if is_htmx_partial(request) and request.htmx.target == "wy-results":
        return render(request, "cases/pages/_list_results.html", context)
    if is_htmx_partial(request) and request.htmx.target == "wy-list":
        return render(request, "cases/pages/_list_list.html", context)
    return render(request, "cases/pages/list.html", context)


# ---- export -----------------------------------------------------------------------------------------

EXPORT_HEADERS = [
    (_("查询码"), 18), (_("提交时间"), 17), (_("来源"), 14), (_("来源工单号"), 16), (_("区县"), 10), (_("街道"), 14),
    (_("社区"), 14), (_("小区"), 18), (_("类别"), 14), (_("标题"), 24), (_("诉求内容"), 50), (_("状态"), 14),
    (_("承办单位"), 22), (_("办结期限"), 17), (_("是否超期"), 9), (_("督办等级"), 10), (_("诉求人"), 10),
    (_("联系电话"), 14), (_("满意度"), 10), (_("办结时间"), 17),
]


def export_columns() -> list[Column]:
    return [Column(str(header), width) for header, width in EXPORT_HEADERS]


def export_rows(qs, user):
    """Rows of the export; the resident's name and phone are masked as the list shows them."""
    for c in qs.select_related("category", "estate", "district", "street", "community").iterator(chunk_size=2000):
        overdue = c.accept_overdue or c.sign_overdue or c.contact_overdue or c.resolve_overdue
        yield [
            c.tracking_code, c.created_at, c.get_source_display(), c.source_ticket, c.district.name, c.street.name,
            c.community.name, c.estate.name, c.category.name, c.title, c.description, c.get_status_display(),
            c.unit_name, c.resolve_due, overdue, c.get_supervision_level_display() if c.supervision_level else "",
            sel.reporter_name_for(user, c), mask_phone(c.reporter_phone), c.get_satisfaction_display(), c.closed_at,
        ]


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _g("是") if value else _g("否")
    if hasattr(value, "tzinfo"):
        return local_text(value)
    text = str(value)
    # Spreadsheet programs run cells that start with = + - @ as formulas: keep them text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _export(request, filterset, qs, fmt: str):
    cap = getattr(settings, "WUYE_EXPORT_MAX_ROWS", 50_000)
    n = capped_count(qs, cap)
    back_query = query_string(request.GET)
    back = reverse("cases:page_list") + (f"?{back_query}" if back_query else "")
    if n > cap:
        messages.error(request, _g("符合条件的诉求超过 %(cap)s 条，无法一次导出。请先用筛选条件缩小范围后再导出。") % {
            "cap": f"{cap:,}"})
        return redirect(back)
    with translation.override(settings.LANGUAGE_CODE):  # audit rows read the same whatever the user's language
        audit_record(
            action=AuditAction.EXPORT, actor=request.user, object_type="cases.complaint", object_repr="诉求列表",
            detail=f"导出诉求 {n} 条（{fmt.upper()}，联系电话已脱敏）；筛选：{filterset.describe()}",
        )
    stamp = file_stamp()
    label = _g("诉求")
    rows = export_rows(qs, request.user)
    if fmt == "xlsx":
        return xlsx_response(filename=f"{label}-{stamp}.xlsx", sheet_title=label, columns=export_columns(), rows=rows)
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # Excel opens UTF-8 CSV correctly with a byte-order mark
        yield writer.writerow([col.header for col in export_columns()])
        for row in rows:
            yield writer.writerow([_csv_cell(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{label}-{stamp}.csv")
    return response
