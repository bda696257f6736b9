"""Who may see and change registry records: decided here and nowhere else (DESIGN.md).

Scope by role (issue §8):
- city bureau: everything;
- district authority and functional departments: their district; street office: its street;
  community: its community;
- property company manager and staff: the estates their company serves, their company, its staff;
- owners' committee member: their estate;
- resident: their own units (and the estates, buildings, committee and company around them);
- the three administrators: no registry data at all.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from wuye.accounts.models import ADMIN_ROLES, COMPANY_ROLES, GOVERNMENT_ROLES, Role
from wuye.core.access import get_visible_or_404, refuse
from wuye.territory.models import Community, District, Street

from .models import (
    Building,
    CommitteeMember,
    Estate,
    Owner,
    OwnersCommittee,
    Ownership,
    ParkingSpace,
    PropertyCompany,
    ServiceContract,
    Staff,
    Unit,
)

NOTHING = Q(pk__in=[])


def estate_q(user, prefix: str = "") -> Q | None:
    """Condition on an estate (reached through ``prefix``) that the user may see; None = all."""
    role = getattr(user, "role", None)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if role == Role.CITY:
        return None
    if role in (Role.DISTRICT,):
        return Q(**{f"{prefix}district_id": user.district_id})
    if role == Role.DEPARTMENT:
        if not user.department_id:
            return NOTHING
        # A city-level department (no district) sees the city's estates (issue 16 §1).
        district_id = user.department.district_id
        return None if district_id is None else Q(**{f"{prefix}district_id": district_id})
    if role == Role.STREET:
        return Q(**{f"{prefix}street_id": user.street_id})
    if role == Role.COMMUNITY:
        return Q(**{f"{prefix}community_id": user.community_id})
    if role in (Role.COMPANY_MANAGER, Role.COMPANY_STAFF):
        return Q(**{f"{prefix}company_id": user.company_id}) if user.company_id else NOTHING
    if role == Role.COMMITTEE:
        return Q(**{f"{prefix}id": user.estate_id}) if user.estate_id else NOTHING
    if role == Role.RESIDENT:
        if not user.owner_id:
            return NOTHING
        owned = Ownership.objects.filter(owner_id=user.owner_id).values("estate_id")
        return Q(**{f"{prefix}id__in": owned})
    return NOTHING


def _scoped(qs: QuerySet, q: Q | None) -> QuerySet:
    return qs if q is None else qs.filter(q)


def estates_visible_to(user) -> QuerySet[Estate]:
    return _scoped(Estate.objects.all(), estate_q(user))


def companies_visible_to(user) -> QuerySet[PropertyCompany]:
    role = getattr(user, "role", None)
    qs = PropertyCompany.objects.all()
    if role in (Role.COMPANY_MANAGER, Role.COMPANY_STAFF):
        return qs.filter(pk=user.company_id)
    q = estate_q(user)
    if q is None:
        return qs
    if q == NOTHING:
        return qs.none()
    return qs.filter(Exists(Estate.objects.filter(q, company_id=OuterRef("pk"))))


def buildings_visible_to(user) -> QuerySet[Building]:
    qs = Building.objects.all()
    if getattr(user, "role", None) == Role.RESIDENT:
        return qs.filter(Exists(Unit.objects.filter(building_id=OuterRef("pk"), ownerships__owner_id=user.owner_id)))
    return _scoped(qs, estate_q(user, "estate__"))


def units_visible_to(user) -> QuerySet[Unit]:
    qs = Unit.objects.all()
    if getattr(user, "role", None) == Role.RESIDENT:
        return qs.filter(Exists(Ownership.objects.filter(unit_id=OuterRef("pk"), owner_id=user.owner_id)))
    return _scoped(qs, estate_q(user, "estate__"))


def owners_visible_to(user) -> QuerySet[Owner]:
    qs = Owner.objects.all()
    if getattr(user, "role", None) == Role.RESIDENT:
        return qs.filter(pk=user.owner_id)
    q = estate_q(user, "estate__")
    if q is None:
        return qs
    if q == NOTHING:
        return qs.none()
    return qs.filter(Exists(Ownership.objects.filter(q, owner_id=OuterRef("pk"))))


def ownerships_visible_to(user) -> QuerySet[Ownership]:
    qs = Ownership.objects.all()
    if getattr(user, "role", None) == Role.RESIDENT:
        return qs.filter(owner_id=user.owner_id)
    return _scoped(qs, estate_q(user, "estate__"))


def parking_visible_to(user) -> QuerySet[ParkingSpace]:
    return _scoped(ParkingSpace.objects.all(), estate_q(user, "estate__"))


def staff_visible_to(user) -> QuerySet[Staff]:
    role = getattr(user, "role", None)
    qs = Staff.objects.all()
    if role in (Role.COMPANY_MANAGER, Role.COMPANY_STAFF):
        return qs.filter(company_id=user.company_id)
    if role in (Role.COMMITTEE, Role.RESIDENT):
        return _scoped(qs.filter(estate__isnull=False), estate_q(user, "estate__"))
    q = estate_q(user)
    if q is None:
        return qs
    if q == NOTHING:
        return qs.none()
    # Officials see staff serving estates in their area, and staff of companies active there.
    return qs.filter(
        Q(Exists(Estate.objects.filter(q, id=OuterRef("estate_id"))))
        | Q(Exists(Estate.objects.filter(q, company_id=OuterRef("company_id"))))
    )


def committees_visible_to(user) -> QuerySet[OwnersCommittee]:
    return _scoped(OwnersCommittee.objects.all(), estate_q(user, "estate__"))


def committee_members_visible_to(user) -> QuerySet[CommitteeMember]:
    return _scoped(CommitteeMember.objects.all(), estate_q(user, "committee__estate__"))


def contracts_visible_to(user) -> QuerySet[ServiceContract]:
    return _scoped(ServiceContract.objects.all(), estate_q(user, "estate__"))


def current_contracts_prefetch() -> Prefetch:
    """An estate's current service contract, as ``estate.current_contracts`` (a list of at most one)."""
    return Prefetch("contracts", queryset=ServiceContract.objects.filter(is_current=True), to_attr="current_contracts")


