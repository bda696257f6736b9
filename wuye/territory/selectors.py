"""Which parts of the territory a user may see: decided here and nowhere else (DESIGN.md).

- city bureau: everything;
- district authority and the functional departments of a district: that district, its streets
  and communities;
- street office: its street and the communities in it;
- community: itself;
- property companies, owners' committees, residents and the three administrators: nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet

from wuye.accounts.models import Role

from .models import Community, District, Street


def _district_id(user) -> int | None:
    """The district a district officer or a functional department is bound to."""
    if user.role == Role.DISTRICT:
        return user.district_id
    if user.role == Role.DEPARTMENT and user.department_id:
        return user.department.district_id
    return None


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def districts_visible_to(user) -> QuerySet[District]:
    qs = District.objects.all()
    if not _active(user):
        return qs.none()
    if user.role == Role.CITY:
        return qs
    district_id = _district_id(user)
    return qs.filter(pk=district_id) if district_id else qs.none()


def streets_visible_to(user) -> QuerySet[Street]:
    qs = Street.objects.all()
    if not _active(user):
        return qs.none()
    if user.role == Role.CITY:
        return qs
    district_id = _district_id(user)
    if district_id:
        return qs.filter(district_id=district_id)
    if user.role == Role.STREET and user.street_id:
        return qs.filter(pk=user.street_id)
    return qs.none()


def communities_visible_to(user) -> QuerySet[Community]:
    qs = Community.objects.all()
    if not _active(user):
        return qs.none()
    if user.role == Role.CITY:
        return qs
    district_id = _district_id(user)
    if district_id:
        return qs.filter(street__district_id=district_id)
    if user.role == Role.STREET and user.street_id:
        return qs.filter(street_id=user.street_id)
    if user.role == Role.COMMUNITY and user.community_id:
        return qs.filter(pk=user.community_id)
    return qs.none()
