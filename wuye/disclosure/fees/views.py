"""Fee notices (明码标价): the officials' list with "未公示收费标准" flagged, the company's
publish form, one notice, and the public notice of an estate (printable, no login)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods

from wuye.core.errors import ServiceError
from wuye.core.listing import page_window, paginate

from . import selectors as sel
from .forms import FeeItemFormSet, FeeListFilterForm, FeeNoticeForm
from .services import HOTLINE, fee_notice_publish


@require_GET
@login_required
def fee_list(request):
    user = request.user
    sel.require_fee_list_role(user)
    form = FeeListFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    estates = sel.fee_estates_for(user)
    by_district = sel.fee_counts_by_district(estates)
    qs = estates
    q = (data.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(search_key__startswith=q.lower()))
    if data.get("missing") == "1":
        qs = qs.filter(has_notice=False)
    elif data.get("missing") == "0":
        qs = qs.filter(has_notice=True)
    if data.get("district"):
        qs = qs.filter(district_id=data["district"])
    page = paginate(request, qs.order_by("has_notice", "district__name", "name", "id"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    totals = {"total": sum(d["total"] for d in by_district), "missing": sum(d["missing"] for d in by_district)}
    return render(request, "disclosure/fees/list.html", {
        "page": page, "rows": list(page.object_list), "window": page_window(page), "form": form,
        "query": urlencode(params), "by_district": by_district, "totals": totals, "filtered": bool(params),
        "can_publish": sel.can_publish_fees(user), "district_filter": data.get("district"),
    })


def _items_initial(initial: dict) -> list[dict]:
    return initial.pop("items", [])


@require_http_methods(["GET", "POST"])
@login_required
def fee_new(request):
    user = request.user
    raw = request.POST.get("estate") or request.GET.get("estate")
    if not raw:
        # Choose the estate first: the estates the manager's company serves.
        if not sel.can_publish_fees(user):
            sel.fee_estate_for_publish(user=user, estate_id=0)  # refuses (403) and audits
        estates = list(sel.estates_to_publish_for(user))
        return render(request, "disclosure/fees/pick_estate.html", {"estates": estates})
    estate = sel.fee_estate_for_publish(user=user, estate_id=raw)
    initial = sel.fee_prefill(estate)
    items_initial = _items_initial(initial)
    if request.method == "POST":
        form = FeeNoticeForm(request.POST)
        formset = FeeItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid():
            d = form.cleaned_data
            items = [f.cleaned_data for f in formset.forms if f.cleaned_data]
            try:
                notice = fee_notice_publish(
                    actor=user, estate=estate, service_content=d["service_content"],
                    service_standard=d["service_standard"], billing_start=d["billing_start"], items=items,
                    legal_basis=d["legal_basis"], price_regime=d["price_regime"], base_price=d.get("base_price"),
                    band_percent=d.get("band_percent"), payer=d["payer"], billing_method=d["billing_method"],
                    effective_from=d.get("effective_from"))
            except ServiceError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _g("已发布 %(estate)s 的收费公示，原公示已转为历史记录。") % {"estate": estate.name})
                return redirect("disclosure:fee_detail", pk=notice.pk)
    else:
        form = FeeNoticeForm(initial=initial)
        formset = FeeItemFormSet(prefix="items", initial=items_initial)
    current = sel.fee_notice_current(estate.pk)
    return render(request, "disclosure/fees/form.html", {"estate": estate, "form": form, "formset": formset,
                                                         "current": current, "hotline": HOTLINE})


def _attach(form, exc: ServiceError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e.message if hasattr(e, "message") else e)
    else:
        for m in exc.messages:
            form.add_error(None, m)


@require_GET
@login_required
def fee_detail(request, pk: int):
    notice = sel.fee_notice_get_for_user(user=request.user, pk=pk)
    history = list(sel.fee_notice_history(notice.estate_id)[:50])
    can_publish = sel.can_publish_for(request.user, notice.estate)
    return render(request, "disclosure/fees/detail.html", {"notice": notice, "items": list(notice.items.all()),
                                                           "history": history, "can_publish": can_publish,
                                                           "hotline": HOTLINE})


@require_GET
def fee_public(request, estate_pk: int):
    estate = sel.estate_public(estate_pk)
    if estate is None:
        raise Http404("未找到该小区")
    notice = sel.fee_notice_current(estate.pk)
    return render(request, "disclosure/fees/public.html", {
        "estate": estate, "notice": notice, "items": list(notice.items.all()) if notice else [], "hotline": HOTLINE,
    })