VISIBLE = {
    PropertyCompany: companies_visible_to,
    Estate: estates_visible_to,
    Building: buildings_visible_to,
    Unit: units_visible_to,
    Owner: owners_visible_to,
    Ownership: ownerships_visible_to,
    ParkingSpace: parking_visible_to,
    Staff: staff_visible_to,
    OwnersCommittee: committees_visible_to,
    CommitteeMember: committee_members_visible_to,
    ServiceContract: contracts_visible_to,
}


# ---- writes ---------------------------------------------------------------------------------

OFFICIAL_WRITERS = {Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY}


def can_create(user, model) -> bool:
    """May the user create records of this type at all (within their scope)?"""
    role = getattr(user, "role", None)
    if model is PropertyCompany:
        return role in (Role.CITY, Role.DISTRICT)
    if model is Estate:
        return role in OFFICIAL_WRITERS
    if model in (Building, Unit, Owner, Ownership, ParkingSpace, ServiceContract):
        return role in OFFICIAL_WRITERS or role == Role.COMPANY_MANAGER
    if model is Staff:
        return role in (Role.CITY, Role.DISTRICT, Role.COMPANY_MANAGER)
    if model in (OwnersCommittee, CommitteeMember):
        return role in (Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY)
    return False


def can_change(user, obj) -> bool:
    """May the user change this (already visible) record?"""
    role = getattr(user, "role", None)
    if isinstance(obj, PropertyCompany):
        return role == Role.CITY or (role == Role.COMPANY_MANAGER and obj.pk == user.company_id) or (
            role == Role.DISTRICT and companies_visible_to(user).filter(pk=obj.pk).exists()
        )
    if isinstance(obj, Estate):
        return role in OFFICIAL_WRITERS
    return can_create(user, type(obj))


def get_for_user(model, *, user, pk, write: bool = False):
    """The record if the user may see it (404 otherwise); with ``write``, also may change it (403)."""
    obj = get_visible_or_404(VISIBLE[model](user), user=user, pk=pk)
    if write and not can_change(user, obj):
        refuse(user=user, model=model, pk=pk, reason=_("无修改权限"), status=403)
    return obj


def estate_for_write(*, user, estate_id) -> Estate:
    """An estate the user may attach new records to (a building, unit, parking space…)."""
    return get_visible_or_404(estates_visible_to(user), user=user, pk=estate_id)


