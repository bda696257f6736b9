"""Which parts of the territory a user may see: decided here and nowhere else (DESIGN.md).

- city bureau: everything;
- district authority and the functional departments of a district: that district, its streets
  and communities;
- street office: its street and the communities in it;
- community: itself;
- property companies, owners' committees, residents and the three administrators: nothing.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet

from wuye.accounts.models import Role

from .models import Community, Department, District, Street


def _district_id(user) -> int | None:
    """The district a district officer or a functional department is bound to."""
    if user.role == Role.DISTRICT:
        return user.district_id
    if user.role == Role.DEPARTMENT and user.department_id:
        return user.department.district_id
    return None


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _scoped(qs: QuerySet, user, *, district: str, street: str | None = None, community: str | None = None):
    """``qs`` narrowed to the user's territory, each lookup naming how a row reaches that level."""
    if not _active(user):
        return qs.none()
    if user.role == Role.CITY or (user.role == Role.DEPARTMENT and user.department_id
                                  and user.department.district_id is None):
        return qs
    district_id = _district_id(user)
    if district_id:
        return qs.filter(**{district: district_id})
    if street and user.role == Role.STREET and user.street_id:
        return qs.filter(**{street: user.street_id})
    if community and user.role == Role.COMMUNITY and user.community_id:
        return qs.filter(**{community: user.community_id})
    return qs.none()


def districts_visible_to(user) -> QuerySet[District]:
    return _scoped(District.objects.all(), user, district="pk")


def streets_visible_to(user) -> QuerySet[Street]:
    return _scoped(Street.objects.all(), user, district="district_id", street="pk")


def communities_visible_to(user) -> QuerySet[Community]:
    return _scoped(Community.objects.all(), user, district="street__district_id", street="street_id", community="pk")


def own_place(user) -> tuple[str, int] | None:
    """The one page a street office or a community starts from: ("street" | "community", id)."""
    if not _active(user):
        return None
    if user.role == Role.STREET and user.street_id:
        return "street", user.street_id
    if user.role == Role.COMMUNITY and user.community_id:
        return "community", user.community_id
    return None


def sees_every_district(user) -> bool:
    """The city bureau chooses among the districts; anybody bound to one district goes straight to it."""
    return _active(user) and user.role == Role.CITY


# ---- the counts of the territory pages (each one query) ------------------------------------


def _counts(qs: QuerySet, key: str) -> dict:
    return dict(qs.values(key).annotate(n=Count("id")).values_list(key, "n"))


def street_counts_by_district(district_ids) -> dict[int, int]:
    return _counts(Street.objects.filter(district_id__in=district_ids), "district_id")


def community_counts_by_district(district_ids) -> dict[int, int]:
    return _counts(Community.objects.filter(street__district_id__in=district_ids), "street__district_id")


def community_counts_by_street(district) -> dict[int, int]:
    return _counts(Community.objects.filter(street__district=district), "street_id")


def departments_of(district) -> list[Department]:
    return list(Department.objects.filter(district=district).order_by("kind"))
