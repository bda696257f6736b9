"""Shared-utility pages (水电公摊, issue 5 item 2, scenario 8).

Signed in: the scoped list with filters, the new-allocation form (the estate's company), the
detail page (readings entered one by one or imported from Excel, compute, publish, withdraw, the
shares table and a chart of master vs household vs loss), the officials' list of allocations above
the loss threshold by district, and the resident's own shares with the calculation spelled out.
Public (no login): a published allocation — readings, loss, rate, method, price, total and each
unit's number and charge (never an owner's name).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wuye.core.access import refuse
from wuye.core.listing import page_window, paginate
from wuye.core.money import round_half_up
from wuye.disclosure.models import DisclosureSettings, UtilityAllocation

from . import selectors as sel
from . import services as svc
from .forms import AllocationForm, FilterForm, ImportForm, ReadingForm, WithdrawForm
from .imports import template_workbook, utility_readings_import
from .workflow import S

STATUS_STYLE = {"draft": "secondary", "published": "success", "withdrawn": "light", "submitted": "info",
                "returned": "warning"}
UNIT_LABEL = {"electricity": _lazy("kWh"), "water": _lazy("吨")}


def _refuse(request, reason: str = "无权访问水电公摊"):
    refuse(user=request.user, model=UtilityAllocation, pk="", reason=reason, status=403)


def _crumbs(*items):
    return [(_("水电公摊"), reverse("disclosure:utility_list")), *items]


def _query(request) -> str:
    params = request.GET.copy()
    for key in ("page", "rpage"):
        params.pop(key, None)
    return params.urlencode()


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)


def qty_unit(allocation) -> str:
    return str(UNIT_LABEL.get(allocation.utility, ""))


# ---- list -------------------------------------------------------------------------------------


def _filtered(request, qs):
    form = FilterForm(request.GET or None)
    if form.is_valid():
        d = form.cleaned_data
        if d.get("q"):
            qs = qs.filter(estate__name__icontains=d["q"])
        if d.get("utility"):
            qs = qs.filter(utility=d["utility"])
        if d.get("period"):
            month = d["period"]
            qs = qs.filter(period_start__lte=_month_end(month), period_end__gte=month)
        if d.get("flagged"):
            qs = qs.filter(flagged=True)
    return qs, form


def _month_end(first: date) -> date:
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


@login_required
@require_safe
def utility_list(request):
    """``/disclosure/utilities/``: the allocations of the estates the user may see."""
    if not sel.can_use_utilities(request.user):
        _refuse(request)
    qs = sel.allocations_visible_to(request.user).select_related("estate", "building")
    qs, form = _filtered(request, qs)
    page = paginate(request, qs.order_by("-period_end", "estate__name", "utility", "-id"))
    can_create = sel.can_draft(request.user)
    return render(request, "disclosure/utilities/list.html", {
        "page": page, "window": page_window(page), "form": form, "query": _query(request),
        "can_create": can_create, "can_see_flagged": sel.can_see_flagged(request.user), "status_style": STATUS_STYLE,
        "is_resident": sel.is_resident(request.user),
        "breadcrumbs": [(_("水电公摊"), None)],
    })


# ---- create -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def utility_new(request):
    user = request.user
    if not sel.can_draft(user):
        _refuse(request, "只有物业服务企业可以编制水电公摊")
    estates = sel.estates_for_new_allocation(user)
    form = AllocationForm(request.POST or None, estates=estates, buildings=sel.buildings_of(estates))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            allocation = svc.utility_allocation_create(
                actor=user, estate=d["estate"], building=d.get("building"), utility=d["utility"],
                period_start=d["period_start"], period_end=d["period_end"], master_start=d["master_start"],
                master_end=d["master_end"], method=d["method"], area_weight=d.get("area_weight"),
                unit_price=d["unit_price"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("水电公摊草稿已建立，请录入或导入分户表读数。"))
            return redirect("disclosure:utility_detail", pk=allocation.pk)
    return render(request, "disclosure/utilities/form.html", {
        "form": form, "breadcrumbs": _crumbs((_("新建水电公摊"), None)),
    })


# ---- detail -----------------------------------------------------------------------------------


def _chart(allocation) -> dict:
    return {"labels": [_("总表用量"), _("分户用量合计"), _("公摊损耗")],
            "values": [str(allocation.master_usage), str(allocation.household_usage), str(allocation.loss)],
            "texts": [_plain(allocation.master_usage), _plain(allocation.household_usage), _plain(allocation.loss)],
            "unit": qty_unit(allocation)}


def _detail_context(request, allocation, **extra) -> dict:
    user = request.user
    can_edit = sel.can_draft_for(user, allocation.estate)
    draft = allocation.status == S.DRAFT
    totals = sel.reading_totals(allocation)
    rpage = paginate(_with_page(request, "rpage"), sel.readings_for(user, allocation), per_page=20)
    spage = paginate(request, sel.shares_for(user, allocation), per_page=20)
    share_totals = sel.share_totals(allocation)
    computed = share_totals["n"] > 0
    return {
        "a": allocation, "can_edit": can_edit and draft, "can_withdraw": can_edit and allocation.status == S.PUBLISHED,
        "draft": draft, "computed": computed, "rpage": rpage, "rwindow": page_window(rpage),
        "reading_totals": totals, "page": spage, "window": page_window(spage), "share_totals": share_totals,
        "query": _query(request), "qty_unit": qty_unit(allocation), "status_style": STATUS_STYLE,
        "threshold": DisclosureSettings.current().utility_loss_threshold,
        "chart": _chart(allocation) if computed else None,
        "reading_form": extra.pop("reading_form", None) or ReadingForm(
            initial={"building": allocation.building.name if allocation.building_id else ""}),
        "import_form": ImportForm(), "withdraw_form": WithdrawForm(),
        "breadcrumbs": _crumbs((str(allocation), None)), **extra,
    }


class _PageRequest:
    """``paginate`` reads ``request.GET['page']``: give it the readings' own page parameter."""

    def __init__(self, request, key):
        self.GET = {"page": request.GET.get(key)}