def can_reveal_personal_data(user, *, complainant: bool = False) -> bool:
    """May the user reveal a masked value (audited)? A complaint's resident (``complainant``) is
    never revealed to a property company: the public form promises companies see only part of the
    phone (issue 14 §6); they ask for a masked call-back instead."""
    role = getattr(user, "role", None)
    if complainant and role in COMPANY_ROLES:
        return False
    return role in settings.WUYE_REVEAL_ROLES


# Roles that do not use the registry pages at all: the three administrators (三员分立) and
# accounts without a role.
NO_REGISTRY_ROLES = frozenset(ADMIN_ROLES) | {Role.NONE}


# Why an owners' committee may take the owner list out of the platform (its duties under the
# 物业管理条例: convening the owners' assembly, votes, notices); the purpose goes into the audit row.
OWNER_EXPORT_PURPOSES = {
    "assembly": _("召集业主大会会议"),
    "vote": _("组织业主共同决定事项的表决"),
    "notice": _("向业主送达通知、公告"),
    "election": _("业主委员会换届选举"),
}


def owner_export_limited(user) -> bool:
    """An owners' committee's owner-list export is limited to its duties (issue 13 §14): a stated
    purpose, names, masked phones and homes only — no ID numbers (GB/T 22239-2019 8.1.4.11
    个人信息保护 a): only what the duty needs)."""
    return getattr(user, "role", None) == Role.COMMITTEE


def can_use_registry(user) -> bool:
    return getattr(user, "role", None) not in NO_REGISTRY_ROLES


def require_registry_user(user, model) -> None:
    """The gate of the registry lists: 403 (audited) for a role that does not use them."""
    if not can_use_registry(user):
        refuse(user=user, model=model, pk="", reason=_("该角色不使用物业登记数据"), status=403)


def can_see_history(user, obj, *, can_change_it: bool | None = None) -> bool:
    """A record's change history: for who may change it, and for the government roles."""
    if can_change_it is None:
        can_change_it = can_change(user, obj)
    return can_change_it or getattr(user, "role", None) in GOVERNMENT_ROLES


def own_company_id(user) -> int | None:
    """The company a company manager registers staff for by default (None for anybody else)."""
    return user.company_id if getattr(user, "role", None) == Role.COMPANY_MANAGER else None


def is_company_manager(user) -> bool:
    return getattr(user, "role", None) == Role.COMPANY_MANAGER


# ---- conditions of the search-selects (pickers) -------------------------------------------


def company_serves_q(field: str, value) -> Q:
    """Companies serving an estate whose ``field`` (``district_id``, ``street_id``…) is ``value``."""
    return Q(Exists(Estate.objects.filter(company_id=OuterRef("pk"), **{field: value})))


def owner_in_estate_q(estate_id) -> Q:
    """Owners of a home in the estate."""
    return Q(Exists(Ownership.objects.filter(owner_id=OuterRef("pk"), estate_id=estate_id)))


# ---- the places of the estate filter bar ----------------------------------------------------


def street_in_district(street_id, district_id) -> bool:
    return Street.objects.filter(pk=street_id, district_id=district_id).exists()


def community_in_street(community_id, street_id) -> bool:
    return Community.objects.filter(pk=community_id, street_id=street_id).exists()


def districts_with_estates(visible: QuerySet[Estate]) -> list[District]:
    """The districts holding one of ``visible`` (the estates a user sees)."""
    return list(District.objects.filter(Exists(visible.filter(district_id=OuterRef("pk")))).only("id", "name"))


def streets_with_estates(visible: QuerySet[Estate], district_id) -> list[Street]:
    return list(Street.objects.filter(district_id=district_id).filter(
        Exists(visible.filter(street_id=OuterRef("pk")))).only("id", "name"))


def communities_with_estates(visible: QuerySet[Estate], street_id) -> list[Community]:
    return list(Community.objects.filter(street_id=street_id).filter(
        Exists(visible.filter(community_id=OuterRef("pk")))).only("id", "name"))


def companies_selectable_by(user) -> QuerySet[PropertyCompany]:
    """Companies a user may name as the other party of a new service contract.

    The register of companies is public, so officials who may record contracts choose among all
    companies that are not deregistered; a company manager only their own company.
    """
    role = getattr(user, "role", None)
    qs = PropertyCompany.objects.exclude(filing_status=PropertyCompany.FilingStatus.REVOKED)
    if role in OFFICIAL_WRITERS:
        return qs
    if role == Role.COMPANY_MANAGER and user.company_id:
        return qs.filter(pk=user.company_id)
    return qs.none()
