"""Who may see and do what in credit: decided here (DESIGN.md). Out of scope is 404.

- city bureau: everything;
- district authority: the companies serving an estate in its district, their events, managers,
  and the exit cases of its district;
- property company (manager and staff): its own company — every event whatever its status, its
  objections, managers and exit cases;
- owners' committee: the exit cases of its estate;
- the public (anyone): confirmed events that still count or occurred within the public period,
  grades and the lists (``public_*`` below), never drafts, objections or evidence.

The ``can_*`` functions are the policies the views, forms and template tags ask; the reads behind
the pages are here too, so that those modules run no query of their own.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from wuye.accounts import selectors as accounts
from wuye.accounts.models import Role, User
from wuye.core.access import get_visible_or_404
from wuye.registry.models import Estate, PropertyCompany, Staff
from wuye.supervision.models import StarRating

from .models import (
    Benchmark,
    CompanyCredit,
    CreditEvent,
    CreditRule,
    CreditSettings,
    ExitCase,
    ManagerCredit,
    TrainingRecord,
)
from .scoring import live_q

OFFICIALS = {Role.CITY, Role.DISTRICT}
COMPANY = {Role.COMPANY_MANAGER, Role.COMPANY_STAFF}
CREDIT_ROLES = OFFICIALS | COMPANY
EXIT_ROLES = OFFICIALS | COMPANY | {Role.COMMITTEE}


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def company_q(user, field: str = "pk") -> Q | None:
    """Condition on the company id at ``field`` that the user acts on; None = all."""
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
    return _scoped(PropertyCompany.objects.all(), company_q(user))


def events_visible_to(user) -> QuerySet[CreditEvent]:
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


# ---- policies -------------------------------------------------------------------------------


def _role(user) -> str | None:
    return getattr(user, "role", None) if _active(user) else None


def can_use_credit(user) -> bool:
    """The event list, the company's own credit page and the managers' scores: officials and
    property companies."""
    return _role(user) in CREDIT_ROLES


def is_official(user) -> bool:
    """The city bureau or a district authority: record events, see the ranking and the rules,
    manage benchmarks."""
    return _role(user) in OFFICIALS


def can_edit_rules(user) -> bool:
    """The rules catalogue and the credit settings are the city bureau's."""
    return _role(user) == Role.CITY


def can_view_exits(user) -> bool:
    return _role(user) in EXIT_ROLES


def is_official_for(user, company_id: int, served_district_ids: set[int] | None = None) -> bool:
    """City: any company; district: a company serving an estate in its district."""
    role = _role(user)
    if role == Role.CITY:
        return True
    if role == Role.DISTRICT and user.district_id:
        if served_district_ids is None:
            return Estate.objects.filter(company_id=company_id, district_id=user.district_id).exists()
        return user.district_id in served_district_ids
    return False


def actor_kinds(user, event: CreditEvent, *, served_district_ids: set[int] | None = None) -> set[str]:
    """The kinds of actor (``workflow.py``) the user counts as on this event."""
    kinds: set[str] = set()
    if not _active(user):
        return kinds
    if is_official_for(user, event.company_id, served_district_ids):
        kinds.add("official")
    if user.role in COMPANY and user.company_id == event.company_id:
        kinds.add("company")
    return kinds


def recorder_allows(rule: CreditRule, role: str | None) -> bool:
    """May an official of ``role`` record (or review) events of this rule (its ``recorder``)?"""
    r = rule.recorder
    if r == CreditRule.Recorder.CITY:
        return role == Role.CITY
    if r == CreditRule.Recorder.DISTRICT:
        return role == Role.DISTRICT
    if r == CreditRule.Recorder.CITY_OR_DISTRICT:
        return role in OFFICIALS
    # Automatic rules: the city bureau may still record by hand what the platform missed.
    return role == Role.CITY


def records_for_district(user) -> bool:
    """A district official's events belong to its district (and name its estates only)."""
    return _role(user) == Role.DISTRICT


def can_keep_training(user, manager) -> bool:
    """A company manager for their own company's project managers, or an official of the company."""
    if _role(user) == Role.COMPANY_MANAGER:
        return user.company_id == manager.company_id
    return is_official_for(user, manager.company_id)


def can_designate_benchmark(user, *, estate=None, company=None) -> bool:
    """The city bureau; a district authority within its district."""
    role = _role(user)
    if role == Role.CITY:
        return True
    if role == Role.DISTRICT and user.district_id:
        if estate is not None:
            return estate.district_id == user.district_id
        return company is not None and is_official_for(user, company.pk)
    return False


def can_handle_exit(user, case: ExitCase) -> bool:
    role = _role(user)
    if role == Role.CITY:
        return True
    return role == Role.DISTRICT and user.district_id == case.district_id


# ---- who hears about it (built on ``accounts.selectors``) -----------------------------------


def objection_recipients(event: CreditEvent) -> list:
    """Who hears about an objection: the district's officers (the city bureau where the event has
    no district or the district none) and the official who recorded the event."""
    users = accounts.official_users(event.district_id)
    if event.recorded_by_id and all(u.pk != event.recorded_by_id for u in users):
        users += list(User.objects.filter(pk=event.recorded_by_id, is_active=True))
    return users


