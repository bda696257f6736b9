"""Who may see which common-income reports: decided here (DESIGN.md).

- company manager and staff: the reports their company drafted;
- owners' committee: its estate's reports; community / street / district / city: their area's;
- resident: the published reports of the estates they own a unit in;
- everyone else (departments, the three administrators, no role): none.
The public sees published reports only (``reports_public``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from wuye.accounts.models import Role
from wuye.core.access import get_visible_or_404
from wuye.registry.selectors import NOTHING, estate_q, estates_visible_to

from ..models import DisclosureStatus, IncomeReport

LIST_ROLES = frozenset({Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.COMPANY_MANAGER,
                        Role.COMPANY_STAFF, Role.COMMITTEE, Role.RESIDENT})
OFFICIAL_ROLES = frozenset({Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY})


def reports_visible_to(user) -> QuerySet[IncomeReport]:
    qs = IncomeReport.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.role not in LIST_ROLES:
        return qs.none()
    if user.role in (Role.COMPANY_MANAGER, Role.COMPANY_STAFF):
        return qs.filter(company_id=user.company_id) if user.company_id else qs.none()
    q = estate_q(user, "estate__")
    if q == NOTHING:
        return qs.none()
    if q is not None:
        qs = qs.filter(q)
    if user.role == Role.RESIDENT:
        qs = qs.filter(status=DisclosureStatus.PUBLISHED)
    return qs


def report_get_for_user(user, pk) -> IncomeReport:
    qs = reports_visible_to(user).select_related("estate", "estate__district", "estate__street", "company",
                                                 "created_by", "confirmed_by", "decision_motion")
    return get_visible_or_404(qs, user=user, pk=pk)


def reports_public() -> QuerySet[IncomeReport]:
    return IncomeReport.objects.filter(status=DisclosureStatus.PUBLISHED)


def estates_for_new_report(user):
    """Estates the user may draft a report for: those their company serves."""
    if getattr(user, "role", None) not in (Role.COMPANY_MANAGER, Role.COMPANY_STAFF) or not user.company_id:
        return estates_visible_to(user).none()
    return estates_visible_to(user).filter(company_id=user.company_id)


def official_estates(user):
    """Estates an official may follow up (for the overdue list); none for other roles."""
    if getattr(user, "role", None) not in OFFICIAL_ROLES:
        return estates_visible_to(user).none()
    return estates_visible_to(user)


def search_q(text: str) -> Q:
    return Q(estate__name__icontains=text) | Q(company__name__icontains=text)
