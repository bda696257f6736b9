"""Parking (rules.md §5): an estate's inventory by ownership and disposal, the officials' list of
只售不租 violations, the company's waiting list with offers, and the owner's request page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.access import get_visible_or_404
from wuye.core.audit import audit_record
from wuye.core.calendar import file_stamp
from wuye.core.errors import ServiceError, error_text
from wuye.core.excel import Column, xlsx_response
from wuye.core.listing import capped_count, page_window, paginate
from wuye.core.masking import mask_name, mask_phone
from wuye.core.models import AuditAction
from wuye.disclosure.models import RentRequest

from . import selectors as sel
from .forms import OfferForm, RentRequestForm, SpaceFilterForm, ViolationFilterForm
from .services import rent_request_file, rent_request_offer, rent_request_withdraw


@require_GET
@login_required
def parking_estate(request, pk: int):
    estate = sel.parking_estate_get(user=request.user, pk=pk)
    form = SpaceFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = sel.spaces_of(estate.pk)
    for f in ("kind", "ownership", "disposal"):
        if data.get(f):
            qs = qs.filter(**{f: data[f]})
    if data.get("q"):
        qs = qs.filter(number__icontains=data["q"].strip())
    if request.GET.get("violation") == "1":
        qs = qs.filter(sel.SALE_ONLY_Q)
    page = paginate(request, qs.order_by("number", "id"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(request, "disclosure/parking/estate.html", {
        "estate": estate, "form": form, "page": page, "rows": list(page.object_list), "window": page_window(page),
        "query": urlencode(params), "filtered": bool(params), "matrix": sel.parking_matrix(estate.pk),
        "rates": sel.parking_rates(estate.pk), "violation": sel.open_violation(estate.pk),
        "sale_only": sel.sale_only_count(estate.pk),
        "waiting": sel.waiting_list(estate.pk).count(), "can_offer": sel.can_offer(request.user, estate),
        "common_income": sel.common_parking_monthly_income(estate.pk),
    })


# ---- violations -----------------------------------------------------------------------------

EXPORT_COLUMNS = [(_("小区"), 24), (_("区县"), 12), (_("街道"), 16), (_("物业服务企业"), 28), (_("空置未出租车位"), 14),
                  (_("状态"), 10), (_("发现时间"), 18), (_("整改时间"), 18)]


@require_GET
@login_required
def parking_violations(request):
    user = request.user
    base = sel.violations_visible_to(user)
    form = ViolationFilterForm(request.GET or None, districts=sel.violation_districts(user, base))
    data = form.cleaned_data if form.is_valid() else {}
    qs = base
    if data.get("district"):
        qs = qs.filter(estate__district_id=data["district"])
    if data.get("q"):
        qs = qs.filter(estate__name__icontains=data["q"].strip())
    counts = sel.violation_counts(qs)
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    qs = qs.select_related("estate", "estate__district", "estate__street", "estate__company").order_by(
        "status", "-found_at", "-id")
    if request.GET.get("export") == "xlsx":
        return _export(request, qs)
    page = paginate(request, qs)
    params = {k: v for k, v in request.GET.items() if k not in ("page", "export") and v}
    return render(request, "disclosure/parking/violations.html", {
        "form": form, "page": page, "rows": list(page.object_list), "window": page_window(page), "counts": counts,
        "query": urlencode(params), "export_query": urlencode({**params, "export": "xlsx"}), "filtered": bool(params),
    })


def _export(request, qs):
    cap = getattr(settings, "WUYE_EXPORT_MAX_ROWS", 50_000)
    n = capped_count(qs, cap)
    if n > cap:
        messages.error(request, _g("符合条件的记录超过 %(cap)s 条，请先筛选后再导出。") % {"cap": f"{cap:,}"})
        return redirect("disclosure:parking_violations")
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(action=AuditAction.EXPORT, actor=request.user, object_type="disclosure.parkingviolation",
                     object_repr="车位只售不租名单", detail=f"导出车位只售不租记录 {n} 条")

    def rows():
        for v in qs.iterator(chunk_size=2000):
            e = v.estate
            yield [e.name, e.district.name, e.street.name, e.company.name if e.company_id else "", v.idle_spaces,
                   v.get_status_display(), timezone.localtime(v.found_at).replace(tzinfo=None),
                   timezone.localtime(v.resolved_at).replace(tzinfo=None) if v.resolved_at else None]

    stamp = file_stamp()
    label = _g("车位只售不租")
    return xlsx_response(filename=f"{label}-{stamp}.xlsx", sheet_title=label,
                         columns=[Column(str(h), w) for h, w in EXPORT_COLUMNS], rows=rows())


# ---- waiting list and offers ----------------------------------------------------------------

SPACES_SHOWN = 200


@require_GET
@login_required
def parking_waiting(request, pk: int):
    estate = sel.waiting_estate_get(user=request.user, pk=pk)
    page = paginate(request, sel.waiting_list(estate.pk))
    start = page.start_index()
    rows = [{"position": start + i, "req": r, "name": mask_name(r.owner.name) if r.owner_id else "—",
             "phone": mask_phone(r.phone) or "—"} for i, r in enumerate(page.object_list)]
    can_offer = sel.can_offer(request.user, estate)
    spaces = list(sel.offerable_spaces(estate.pk)[:SPACES_SHOWN]) if can_offer else []
    recent = [{"req": r, "name": mask_name(r.owner.name) if r.owner_id else "—"} for r in sel.recent_offers(estate.pk)]
    return render(request, "disclosure/parking/waiting.html", {
        "estate": estate, "page": page, "rows": rows, "window": page_window(page), "query": "",
        "can_offer": can_offer, "spaces": spaces, "recent": recent, "rates": sel.parking_rates(estate.pk),
    })


@require_POST
@login_required
def parking_offer(request, pk: int):
    req = sel.rent_request_get_for_offer(user=request.user, pk=pk)
    form = OfferForm(request.POST, spaces=sel.spaces_of(req.estate_id))
    if not form.is_valid():
        messages.error(request, _g("请选择要安排的车位，并检查月租金。"))
        return redirect("disclosure:parking_waiting", pk=req.estate_id)
    try:
        rent_request_offer(actor=request.user, request=req, space=form.cleaned_data["space"],
                           monthly_rent=form.cleaned_data.get("monthly_rent"))
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _g("已为业主安排车位 %(no)s，并已通知业主。") % {"no": form.cleaned_data["space"].number})
    return redirect("disclosure:parking_waiting", pk=req.estate_id)


# ---- the owner's page -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def parking_rent(request):
    user = request.user
    sel.require_renter(user)
    estates = list(sel.resident_estates(user))
    if request.method == "POST":
        form = RentRequestForm(request.POST)
        if form.is_valid():
            estate = get_visible_or_404(sel.resident_estates(user), user=user, pk=form.cleaned_data["estate"])
            try:
                rent_request_file(actor=user, estate=estate, plate=form.cleaned_data["plate"],
                                  phone=form.cleaned_data["phone"])
            except ServiceError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _g("已加入 %(estate)s 的租车位排队名单。") % {"estate": estate.name})
                return redirect("disclosure:parking_rent")
    requests_ = list(sel.rent_requests_of(user)[:50])
    waiting = {r.estate_id: r for r in requests_ if r.status == RentRequest.Status.WAITING}
    cards = []
    for e in estates:
        w = waiting.get(e.pk)
        cards.append({"estate": e, "waiting": w, "position": sel.queue_position(w) if w else None,
                      "rates": sel.parking_rates(e.pk), "violation": sel.open_violation(e.pk),
                      "form": RentRequestForm(initial={"estate": e.pk, "phone": ""})})
    return render(request, "disclosure/parking/rent.html", {"cards": cards, "history": requests_})


@require_POST
@login_required
def parking_withdraw(request, pk: int):
    req = sel.rent_request_get_for_owner(user=request.user, pk=pk)
    try:
        rent_request_withdraw(actor=request.user, request=req)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _g("已撤回租车位申请。"))
    return redirect("disclosure:parking_rent")

