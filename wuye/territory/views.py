"""Territory pages: district list → district → street → community, each scoped to the user
(``territory.selectors``): the city bureau sees every district, a district authority or one of its
departments its district, a street office its street, a community itself. Everyone else — property
companies, committees, residents, the three administrators — gets 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from wuye.core.access import get_visible_or_404, refuse
from wuye.registry.models import Estate
from wuye.registry.selectors import estates_visible_to

from . import selectors as sel
from .models import District
from .selectors import communities_visible_to, districts_visible_to, streets_visible_to


def _counts(qs, key: str) -> dict:
    return dict(qs.values(key).annotate(n=Count("id")).values_list(key, "n"))


def _estate_summary(estates) -> dict:
    """Totals of a set of estates by kind and management mode, in one query."""
    modes = Estate.ManagementMode
    return estates.aggregate(
        total=Count("id"),
        old=Count("id", filter=Q(kind=Estate.Kind.OLD_COMPOUND)),
        professional=Count("id", filter=Q(management_mode=modes.PROFESSIONAL)),
        quasi=Count("id", filter=Q(management_mode=modes.QUASI)),
        self_managed=Count("id", filter=Q(management_mode=modes.SELF_MANAGED)),
        unmanaged=Count("id", filter=Q(management_mode=modes.NONE)),
    )


@require_GET
@login_required
def district_list(request):
    user = request.user
    own = sel.own_place(user)
    if own is not None:
        return redirect(f"territory:{own[0]}_detail", pk=own[1])
    districts = list(districts_visible_to(user).only("id", "name", "kind", "code"))
    if not districts:
        refuse(user=user, model=District, pk="", reason="该角色没有行政区划数据范围")
    if len(districts) == 1 and not sel.sees_every_district(user):
        return redirect("territory:district_detail", pk=districts[0].pk)
    ids = [d.pk for d in districts]
    streets = sel.street_counts_by_district(ids)
    communities = sel.community_counts_by_district(ids)
    estates = _counts(estates_visible_to(user).filter(district_id__in=ids), "district_id")
    unmanaged = _counts(
        estates_visible_to(user).filter(district_id__in=ids, management_mode=Estate.ManagementMode.NONE), "district_id"
    )
    for d in districts:
        d.street_count = streets.get(d.pk, 0)
        d.community_count = communities.get(d.pk, 0)
        d.estate_count = estates.get(d.pk, 0)
        d.unmanaged_count = unmanaged.get(d.pk, 0)
    totals = {key: sum(getattr(d, key) for d in districts)
              for key in ("street_count", "community_count", "estate_count", "unmanaged_count")}
    return render(request, "territory/district_list.html", {"districts": districts, "totals": totals})


@require_GET
@login_required
def district_detail(request, pk: int):
    user = request.user
    district = get_visible_or_404(districts_visible_to(user).select_related("city"), user=user, pk=pk)
    estates = estates_visible_to(user).filter(district=district)
    streets = list(streets_visible_to(user).filter(district=district).only("id", "name", "kind", "code"))
    community_counts = sel.community_counts_by_street(district)
    estate_counts = _counts(estates, "street_id")
    for s in streets:
        s.community_count = community_counts.get(s.pk, 0)
        s.estate_count = estate_counts.get(s.pk, 0)
    return render(request, "territory/district_detail.html", {
        "district": district,
        "streets": streets,
        "departments": sel.departments_of(district),
        "summary": _estate_summary(estates),
        "company_count": estates.exclude(company__isnull=True).values("company_id").distinct().count(),
        "community_total": sum(community_counts.values()),
        "link_query": f"district={district.pk}",
    })


@require_GET
@login_required
def street_detail(request, pk: int):
    user = request.user
    street = get_visible_or_404(streets_visible_to(user).select_related("district"), user=user, pk=pk)
    estates = estates_visible_to(user).filter(street=street)
    communities = list(communities_visible_to(user).filter(street=street).only("id", "name", "code", "street_id"))
    estate_counts = _counts(estates, "community_id")
    unmanaged = _counts(estates.filter(management_mode=Estate.ManagementMode.NONE), "community_id")
    for c in communities:
        c.estate_count = estate_counts.get(c.pk, 0)
        c.unmanaged_count = unmanaged.get(c.pk, 0)
    return render(request, "territory/street_detail.html", {
        "street": street,
        "communities": communities,
        "summary": _estate_summary(estates),
        "district_visible": districts_visible_to(user).filter(pk=street.district_id).exists(),
        "link_query": f"street={street.pk}",
    })


@require_GET
@login_required
def community_detail(request, pk: int):
    user = request.user
    community = get_visible_or_404(
        communities_visible_to(user).select_related("street", "street__district"), user=user, pk=pk
    )
    estates = estates_visible_to(user).filter(community=community)
    return render(request, "territory/community_detail.html", {
        "community": community,
        "estates": list(estates.select_related("company").only(
            "id", "name", "kind", "management_mode", "year_built", "floor_area", "company__name",
        ).order_by("name", "id")[:200]),
        "summary": _estate_summary(estates),
        "street_visible": streets_visible_to(user).filter(pk=community.street_id).exists(),
        "district_visible": districts_visible_to(user).filter(pk=community.street.district_id).exists(),
        "link_query": f"community={community.pk}",
    })
