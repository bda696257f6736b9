"""Who may see which shared-utility allocations (水电公摊): decided here and nowhere else.

- officials (city, district, street, community, department) and the estate's company and
  committee: the allocations of the estates they may see (``registry.selectors.estate_q``),
  drafts included;
- residents: the published (or withdrawn) allocations of their own estates;
- the public: published allocations only (``allocations_public``);
- the three administrators and users without a role: nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from wuye.accounts.models import Role
from wuye.accounts.selectors import (
    COMPANY_ROLES,
    committee_users,
    district_officials,
    owner_users,
    unit_users,
)
from wuye.core.access import get_visible_or_404
from wuye.disclosure.models import HouseholdReading, UtilityAllocation, UtilityShare, UtilityStatus
from wuye.registry.models import Building, Estate, Ownership, Unit
from wuye.registry.selectors import NOTHING, estate_q, estates_visible_to

S = UtilityStatus
OFFICIALS = (Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.DEPARTMENT)
APP_ROLES = (*OFFICIALS, Role.COMPANY_MANAGER, Role.COMPANY_STAFF, Role.COMMITTEE, Role.RESIDENT)


def _role(user):
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) and user.is_active else None


# ---- policies -------------------------------------------------------------------------------------


def can_use_utilities(user) -> bool:
    """The roles that have the utility pages at all (each sees its own scope)."""
    return _role(user) in APP_ROLES


def can_draft(user) -> bool:
    """Company manager or staff bound to a company: they draft for the estates their company serves."""
    return _role(user) in COMPANY_ROLES and user.company_id is not None


def can_draft_for(user, estate) -> bool:
    """Only the estate's own property company (manager or staff) drafts its utility allocations."""
    return can_draft(user) and estate.company_id == user.company_id


def actor_kinds(user, allocation: UtilityAllocation) -> set[str]:
    return {"company"} if can_draft_for(user, allocation.estate) else set()


def is_resident(user) -> bool:
    return _role(user) == Role.RESIDENT


def can_see_flagged(user) -> bool:
    return _role(user) in OFFICIALS


# ---- reads ----------------------------------------------------------------------------------------


def allocations_visible_to(user) -> QuerySet[UtilityAllocation]:
    qs = UtilityAllocation.objects.all()
    q = estate_q(user, "estate__")
    if q == NOTHING:
        return qs.none()
    if q is not None:
        qs = qs.filter(q)
    if is_resident(user):
        qs = qs.filter(status__in=(S.PUBLISHED, S.WITHDRAWN))
    return qs


def allocation_get_for_user(user, pk) -> UtilityAllocation:
    return get_visible_or_404(allocations_visible_to(user).select_related(
        "estate", "estate__district", "building", "company", "created_by"), user=user, pk=pk)


def allocations_public() -> QuerySet[UtilityAllocation]:
    return UtilityAllocation.objects.filter(status=S.PUBLISHED)


def allocation_get_public(pk) -> UtilityAllocation | None:
    return allocations_public().select_related("estate", "building", "company").filter(pk=pk).first()


def allocations_flagged_for(user) -> QuerySet[UtilityAllocation]:
    """Officials: published allocations whose loss rate is above the threshold, in their scope."""
    if not can_see_flagged(user):
        return UtilityAllocation.objects.none()
    return allocations_visible_to(user).filter(flagged=True, status=S.PUBLISHED)


def shares_of_resident(user) -> QuerySet[UtilityShare]:
    """The logged-in owner's own units' shares of published allocations."""
    if not is_resident(user) or not user.owner_id:
        return UtilityShare.objects.none()
    return UtilityShare.objects.filter(unit_id__in=_own_units(user), allocation__status=S.PUBLISHED)


def latest_public_for_estate(estate_id: int, *, limit: int = 3) -> list[UtilityAllocation]:
    return list(allocations_public().filter(estate_id=estate_id).select_related("building")
                .order_by("-period_end", "utility", "-id")[:limit])


def estates_for_new_allocation(user) -> QuerySet[Estate]:
    if not can_draft(user):
        return Estate.objects.none()
    return estates_visible_to(user).filter(company_id=user.company_id)


