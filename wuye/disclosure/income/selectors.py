"""Who may see and do what with common-income reports: decided here (DESIGN.md).

- company manager and staff: the reports their company drafted;
- owners' committee: its estate's reports; community / street / district / city: their area's;
- resident: the published reports of the estates they own a unit in;
- everyone else (departments, the three administrators, no role): none.
The public sees published reports only (``reports_public``).

Actor kinds of the workflow (``workflow.py``): ``company`` and ``confirmer`` (the estate's
committee, or its street office where the estate has no current committee — rules.md §2).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from wuye.accounts.models import Role
from wuye.accounts.selectors import COMPANY_ROLES, committee_users, unit_users
from wuye.core.access import get_visible_or_404
from wuye.core.money import ZERO, money
from wuye.disclosure.models import DisclosureStatus, IncomeEvent, IncomeObjection, IncomeReport, IncomeShare
from wuye.governance.models import Motion
from wuye.registry.models import Estate, OwnersCommittee, Ownership, ParkingSpace
from wuye.registry.selectors import NOTHING, estate_q, estates_visible_to
from wuye.territory.models import District

from .workflow import EDITABLE, MACHINE

LIST_ROLES = frozenset({Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.COMPANY_MANAGER,
                        Role.COMPANY_STAFF, Role.COMMITTEE, Role.RESIDENT})
OFFICIAL_ROLES = frozenset({Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY})


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _role(user):
    return getattr(user, "role", None) if _active(user) else None


# ---- policies -------------------------------------------------------------------------------------


def can_list_reports(user) -> bool:
    return _role(user) in LIST_ROLES


def can_create_report(user) -> bool:
    """Company manager or staff (bound to a company) draft reports for the estates they serve."""
    return _role(user) in COMPANY_ROLES and bool(user.company_id)


def is_official(user) -> bool:
    """Officials follow up the estates missing their report (the overdue list)."""
    return _role(user) in OFFICIAL_ROLES


def has_current_committee(estate_id: int, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return OwnersCommittee.objects.filter(estate_id=estate_id, is_current=True, term_end__gte=today).exists()


def is_company_for(user, report: IncomeReport) -> bool:
    return (_role(user) in COMPANY_ROLES and user.company_id is not None
            and user.company_id == report.company_id)


def is_confirmer_for(user, report: IncomeReport, *, committee: bool | None = None) -> bool:
    """The estate's committee; or its street office where the estate has no current committee."""
    role = _role(user)
    if role == Role.COMMITTEE:
        return user.estate_id is not None and user.estate_id == report.estate_id
    if role == Role.STREET:
        if user.street_id is None or user.street_id != report.estate.street_id:
            return False
        if committee is None:
            committee = has_current_committee(report.estate_id)
        return not committee
    return False


def actor_kinds(user, report: IncomeReport, *, committee: bool | None = None) -> set[str]:
    kinds = set()
    if is_company_for(user, report):
        kinds.add("company")
    if is_confirmer_for(user, report, committee=committee):
        kinds.add("confirmer")
    return kinds


def allowed_actions(user, report: IncomeReport, *, committee: bool | None = None) -> list[str]:
    return MACHINE.allowed(report, actor_kinds(user, report, committee=committee))


def can_take(user, report: IncomeReport, action: str) -> bool:
    """May the user take ``action`` at all (whatever the state: the service explains a wrong state)?"""
    return bool(MACHINE[action].actors & actor_kinds(user, report))


def can_edit_report(user, report: IncomeReport) -> bool:
    return report.status in EDITABLE and is_company_for(user, report)


def owner_units_in(user, estate_id: int) -> list[int]:
    """The units the signed-in resident owns in the estate (they may see their shares and object)."""
    if not (_role(user) == Role.RESIDENT and user.owner_id):
        return []
    return list(Ownership.objects.filter(owner_id=user.owner_id, estate_id=estate_id).values_list("unit_id", flat=True))