# ---- reads behind the officials' and companies' pages ----------------------------------------


def rules_catalogue() -> list[CreditRule]:
    return list(CreditRule.objects.order_by("klass", "code"))


def rule_get(pk) -> CreditRule | None:
    return CreditRule.objects.filter(pk=pk).first()


def rules_recordable_by(user) -> QuerySet[CreditRule]:
    """The active rules the official may record events of (each rule's ``recorder``)."""
    role = _role(user)
    allowed = [r.pk for r in CreditRule.objects.filter(active=True) if recorder_allows(r, role)]
    return CreditRule.objects.filter(pk__in=allowed).order_by("klass", "code")


def estates_for_event(user, company) -> QuerySet:
    """The estates an event of ``company`` may name: the company's, within a district official's
    district."""
    estates = Estate.objects.filter(company=company).order_by("name")
    if records_for_district(user):
        estates = estates.filter(district_id=user.district_id)
    return estates


def project_managers_of(company) -> QuerySet:
    return Staff.objects.filter(company=company, role=Staff.Role.PROJECT_MANAGER).order_by("name")


def company_credit(company_id: int | None) -> CompanyCredit | None:
    """The stored credit row of a company, or None when it was never rated (reading never writes:
    the sweep and the services that change events compute it)."""
    if company_id is None:
        return None
    return CompanyCredit.objects.filter(company_id=company_id).select_related("company").first()


def manager_credit(manager_id: int) -> ManagerCredit | None:
    return ManagerCredit.objects.filter(manager_id=manager_id).first()


def manager_events(manager) -> list[CreditEvent]:
    return list(CreditEvent.objects.filter(manager=manager).select_related("rule").order_by("-occurred_on"))


def company_panel_events(user, company_id: int, limit: int = 5) -> list[CreditEvent]:
    """The newest events of a company the user may see (withdrawn ones left out)."""
    return list(events_visible_to(user).filter(company_id=company_id).exclude(status=CreditEvent.Status.WITHDRAWN)
                .select_related("rule").order_by("-occurred_on", "-id")[:limit])


# ---- the public -----------------------------------------------------------------------------


def public_since(today: date, cs: CreditSettings) -> date:
    return today - timedelta(days=cs.public_event_days)


def public_events(company_id: int, *, today: date | None = None,
                  cs: CreditSettings | None = None) -> QuerySet[CreditEvent]:
    """The company's public credit items, newest first: confirmed company items (project managers'
    left out) that count today — however long ago they occurred: how long an item counts is its
    rule's ``validity_days`` (``valid_until``; empty = until rectified), rules.md §9 — or that
    occurred within ``public_event_days``. Each row carries ``counting`` (counts today). The one
    list both the credit page, the public portal's company page and the API show."""
    today = today or timezone.localdate()
    cs = cs or CreditSettings.current()
    return (CreditEvent.objects.filter(company_id=company_id, status=CreditEvent.Status.CONFIRMED,
                                       manager__isnull=True)
            .filter(live_q(today) | Q(occurred_on__gte=public_since(today, cs)))
            .annotate(counting=Case(When(live_q(today), then=Value(True)), default=Value(False),
                                    output_field=BooleanField()))
            .select_related("rule").order_by("-occurred_on", "-id"))


def public_company(pk: int) -> PropertyCompany | None:
    """The company with its stored credit row (``company.credit``; missing = not yet rated)."""
    return PropertyCompany.objects.select_related("credit").filter(pk=pk).first()


def stored_credit(company: PropertyCompany) -> CompanyCredit | None:
    try:
        return company.credit
    except CompanyCredit.DoesNotExist:
        return None


def public_stars(company_id: int) -> list:
    return list(StarRating.objects.filter(company_id=company_id, status=StarRating.Status.ACTIVE)
                .select_related("estate").order_by("-level", "estate__name"))


def public_benchmarks(company_id: int) -> list[Benchmark]:
    """The company's active benchmarks: itself, and the estates it serves."""
    return list(Benchmark.objects.filter(active=True).filter(Q(company_id=company_id) | Q(estate__company_id=company_id))
                .select_related("estate").order_by("-designated_on"))


def public_benchmark_estates(limit: int = 100) -> list[Benchmark]:
    return list(Benchmark.objects.filter(active=True, kind=Benchmark.Kind.ESTATE)
                .select_related("estate", "estate__company", "estate__district").order_by("-designated_on")[:limit])


def company_exists(pk: int) -> bool:
    return PropertyCompany.objects.filter(pk=pk).exists()


def public_list_counts() -> dict[str, int]:
    """How many companies are on the red list and on the black list (one aggregate)."""
    row = CompanyCredit.objects.aggregate(red=Count("pk", filter=Q(red=True)), black=Count("pk", filter=Q(black=True)))
    return {"red": row["red"] or 0, "black": row["black"] or 0}


def public_red_list() -> QuerySet[CompanyCredit]:
    return CompanyCredit.objects.filter(red=True).select_related("company").order_by("-score", "company_id")


def public_black_list() -> QuerySet[CompanyCredit]:
    return CompanyCredit.objects.filter(black=True).select_related("company").order_by("score", "company_id")
