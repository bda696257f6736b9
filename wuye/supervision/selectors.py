"""The access rules shared by every supervision sub-domain (each sub-domain's ``selectors.py``
adds its own querysets and ``can_*`` policies on top of these).

- the city bureau acts everywhere; a district authority in its own district;
- a property company's manager (and, where a rule says so, its staff) for its own company.
"""

from __future__ import annotations

from django.db.models import QuerySet

from wuye.accounts.models import COMPANY_ROLES, Role
from wuye.territory.models import District, Street

OFFICIAL_ROLES = frozenset({Role.CITY, Role.DISTRICT})
AREA_ROLES = frozenset({Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY})
OWNER_ROLES = (Role.RESIDENT, Role.COMMITTEE)


def is_active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_city(user) -> bool:
    """The city bureau (市住房保障房产局)."""
    return is_active(user) and user.role == Role.CITY


def is_official(user) -> bool:
    """The city bureau or a district authority (anywhere)."""
    return is_active(user) and user.role in OFFICIAL_ROLES


def is_official_for(user, district_id) -> bool:
    """The city bureau everywhere; a district authority in its own district."""
    if not is_active(user):
        return False
    if user.role == Role.CITY:
        return True
    return user.role == Role.DISTRICT and district_id is not None and user.district_id == district_id


def is_company_member(user) -> bool:
    """A manager or staff member of a property company."""
    return is_active(user) and user.role in COMPANY_ROLES and bool(user.company_id)


def is_company_manager(user) -> bool:
    return is_active(user) and user.role == Role.COMPANY_MANAGER and bool(user.company_id)


def is_company_manager_for(user, company_id) -> bool:
    return is_company_manager(user) and user.company_id == company_id


def is_company_member_for(user, company_id) -> bool:
    return is_company_member(user) and user.company_id == company_id


def is_verified_owner(user) -> bool:
    """A resident (or a committee member) bound to a registered owner."""
    return is_active(user) and user.role in OWNER_ROLES and bool(getattr(user, "owner_id", None))


# ---- choices of the forms (territory and published standards) ----------------------------------------


def all_districts() -> QuerySet[District]:
    return District.objects.order_by("id")


def districts_for(user) -> QuerySet[District]:
    """The districts a plan or a pool of ``user`` may name: all for the city bureau, its own for a
    district authority."""
    if is_city(user):
        return all_districts()
    return District.objects.filter(pk=getattr(user, "district_id", None))


def streets_for(user) -> QuerySet[Street]:
    if is_city(user):
        return Street.objects.order_by("id")
    return Street.objects.filter(district_id=getattr(user, "district_id", None)).order_by("id")
