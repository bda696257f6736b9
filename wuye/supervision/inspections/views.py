"""Pages of the inspections (issue 4 §2–3, §12–13): the inspection list (with Excel export), the
inspector's tasks, one inspection and the mobile inspection form (the pool, plans and draws:
``views_plans.py``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.access import refuse
from wuye.core.errors import ServiceError
from wuye.core.listing import page_window, paginate, query_string
from wuye.supervision.orders.selectors import orders_of_inspection
from wuye.supervision.pages import PAGE_SIZE, crumbs, export_xlsx, htmx_results

from . import selectors as sel
from . import services as svc
from .forms import InspectionFilterForm, ReasonForm
from .models import Inspection

# ---- inspections ---------------------------------------------------------------------------------------------------


def _filtered_inspections(request, user):
    form = InspectionFilterForm(request.GET or None, user=user)
    qs = sel.inspections_visible_to(user)
    if form.is_valid():
        cd = form.cleaned_data
        if cd.get("q"):
            qs = qs.filter(Q(estate__name__icontains=cd["q"]) | Q(company__name__icontains=cd["q"]))
        if cd.get("plan"):
            qs = qs.filter(plan_id=cd["plan"])
        if cd.get("district"):
            qs = qs.filter(district=cd["district"])
        if cd.get("status"):
            qs = qs.filter(status=cd["status"])
        if cd.get("company"):
            qs = qs.filter(company_id=cd["company"])
        if cd.get("date_from"):
            qs = qs.filter(Q(inspected_on__gte=cd["date_from"]) | Q(inspected_on__isnull=True, scheduled_on__gte=cd["date_from"]))
        if cd.get("date_to"):
            qs = qs.filter(Q(inspected_on__lte=cd["date_to"]) | Q(inspected_on__isnull=True, scheduled_on__lte=cd["date_to"]))
    return form, qs


INSPECTION_EXPORT = [(_("小区"), 20), (_("区县"), 10), (_("街道"), 14), (_("物业服务企业"), 24), (_("检查计划"), 22),
                     (_("计划检查日期"), 12), (_("检查日期"), 12), (_("状态"), 10), (_("得分"), 8), (_("满分"), 8),
                     (_("问题数"), 8), (_("提交时间"), 17)]


@require_GET
@login_required
def inspection_list(request):
    user = request.user
    if not sel.can_use_inspection_list(user):
        refuse(user=user, model=Inspection, pk="", reason=_("该角色不使用监督检查页面"), status=403)
    form, qs = _filtered_inspections(request, user)
    qs = qs.select_related("estate", "company", "district", "street", "plan").order_by(
        "-inspected_on", "-scheduled_on", "-id")
    if request.GET.get("export") == "xlsx":
        return export_xlsx(request, qs, name="inspections", title=_g("监督检查"), headers=INSPECTION_EXPORT, rows=(
            (i.estate.name, i.district.name, i.street.name, i.company.name if i.company else "", i.plan.name if i.plan else "",
             i.scheduled_on, i.inspected_on, i.get_status_display(), i.total_score, i.max_score, i.defect_count,
             i.submitted_at) for i in qs.iterator(chunk_size=2000)))
    page = paginate(request, qs, per_page=PAGE_SIZE)
    ctx = {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "query": query_string(request.GET),
        "filter_form": form, "list_url": reverse("supervision:inspection_list"),
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        "breadcrumbs": crumbs((_("检查记录"), None)),
    }
    if htmx_results(request):
        return render(request, "supervision/_inspection_results.html", ctx)
    return render(request, "supervision/inspection_list.html", ctx)


@require_GET
@login_required
def inspector_tasks(request):
    """The inspector's own inspections (任务), newest first; usable on a phone."""
    if not (sel.can_use_inspection_list(request.user) or sel.is_in_pool(request.user)):
        refuse(user=request.user, model=Inspection, pk="", reason=_("该角色不使用监督检查页面"), status=403)
    qs = (sel.inspections_assigned_to(request.user).select_related("estate", "company", "plan", "district")
          .order_by("-scheduled_on", "-id"))
    rows = list(qs[:100])
    waiting = [r for r in rows if r.status == Inspection.Status.ASSIGNED]
    done = [r for r in rows if r.status != Inspection.Status.ASSIGNED]
    return render(request, "supervision/inspector_tasks.html", {
        "waiting": waiting, "done": done, "is_inspector": sel.is_in_pool(request.user),
        "breadcrumbs": crumbs((_("我的检查任务"), None)),
    })


@require_GET
@login_required
def inspection_detail(request, pk):
    insp = sel.inspection_get_for_user(user=request.user, pk=pk)
    is_inspector = sel.is_inspector_of(request.user, insp)
    show_scores = sel.can_see_scores(request.user, insp, is_inspector=is_inspector)
    sections, _items = sel.sections_with_scores(insp) if show_scores else ([], [])
    orders = orders_of_inspection(insp)
    inspectors = sel.inspectors_of(insp)
    return render(request, "supervision/inspection_detail.html", {
        "insp": insp, "sections": sections, "orders": orders, "inspectors": inspectors, "show_scores": show_scores,
        "can_record": is_inspector and insp.status == Inspection.Status.ASSIGNED,
        "can_cancel": sel.can_cancel_inspection(request.user, insp),
        "cancel_form": ReasonForm(), "now": timezone.now(),
        "breadcrumbs": crumbs((_("检查记录"), reverse("supervision:inspection_list")), (insp.estate.name, None)),
    })


def _entries_from_post(post, items) -> tuple[dict, dict]:
    entries, values = {}, {}
    for it in items:
        raw = (post.get(f"deduction_{it.pk}") or "").strip()
        na = post.get(f"na_{it.pk}") == "1"
        defect = post.get(f"defect_{it.pk}") == "1"
        note = post.get(f"note_{it.pk}", "")
        entries[it.pk] = {"deduction": raw, "not_applicable": na, "defect": defect, "note": note}
        values[it.pk] = {"deduction": raw, "na": na, "defect": defect, "note": note}
    return entries, values


