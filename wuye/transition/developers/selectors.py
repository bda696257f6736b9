"""Who sees and acts on developers and their violations (DESIGN.md: access is decided here).

- The city bureau sees and registers every developer and acts on every violation.
- A district authority sees the developers it registered and those that built an estate in its
  district; it registers developers, records violations about estates in its district and acts on
  the violations of its district.
- Companies, streets, communities, departments, residents: none of these pages (403); the public
  list (``public_developers``) shows confirmed violations to everyone, without login.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from wuye.accounts.models import Role
from wuye.credit.models import CreditEvent
from wuye.registry.models import Estate

from .models import DevelopedEstate, Developer, DeveloperViolation

S = CreditEvent.Status
OFFICIALS = frozenset({Role.CITY, Role.DISTRICT})


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_official(user) -> bool:
    """The city bureau or a district authority bound to its district."""
    if not _active(user):
        return False
    if user.role == Role.CITY:
        return True
    return user.role == Role.DISTRICT and bool(user.district_id)


def can_register(user) -> bool:
    """Register or edit developers: the city bureau or a district official."""
    return is_official(user)


def visible_developers(user) -> QuerySet[Developer]:
    if not is_official(user):
        return Developer.objects.none()
    qs = Developer.objects.all()
    if user.role == Role.CITY:
        return qs
    built_here = DevelopedEstate.objects.filter(developer=OuterRef("pk"), estate__district_id=user.district_id)
    return qs.filter(Q(district_id=user.district_id) | Exists(built_here))


def can_edit(user, developer: Developer) -> bool:
    """The city bureau any developer; a district the developers it can see."""
    return is_official(user) and visible_developers(user).filter(pk=developer.pk).exists()


def visible_violations(user) -> QuerySet[DeveloperViolation]:
    """The violations an official sees: the city all, a district those of its district (by the
    estate, or the recording district when no estate is named)."""
    if not is_official(user):
        return DeveloperViolation.objects.none()
    qs = DeveloperViolation.objects.all()
    if user.role == Role.CITY:
        return qs
    return qs.filter(Q(estate__district_id=user.district_id) | Q(estate__isnull=True, district_id=user.district_id))


def actor_kinds(user, violation: DeveloperViolation) -> set[str]:
    """The kinds of actor (``wuye.credit.workflow.TRANSITIONS``) the user counts as on a violation.

    ``official``: the city bureau, or the district of the violation's estate (or recording district).
    ``company`` — the party whose record it is — is, for a developer, also the official: developers
    have no accounts, so an official enters the developer's written objection on its behalf, with
    the objection's text as the note (the decision is documented in docs/ARCHITECTURE.md)."""
    if not is_official(user):
        return set()
    if user.role == Role.CITY:
        return {"official", "company"}
    district_id = violation.estate.district_id if violation.estate_id else violation.district_id
    if district_id == user.district_id:
        return {"official", "company"}
    return set()


def can_record_for_estate(user, estate) -> bool:
    """Record a violation by hand: the city bureau (any estate, or none), a district (its estates)."""
    if not is_official(user):
        return False
    if user.role == Role.CITY:
        return True
    return estate is None or estate.district_id == user.district_id


def public_developers() -> QuerySet[Developer]:
    """Developers with at least one confirmed violation, with the count (the public list)."""
    return (Developer.objects.filter(violations__status=S.CONFIRMED)
            .annotate(confirmed_count=Count("violations", filter=Q(violations__status=S.CONFIRMED)))
            .order_by("-confirmed_count", "name", "id"))


def public_violations() -> QuerySet[DeveloperViolation]:
    return DeveloperViolation.objects.filter(status=S.CONFIRMED)


def districts_for_filter(user) -> list:
    """The districts offered in the list's filter: every district for the city, its own for a district."""
    from wuye.territory.models import District

    if not is_official(user):
        return []
    if user.role == Role.CITY:
        return list(District.objects.order_by("code", "pk"))
    return list(District.objects.filter(pk=user.district_id))


def developers_filtered(user, *, q: str = "", district_id: int | None = None) -> QuerySet[Developer]:
    """The visible developers matching a name or code (``q``) and a district (registered there or
    built there)."""
    qs = visible_developers(user)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__iexact=q.upper()))
    if district_id:
        built = DevelopedEstate.objects.filter(developer=OuterRef("pk"), estate__district_id=district_id)
        qs = qs.filter(Q(district_id=district_id) | Exists(built))
    return qs


def developer_violations(user, developer: Developer) -> QuerySet[DeveloperViolation]:
    """The developer's violations the user sees, with their estates and timelines (one query each)."""
    from django.db.models import Prefetch

    from .models import DeveloperViolationLog

    return (visible_violations(user).filter(developer=developer).select_related("estate")
            .prefetch_related(Prefetch("logs", queryset=DeveloperViolationLog.objects.select_related("actor")))
            .order_by("-occurred_on", "-pk"))


def _estates_in_scope(user) -> QuerySet[Estate]:
    if not is_official(user):
        return Estate.objects.none()
    if user.role == Role.CITY:
        return Estate.objects.all()
    return Estate.objects.filter(district_id=user.district_id)


def estates_to_link(user, q: str, limit: int = 20) -> list[Estate]:
    """Estates in the official's area whose name contains ``q`` (to link to a developer)."""
    q = (q or "").strip()
    if not q:
        return []
    return list(_estates_in_scope(user).filter(name__icontains=q).select_related("district").order_by("name", "pk")[:limit])


def estate_for_link(user, pk) -> Estate | None:
    return _estates_in_scope(user).filter(pk=pk).first()


def estates_for_violation(user, developer: Developer) -> QuerySet[Estate]:
    """The developer's estates in the official's area (the record form's choices)."""
    return _estates_in_scope(user).filter(developments__developer=developer).distinct().order_by("name", "pk")


def visible_evidence(user):
    from .models import ViolationEvidence

    return ViolationEvidence.objects.filter(violation__in=visible_violations(user))
