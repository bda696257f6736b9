"""Who may see which shared-utility allocations (水电公摊): decided here and nowhere else.

- officials (city, district, street, community, department) and the estate's company and
  committee: the allocations of the estates they may see (``registry.selectors.estate_q``),
  drafts included;
- residents: the published (or withdrawn) allocations of their own estates;
- the public: published allocations only (``allocations_public``);
- the three administrators and users without a role: nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet

from wuye.accounts.models import Role
from wuye.core.access import get_visible_or_404
from wuye.registry.models import Ownership
from wuye.registry.selectors import NOTHING, estate_q

from ..models import DisclosureStatus, UtilityAllocation, UtilityShare

S = DisclosureStatus
OFFICIALS = (Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.DEPARTMENT)
APP_ROLES = (*OFFICIALS, Role.COMPANY_MANAGER, Role.COMPANY_STAFF, Role.COMMITTEE, Role.RESIDENT)


def allocations_visible_to(user) -> QuerySet[UtilityAllocation]:
    qs = UtilityAllocation.objects.all()
    q = estate_q(user, "estate__")
    if q == NOTHING:
        return qs.none()
    if q is not None:
        qs = qs.filter(q)
    if getattr(user, "role", None) == Role.RESIDENT:
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
    if getattr(user, "role", None) not in OFFICIALS:
        return UtilityAllocation.objects.none()
    return allocations_visible_to(user).filter(flagged=True, status=S.PUBLISHED)


def can_see_flagged(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in OFFICIALS


def shares_of_resident(user) -> QuerySet[UtilityShare]:
    """The logged-in owner's own units' shares of published allocations."""
    if getattr(user, "role", None) != Role.RESIDENT or not user.owner_id:
        return UtilityShare.objects.none()
    units = Ownership.objects.filter(owner_id=user.owner_id).values("unit_id")
    return UtilityShare.objects.filter(unit_id__in=units, allocation__status=S.PUBLISHED)


def latest_public_for_estate(estate_id: int, *, limit: int = 3) -> list[UtilityAllocation]:
    return list(allocations_public().filter(estate_id=estate_id).select_related("building")
                .order_by("-period_end", "utility", "-id")[:limit])