def objection_open(report: IncomeReport, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (report.status == DisclosureStatus.PUBLISHED and report.public_from is not None
            and report.public_until is not None and report.public_from <= today <= report.public_until)


# ---- who to tell ----------------------------------------------------------------------------------


def confirmer_users(estate: Estate) -> list:
    """Who confirms the estate's reports (rules.md §2): its committee, or its street office where the
    estate has no current committee."""
    if has_current_committee(estate.pk):
        return list(committee_users(estate.pk))
    return list(unit_users("street", estate.street_id))


# ---- reads ----------------------------------------------------------------------------------------


def reports_visible_to(user) -> QuerySet[IncomeReport]:
    qs = IncomeReport.objects.all()
    role = _role(user)
    if role not in LIST_ROLES:
        return qs.none()
    if role in COMPANY_ROLES:
        return qs.filter(company_id=user.company_id) if user.company_id else qs.none()
    q = estate_q(user, "estate__")
    if q == NOTHING:
        return qs.none()
    if q is not None:
        qs = qs.filter(q)
    if role == Role.RESIDENT:
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
    if not can_create_report(user):
        return estates_visible_to(user).none()
    return estates_visible_to(user).filter(company_id=user.company_id)


def official_estates(user):
    """Estates an official may follow up (for the overdue list); none for other roles."""
    if not is_official(user):
        return estates_visible_to(user).none()
    return estates_visible_to(user)


def search_q(text: str) -> Q:
    return Q(estate__name__icontains=text) | Q(company__name__icontains=text)


def district_choices() -> QuerySet[District]:
    """The list filter offers every district (the list itself is scoped)."""
    return District.objects.all()


def estate_motions(estate_id: int) -> QuerySet[Motion]:
    """The estate's owners' decisions a report may cite for the use of its net income."""
    return Motion.objects.filter(estate_id=estate_id).order_by("-notice_date")


def report_timeline(report: IncomeReport) -> list[IncomeEvent]:
    return list(IncomeEvent.objects.filter(report=report).select_related("actor").order_by("created_at", "id"))


def report_shares(report: IncomeReport) -> QuerySet[IncomeShare]:
    return IncomeShare.objects.filter(report=report).select_related("unit", "unit__building").order_by("unit_id")


def report_share_count(report: IncomeReport) -> int:
    return IncomeShare.objects.filter(report=report).count()


def report_objections(report: IncomeReport, *, limit: int = 50) -> list[IncomeObjection]:
    return list(IncomeObjection.objects.filter(report=report).select_related("complaint", "owner")
                .order_by("-created_at")[:limit])


def own_shares(report: IncomeReport, unit_ids) -> list[IncomeShare]:
    return list(report_shares(report).filter(unit_id__in=unit_ids))


def own_objections(report: IncomeReport, user) -> list[IncomeObjection]:
    return list(IncomeObjection.objects.filter(report=report, user=user).select_related("complaint"))


def months_in_period(start: date, end: date) -> int:
    """Calendar months the period touches (a whole year: 12)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def common_road_parking(estate_id: int, period_start: date, period_end: date) -> tuple[int, Decimal, int, Decimal]:
    """rules.md §5: common-road spaces owned by all owners and rented out feed the ledger.
    Returns (spaces, monthly rent of them all, months, amount)."""
    agg = ParkingSpace.objects.filter(
        estate_id=estate_id, kind=ParkingSpace.Kind.COMMON_ROAD, ownership=ParkingSpace.Ownership.COMMON,
        disposal=ParkingSpace.Disposal.RENTED,
    ).aggregate(n=Count("id"), rent=Sum("monthly_rent"))
    spaces = agg["n"] or 0
    monthly = money(agg["rent"] or ZERO)
    months = months_in_period(period_start, period_end)
    return spaces, monthly, months, money(monthly * months)


def published_covering(year: int):
    """Published reports whose period overlaps ``year``."""
    return IncomeReport.objects.filter(status=DisclosureStatus.PUBLISHED, period_start__lte=date(year, 12, 31),
                                       period_end__gte=date(year, 1, 1))


def estates_missing(year: int):
    """Estates with a company and no published report covering ``year``."""
    covered = published_covering(year).filter(estate_id=OuterRef("pk"))
    return Estate.objects.filter(company__isnull=False).filter(~Exists(covered))