def buildings_of(estates) -> QuerySet[Building]:
    return Building.objects.filter(estate__in=estates).select_related("estate").order_by("estate__name", "name")


def units_in_scope(allocation: UtilityAllocation) -> QuerySet[Unit]:
    """The units whose meters this allocation covers: its building's, or the whole estate's."""
    if allocation.building_id:
        return Unit.objects.filter(building_id=allocation.building_id)
    return Unit.objects.filter(estate_id=allocation.estate_id)


def unit_in_scope(allocation: UtilityAllocation, *, building: str, number: str) -> Unit | None:
    return units_in_scope(allocation).filter(building__name=building.strip(), number=number.strip()).first()


def is_computed(allocation: UtilityAllocation) -> bool:
    return UtilityShare.objects.filter(allocation=allocation).exists()


def readings_of(allocation: UtilityAllocation) -> QuerySet[HouseholdReading]:
    return (HouseholdReading.objects.filter(allocation=allocation).select_related("unit", "unit__building")
            .order_by("unit__building__name", "unit__number", "unit_id"))


def _own_units(user):
    return Ownership.objects.filter(owner_id=user.owner_id).values("unit_id")


def readings_for(user, allocation: UtilityAllocation) -> QuerySet[HouseholdReading]:
    """The household readings a user may read on an allocation's page: a resident only their own
    homes' (issue 13 §14: a neighbour's consumption is personal data; GB/T 22239-2019 8.1.4.11
    个人信息保护), everyone else in scope all of them. Totals stay the estate's (``reading_totals``)."""
    qs = readings_of(allocation)
    return qs.filter(unit_id__in=_own_units(user)) if is_resident(user) else qs


def shares_for(user, allocation: UtilityAllocation) -> QuerySet[UtilityShare]:
    """The per-unit shares on an allocation's page: a resident only their own homes'."""
    qs = shares_of(allocation)
    return qs.filter(unit_id__in=_own_units(user)) if is_resident(user) else qs


def reading_totals(allocation: UtilityAllocation) -> dict:
    return HouseholdReading.objects.filter(allocation=allocation).aggregate(n=Count("id"), usage=Sum("usage"))


def shares_of(allocation: UtilityAllocation) -> QuerySet[UtilityShare]:
    return (UtilityShare.objects.filter(allocation=allocation).select_related("unit", "unit__building")
            .order_by("unit__building__name", "unit__number", "unit_id"))


def public_shares_of(allocation: UtilityAllocation) -> QuerySet[UtilityShare]:
    """What the public page lists: each unit's number, area, quantity and charge (no owner)."""
    return shares_of(allocation).only("quantity", "charge", "area", "unit__number", "unit__building__name")


def share_totals(allocation: UtilityAllocation) -> dict:
    return UtilityShare.objects.filter(allocation=allocation).aggregate(
        n=Count("id"), area=Sum("area"), quantity=Sum("quantity"), charge=Sum("charge"))


def area_and_households(allocation_ids) -> dict[int, dict]:
    """Per allocation: the total area and the number of participating units (one query)."""
    if not allocation_ids:
        return {}
    return {r["allocation_id"]: r for r in UtilityShare.objects.filter(allocation_id__in=allocation_ids)
            .values("allocation_id").annotate(area=Sum("area"), n=Count("id"))}


def no_totals() -> dict:
    return {"area": Decimal(0), "n": 0}


# ---- who to tell ----------------------------------------------------------------------------------


def owners_to_tell(allocation: UtilityAllocation) -> list:
    """The residents owning a unit of the allocation, and the estate's committee."""
    owner_ids = Ownership.objects.filter(
        unit_id__in=UtilityShare.objects.filter(allocation=allocation).values("unit_id")).values("owner_id")
    return list(owner_users(owner_ids=owner_ids, roles=(Role.RESIDENT,))) + list(committee_users(allocation.estate_id))


def officials_to_tell(estate) -> list:
    """A loss rate above the threshold: the district authority and the street office check it."""
    return list(district_officials(estate.district_id)) + list(unit_users("street", estate.street_id))