def _with_page(request, key):
    return _PageRequest(request, key)


@login_required
@require_safe
def utility_detail(request, pk: int):
    if not sel.can_use_utilities(request.user):
        _refuse(request)
    allocation = sel.allocation_get_for_user(request.user, pk)
    return render(request, "disclosure/utilities/detail.html", _detail_context(request, allocation))


def _editable(request, pk: int) -> UtilityAllocation:
    if not sel.can_use_utilities(request.user):
        _refuse(request)
    allocation = sel.allocation_get_for_user(request.user, pk)
    if not sel.can_draft_for(request.user, allocation.estate):
        refuse(user=request.user, model=UtilityAllocation, pk=pk, reason="只有该小区的物业服务企业可以操作",
               status=403)
    return allocation


def _back(pk: int, anchor: str = ""):
    return redirect(reverse("disclosure:utility_detail", kwargs={"pk": pk}) + anchor)


@login_required
@require_POST
def utility_reading_add(request, pk: int):
    allocation = _editable(request, pk)
    form = ReadingForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        unit = sel.unit_in_scope(allocation, building=d["building"], number=d["number"])
        if unit is None:
            form.add_error("number", _("在本次公摊范围内找不到该房屋，请核对楼栋和房号。"))
        else:
            try:
                svc.utility_reading_set(actor=request.user, allocation=allocation, unit=unit, start=d["start"],
                                        end=d["end"])
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("已保存 %(unit)s 的读数。") % {"unit": unit.number})
                return _back(pk, "#readings")
    return render(request, "disclosure/utilities/detail.html",
                  _detail_context(request, allocation, reading_form=form), status=400)


@login_required
@require_POST
def utility_reading_delete(request, pk: int, reading_id: int):
    allocation = _editable(request, pk)
    try:
        svc.utility_reading_delete(actor=request.user, allocation=allocation, reading_id=reading_id)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已删除该读数。"))
    return _back(pk, "#readings")


