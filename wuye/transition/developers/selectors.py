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
