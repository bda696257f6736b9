"""Who may see which credit records: decided here (DESIGN.md). Out of scope is 404.

- city bureau: everything;
- district authority: the companies serving an estate in its district, their events, managers,
  and the exit cases of its district;
- property company (manager and staff): its own company — every event whatever its status, its
  objections, managers and exit cases;
- owners' committee: the exit cases of its estate;
- the public (anyone): confirmed events of the recent past, grades and the lists
  (``public_*`` below), never drafts, objections or evidence.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from wuye.accounts.models import Role
from wuye.core.access import get_visible_or_404

from .models import Benchmark, CompanyCredit, CreditEvent, CreditSettings, ExitCase, TrainingRecord
from .scoring import live_q

OFFICIALS = {Role.CITY, Role.DISTRICT}
COMPANY = {Role.COMPANY_MANAGER, Role.COMPANY_STAFF}
CREDIT_ROLES = OFFICIALS | COMPANY


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def company_q(user, field: str = "pk") -> Q | None:
    """Condition on the company id at ``field`` that the user acts on; None = all."""
    from wuye.registry.models import Estate

    role = getattr(user, "role", None)
    nothing = Q(pk__in=[])
    if not _active(user):
        return nothing
    if role == Role.CITY:
        return None
    if role == Role.DISTRICT and user.district_id:
        return Q(Exists(Estate.objects.filter(district_id=user.district_id, company_id=OuterRef(field))))
    if role in COMPANY and user.company_id:
        return Q(**{field: user.company_id})
    return nothing


def _scoped(qs: QuerySet, q: Q | None) -> QuerySet:
    return qs if q is None else qs.filter(q)


def companies_for_credit(user):
    from wuye.registry.models import PropertyCompany

    return _scoped(PropertyCompany.objects.all(), company_q(user))


def events_visible_to(user) -> QuerySet[CreditEvent]:
    from wuye.registry.models import Estate

    role = getattr(user, "role", None)
    qs = CreditEvent.objects.all()
    if not _active(user):
        return qs.none()
    if role == Role.CITY:
        return qs
    if role == Role.DISTRICT and user.district_id:
        return qs.filter(Exists(Estate.objects.filter(district_id=user.district_id, company_id=OuterRef("company_id"))))
    if role in COMPANY and user.company_id:
        return qs.filter(company_id=user.company_id)
    return qs.none()


def event_get_for_user(user, pk) -> CreditEvent:
    qs = events_visible_to(user).select_related("rule", "company", "estate", "manager", "district", "recorded_by",
                                                "reviewed_by")
    return get_visible_or_404(qs, user=user, pk=pk)


def credits_visible_to(user) -> QuerySet[CompanyCredit]:
    return _scoped(CompanyCredit.objects.all(), company_q(user, "company_id"))


def managers_visible_to(user):
    from wuye.registry.models import Staff

    qs = Staff.objects.filter(role=Staff.Role.PROJECT_MANAGER)
    return _scoped(qs, company_q(user, "company_id"))


def training_visible_to(user) -> QuerySet[TrainingRecord]:
    return _scoped(TrainingRecord.objects.all(), company_q(user, "manager__company_id"))


def exits_visible_to(user) -> QuerySet[ExitCase]:
    role = getattr(user, "role", None)
    qs = ExitCase.objects.all()
    if not _active(user):
        return qs.none()
    if role == Role.CITY:
        return qs
    if role == Role.DISTRICT:
        return qs.filter(district_id=user.district_id)
    if role in COMPANY and user.company_id:
        return qs.filter(company_id=user.company_id)
    if role == Role.COMMITTEE and user.estate_id:
        return qs.filter(estate_id=user.estate_id)
    return qs.none()


def benchmarks_visible_to(user) -> QuerySet[Benchmark]:
    """Benchmarks are public (the red list shows them); the management page lists every one."""
    return Benchmark.objects.all()


# ---- the public -----------------------------------------------------------------------------


def public_since(today: date, cs: CreditSettings) -> date:
    return today - timedelta(days=cs.public_event_days)


def public_events(company_id: int, *, today: date, cs: CreditSettings) -> QuerySet[CreditEvent]:
    """Confirmed company items that count today or occurred within ``public_event_days``."""
    return (CreditEvent.objects.filter(company_id=company_id, status=CreditEvent.Status.CONFIRMED,
                                       manager__isnull=True)
            .filter(live_q(today) | Q(occurred_on__gte=public_since(today, cs)))
            .select_related("rule").order_by("-occurred_on", "-id"))


def public_red_list() -> QuerySet[CompanyCredit]:
    return CompanyCredit.objects.filter(red=True).select_related("company").order_by("-score", "company_id")


def public_black_list() -> QuerySet[CompanyCredit]:
    return CompanyCredit.objects.filter(black=True).select_related("company").order_by("score", "company_id")