@login_required
@require_POST
def utility_import(request, pk: int):
    allocation = _editable(request, pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        result = None
        error = _("请选择要导入的 .xlsx 文件。")
    else:
        error = None
        try:
            result = utility_readings_import(actor=request.user, allocation=allocation, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            result, error = None, _errors(exc)
    ctx = {"result": result, "error": error, "a": allocation}
    if request.htmx:  # htmx swaps only 2xx answers: the report itself says whether anything was imported
        return render(request, "disclosure/utilities/_import_result.html", ctx)
    allocation.refresh_from_db()
    return render(request, "disclosure/utilities/detail.html",
                  _detail_context(request, allocation, import_result=result, import_error=error),
                  status=200 if result and result.ok else 400)


@login_required
@require_safe
def utility_import_template(request, pk: int):
    allocation = _editable(request, pk)
    response = HttpResponse(template_workbook(allocation),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''utility-readings-{allocation.pk}.xlsx"
    return response


def _version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@login_required
@require_POST
def utility_compute(request, pk: int):
    allocation = _editable(request, pk)
    try:
        allocation = svc.utility_allocation_compute(actor=request.user, allocation=allocation,
                                                    expected_version=_version(request))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        if allocation.flagged:
            messages.warning(request, _("已计算：损耗率 %(rate)s%% 超过预警线，公示后将提示监管部门核查。") % {
                "rate": allocation.loss_rate})
        else:
            messages.success(request, _("已计算：损耗 %(loss)s，合计 %(total)s 元。") % {
                "loss": allocation.loss, "total": allocation.total_charge})
    return _back(pk)


@login_required
@require_POST
def utility_publish(request, pk: int):
    allocation = _editable(request, pk)
    try:
        svc.utility_allocation_publish(actor=request.user, allocation=allocation, expected_version=_version(request))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已公示，业主可在公开页和“我的水电公摊”中查看。"))
    return _back(pk)


@login_required
@require_POST
def utility_withdraw(request, pk: int):
    allocation = _editable(request, pk)
    form = WithdrawForm(request.POST)
    try:
        reason = form.data.get("reason", "")
        svc.utility_allocation_withdraw(actor=request.user, allocation=allocation, reason=reason,
                                        expected_version=_version(request))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已撤回该公示。"))
    return _back(pk)


@login_required
@require_POST
def utility_delete(request, pk: int):
    allocation = _editable(request, pk)
    try:
        svc.utility_allocation_delete(actor=request.user, allocation=allocation)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return _back(pk)
    messages.success(request, _("已删除该草稿。"))
    return redirect("disclosure:utility_list")


# ---- officials: flagged -------------------------------------------------------------------------


@login_required
@require_safe
def utility_flagged(request):
    """Officials: published allocations above the loss threshold, by district."""
    if not sel.can_see_flagged(request.user):
        _refuse(request, "仅监管部门可查看")
    qs = sel.allocations_flagged_for(request.user)
    by_district = list(qs.values("estate__district__name").annotate(n=Count("id"))
                       .order_by("-n", "estate__district__name"))
    rows = qs.select_related("estate", "estate__district", "estate__street", "building", "company") \
        .order_by("estate__district__name", "-loss_rate", "-id")
    page = paginate(request, rows)
    return render(request, "disclosure/utilities/flagged.html", {
        "page": page, "window": page_window(page), "query": _query(request), "by_district": by_district,
        "threshold": DisclosureSettings.current().utility_loss_threshold,
        "breadcrumbs": _crumbs((_("损耗率超预警"), None)),
    })


# ---- public -----------------------------------------------------------------------------------


@require_safe
def utility_public(request, pk: int):
    """PUBLIC: a published allocation; units by number and charge only (no owners' names)."""
    allocation = sel.allocation_get_public(pk)
    if allocation is None:
        raise Http404(_("未找到该公示，或已撤回。"))
    page = paginate(request, sel.public_shares_of(allocation), per_page=50)
    totals = sel.share_totals(allocation)
    return render(request, "disclosure/utilities/public.html", {
        "a": allocation, "page": page, "window": page_window(page), "query": _query(request), "totals": totals,
        "qty_unit": qty_unit(allocation), "chart": _chart(allocation),
        "breadcrumbs": [(allocation.estate.name, None), (_("水电公摊公示"), None)],
    })


# ---- resident: mine ---------------------------------------------------------------------------


def _fmt(value: Decimal, places: int = 2) -> str:
    return f"{round_half_up(value, places):,.{places}f}"


def _plain(value: Decimal) -> str:
    """750.00 → "750", 12480.5 → "12,480.50"."""
    value = Decimal(value)
    return f"{int(value):,}" if value == value.to_integral_value() else _fmt(value)


def explain(share, allocation, *, total_area: Decimal, households: int) -> str:
    """The calculation behind one unit's share, in words a resident can check."""
    u = qty_unit(allocation)
    loss = _("损耗 %(loss)s %(u)s") % {"loss": _plain(allocation.loss), "u": u}
    tail = _("= %(q)s %(u)s × %(p)s 元 = %(c)s 元") % {
        "q": _fmt(share.quantity, 3), "u": u, "p": f"{allocation.unit_price.normalize():f}", "c": _fmt(share.charge)}
    if allocation.method == UtilityAllocation.Method.HOUSEHOLD:
        middle = _("× 1 / %(n)s 户") % {"n": households}
    elif allocation.method == UtilityAllocation.Method.FORMULA:
        aw = Decimal(allocation.area_weight or 0)
        middle = _("× (%(aw)s%% × 本户面积 %(a)s / 总面积 %(t)s + %(hw)s%% × 1 / %(n)s 户)") % {
            "aw": f"{aw.normalize():f}", "hw": f"{(Decimal(100) - aw).normalize():f}", "a": _fmt(share.area),
            "t": _fmt(total_area), "n": households}
    else:
        middle = _("× 本户面积 %(a)s / 总面积 %(t)s") % {"a": _fmt(share.area), "t": _fmt(total_area)}
    return f"{loss} {middle} {tail}"


@login_required
@require_safe
def utility_mine(request):
    """The resident's own units' shares of published allocations, with the calculation."""
    if not sel.is_resident(request.user):
        _refuse(request, "仅业主本人可查看")
    shares = sel.shares_of_resident(request.user).select_related(
        "allocation", "allocation__estate", "allocation__building", "unit", "unit__building") \
        .order_by("-allocation__period_end", "allocation__utility", "unit_id")
    page = paginate(request, shares, per_page=10)
    ids = {s.allocation_id for s in page.object_list}
    totals = sel.area_and_households(ids)
    items = []
    for s in page.object_list:
        t = totals.get(s.allocation_id) or sel.no_totals()
        items.append({"share": s, "a": s.allocation, "qty_unit": qty_unit(s.allocation),
                      "explain": explain(s, s.allocation, total_area=t["area"] or Decimal(0), households=t["n"])})
    return render(request, "disclosure/utilities/mine.html", {
        "page": page, "window": page_window(page), "query": _query(request), "items": items,
        "breadcrumbs": [(_("我的水电公摊"), None)],
    })