@require_http_methods(["GET", "POST"])
@login_required
def inspection_record(request, pk):
    """The mobile inspection form: only the inspection's own inspectors, while it is not submitted."""
    insp = sel.inspection_get_for_user(user=request.user, pk=pk)
    if not sel.is_inspector_of(request.user, insp):
        refuse(user=request.user, model=Inspection, pk=pk, reason=_("只有本次检查的检查人员可以录入检查结果"), status=403)
    if insp.status != Inspection.Status.ASSIGNED:
        messages.info(request, _g("该检查已提交，结果如下。"))
        return redirect("supervision:inspection_detail", pk=insp.pk)
    error = None
    values = None
    item_errors: dict = {}
    if request.method == "POST" and request.POST.get("action") != "submit":
        return _save_draft(request, insp)
    if request.method == "POST":
        items = sel.standard_items(insp.standard_id)
        entries, values = _entries_from_post(request.POST, items)
        photos = {it.pk: request.FILES.getlist(f"photos_{it.pk}") for it in items if request.FILES.getlist(f"photos_{it.pk}")}
        submit = request.POST.get("action") == "submit"
        try:
            version = int(request.POST.get("version", insp.version))
        except ValueError:
            version = insp.version
        insp.version = version
        try:
            inspected_on = _date(request.POST.get("inspected_on"))
            svc.inspection_record(actor=request.user, inspection=insp, entries=entries, photos=photos,
                                  summary=request.POST.get("summary", ""), inspected_on=inspected_on, submit=submit)
        except ServiceError as e:
            error = e.message
            insp.refresh_from_db()
            insp.summary = request.POST.get("summary", "")
        else:
            if submit:
                messages.success(request, _g("检查结果已提交并公开。"))
                return redirect("supervision:inspection_detail", pk=insp.pk)
            messages.success(request, _g("已保存草稿。"))
            return redirect("supervision:inspection_record", pk=insp.pk)
    return _render_record(request, insp, values=values, error=error, item_errors=item_errors)


def _render_record(request, insp, *, values=None, error=None, item_errors=None, date_error=None, inspected_on=""):
    sections, items = sel.sections_with_scores(insp, values=values)
    item_errors = item_errors or {}
    first_error = None
    for it in items:
        it.error = item_errors.get(it.pk)
        if it.error and first_error is None:
            first_error = it.pk  # the form gets autofocus there: the browser scrolls to it
    failed = bool(error or item_errors or date_error)
    return render(request, "supervision/inspection_record.html", {
        "insp": insp, "sections": sections, "error": error, "max_total": sum((i.max_points for i in items), Decimal("0")),
        "item_errors": item_errors, "first_error": first_error, "date_error": date_error, "inspected_on": inspected_on,
        "today": timezone.localdate(), "breadcrumbs": crumbs((_("我的检查任务"), reverse("supervision:inspector_tasks")),
                                                              (insp.estate.name, None)),
    }, status=400 if failed else 200)


def _save_draft(request, insp):
    """保存草稿 saves what is valid (issue 14 §10): the rest comes back with its error beside the item
    and the first one focused (``autofocus``, no script)."""
    items = sel.standard_items(insp.standard_id)
    entries, values = _entries_from_post(request.POST, items)
    photos = {it.pk: request.FILES.getlist(f"photos_{it.pk}") for it in items if request.FILES.getlist(f"photos_{it.pk}")}
    try:
        insp.version = int(request.POST.get("version", insp.version))
    except ValueError:
        pass
    raw_date = request.POST.get("inspected_on", "")
    date_error = None
    try:
        inspected_on = _date(raw_date)
    except ServiceError as e:
        inspected_on, date_error = None, e.message
    try:
        _insp, item_errors = svc.inspection_draft_save(actor=request.user, inspection=insp, entries=entries,
                                                       photos=photos, summary=request.POST.get("summary", ""),
                                                       inspected_on=inspected_on)
    except ServiceError as e:
        insp.refresh_from_db()
        insp.summary = request.POST.get("summary", "")
        return _render_record(request, insp, values=values, error=e.message, inspected_on=raw_date)
    if not item_errors and not date_error:
        messages.success(request, _g("已保存草稿。"))
        return redirect("supervision:inspection_record", pk=insp.pk)
    insp.refresh_from_db()
    # What was saved shows as saved; what was refused shows as typed, beside its error.
    for pk in list(values):
        if pk not in item_errors:
            values.pop(pk)
    n = len(item_errors) + (1 if date_error else 0)
    error = _g("草稿已保存，但有 %(n)d 处未保存，请按提示修改后再保存。") % {"n": n}
    return _render_record(request, insp, values=values, error=error, item_errors=item_errors,
                          date_error=date_error, inspected_on=raw_date if date_error else "")


def _date(value):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ServiceError(_g("检查日期格式不正确")) from None


@require_POST
@login_required
def inspection_cancel(request, pk):
    insp = sel.inspection_get_for_user(user=request.user, pk=pk)
    if not sel.can_cancel_inspections(request.user):
        refuse(user=request.user, model=Inspection, pk=pk, reason=_("只有主管部门可以取消检查"), status=403)
    try:
        svc.inspection_cancel(actor=request.user, inspection=insp, reason=request.POST.get("note", ""))
    except ServiceError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _g("检查已取消。"))
    return redirect("supervision:inspection_detail", pk=insp.pk)


@require_GET
@login_required
def inspection_photo(request, pk):
    photo = sel.photo_get_for_user(user=request.user, pk=pk)
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response

