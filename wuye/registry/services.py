"""Every write to the registry. Keyword-only arguments, one transaction, an audit row for each
create, update and delete (who, when, IP, object, changed fields before and after)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from wuye.accounts.models import Role
from wuye.core.audit import audit_record, model_changes, snapshot
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.core.search import initials

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
from .selectors import can_reveal_personal_data

# ---- identifiers (rules.md §11) ------------------------------------------------------------


def normalize_credit_code(value: str) -> str:
    """Unified social credit code (GB 32100-2015): 18 characters with a check character."""
    code = (value or "").strip().upper().replace(" ", "")
    try:
        return uscc.validate(code)
    except InvalidLength:
        raise ServiceError({"credit_code": _("统一社会信用代码应为 18 位。")}) from None
    except InvalidChecksum:
        raise ServiceError({"credit_code": _("统一社会信用代码校验位不正确，请核对后重新输入。")}) from None
    except (InvalidFormat, StdnumError):
        raise ServiceError({"credit_code": _("统一社会信用代码格式不正确（应为 18 位数字或大写字母，不含 I、O、Z、S、V）。")}) from None


def normalize_id_number(value: str) -> str:
    """Resident ID number (GB 11643-1999) with its ISO 7064 MOD 11-2 check digit."""
    code = (value or "").strip().upper()
    if not code:
        return ""
    try:
        return ric.validate(code)
    except StdnumError:
        raise ServiceError({"id_number": _("身份证号码不正确（应为 18 位，末位校验码须正确）。")}) from None


def normalize_owner_id(kind: str, value: str) -> str:
    """An owner's identifier as stored: a person's resident ID number checked and upper-cased
    (``…X``); an organisation's code (unified social credit code) upper-cased without spaces."""
    if kind == Owner.Kind.PERSON:
        return normalize_id_number(value)
    return (value or "").strip().upper().replace(" ", "")


def normalize_phone(value: str, field: str = "phone") -> str:
    phone = (value or "").strip().replace(" ", "").replace("-", "")
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        raise ServiceError({field: _("电话号码格式不正确。")})
    return phone


# ---- the generic audited save -------------------------------------------------------------


def _full_clean(obj: models.Model, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)


def _create(obj: models.Model, *, actor) -> models.Model:
    _full_clean(obj)
    obj.save(force_insert=True)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=obj, changes=model_changes({}, snapshot(obj)))
    return obj


def _update(obj: models.Model, *, actor, data: dict[str, Any]) -> models.Model:
    before = snapshot(obj)
    for key, value in data.items():
        setattr(obj, key, value)
    _full_clean(obj)
    changes = model_changes(before, snapshot(obj))
    if changes:
        obj.save()
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=obj, changes=changes)
    return obj


def _delete(obj: models.Model, *, actor) -> None:
    before = snapshot(obj)
    label, pk, text = obj._meta.label_lower, obj.pk, str(obj)
    try:
        obj.delete()
    except models.ProtectedError:
        raise ServiceError(_("该记录仍被其他数据引用，不能删除。请先处理关联的数据。")) from None
    audit_record(
        action=AuditAction.DELETE, actor=actor, object_type=label, object_id=pk, object_repr=text,
        changes={k: [v, None] for k, v in before.items()},
    )


# ---- companies ------------------------------------------------------------------------------


@transaction.atomic
def company_create(*, actor, name: str, credit_code: str, legal_representative: str, address: str,
                   service_phone: str, filing_status: str = PropertyCompany.FilingStatus.FILED) -> PropertyCompany:
    code = normalize_credit_code(credit_code)
    if PropertyCompany.objects.filter(credit_code=code).exists():
        raise ServiceError({"credit_code": _("该统一社会信用代码已登记。")})
    company = PropertyCompany(
        name=name.strip(), credit_code=code, legal_representative=legal_representative.strip(),
        address=address.strip(), service_phone=normalize_phone(service_phone, "service_phone"),
        filing_status=filing_status, search_key=initials(name),
    )
    return _create(company, actor=actor)


# Fields of a company's record that only the authorities may change: the company's identity
# and its filing with the housing authority.
AUTHORITY_COMPANY_FIELDS = ("credit_code", "filing_status")


@transaction.atomic
def company_update(*, actor, company: PropertyCompany, **data) -> PropertyCompany:
    if "credit_code" in data:
        data["credit_code"] = normalize_credit_code(data["credit_code"])
    if getattr(actor, "role", None) not in (Role.CITY, Role.DISTRICT):
        for field in AUTHORITY_COMPANY_FIELDS:
            if field in data and data[field] != getattr(company, field):
                label = PropertyCompany._meta.get_field(field).verbose_name
                raise ServiceError({field: _("%(label)s只能由住房主管部门修改。") % {"label": label}})
    if "credit_code" in data:
        if PropertyCompany.objects.filter(credit_code=data["credit_code"]).exclude(pk=company.pk).exists():
            raise ServiceError({"credit_code": _("该统一社会信用代码已登记。")})
    if "service_phone" in data:
        data["service_phone"] = normalize_phone(data["service_phone"], "service_phone")
    if "name" in data:
        data["search_key"] = initials(data["name"])
    return _update(company, actor=actor, data=data)


# ---- estates --------------------------------------------------------------------------------


@transaction.atomic
def estate_create(*, actor, name: str, address: str, community, kind: str = Estate.Kind.COMMERCIAL,
                  year_built: int | None = None, floor_area=None,
                  management_mode: str = Estate.ManagementMode.PROFESSIONAL) -> Estate:
    estate = Estate(
        name=name.strip(), address=address.strip(), community=community, street_id=community.street_id,
        district_id=community.street.district_id, kind=kind, year_built=year_built, floor_area=floor_area,
        management_mode=management_mode, search_key=initials(name),
    )
    return _create(estate, actor=actor)


@transaction.atomic
def estate_update(*, actor, estate: Estate, **data) -> Estate:
    if "community" in data:
        community = data["community"]
        data["street_id"] = community.street_id
        data["district_id"] = community.street.district_id
    if "name" in data:
        data["search_key"] = initials(data["name"])
    if data.get("management_mode") in (Estate.ManagementMode.NONE, Estate.ManagementMode.SELF_MANAGED):
        ServiceContract.objects.filter(estate=estate, is_current=True).update(is_current=False)
        data["company"] = None
    return _update(estate, actor=actor, data=data)


@transaction.atomic
def estate_set_contract(*, actor, estate: Estate, company: PropertyCompany, start_date, end_date,
                        contracted_grade: str, fee_rate, filing_number: str = "") -> ServiceContract:
    """Record a new current service contract; the previous one stops being current."""
    for old in ServiceContract.objects.filter(estate=estate, is_current=True):
        _update(old, actor=actor, data={"is_current": False})
    contract = _create(
        ServiceContract(
            estate=estate, company=company, start_date=start_date, end_date=end_date,
            contracted_grade=contracted_grade, fee_rate=fee_rate, filing_number=filing_number.strip(),
        ),
        actor=actor,
    )
    data: dict[str, Any] = {"company": company}
    if estate.management_mode in (Estate.ManagementMode.NONE, Estate.ManagementMode.SELF_MANAGED):
        data["management_mode"] = Estate.ManagementMode.PROFESSIONAL
    _update(estate, actor=actor, data=data)
    return contract


# ---- buildings, units, owners ---------------------------------------------------------------


@transaction.atomic
def building_create(*, actor, estate: Estate, name: str, floors: int | None = None, has_lift: bool = False) -> Building:
    return _create(Building(estate=estate, name=name.strip(), floors=floors, has_lift=has_lift), actor=actor)


@transaction.atomic
def building_update(*, actor, building: Building, **data) -> Building:
    data.pop("estate", None)
    return _update(building, actor=actor, data=data)


@transaction.atomic
def unit_create(*, actor, building: Building, number: str, exclusive_area, area_source: str = Unit.AreaSource.REGISTERED,
                built_area=None, floor: int | None = None, sale_status: str = Unit.SaleStatus.DELIVERED) -> Unit:
    unit = Unit(
        estate_id=building.estate_id, building=building, number=number.strip(), floor=floor,
        exclusive_area=exclusive_area, area_source=area_source, built_area=built_area, sale_status=sale_status,
    )
    return _create(unit, actor=actor)


@transaction.atomic
def unit_update(*, actor, unit: Unit, **data) -> Unit:
    if "building" in data:
        if data["building"].estate_id != unit.estate_id:
            raise ServiceError({"building": _("只能调整到同一小区的楼栋。")})
    return _update(unit, actor=actor, data=data)


@transaction.atomic
def owner_create(*, actor, name: str, kind: str = Owner.Kind.PERSON, phone: str = "", id_number: str = "") -> Owner:
    """A new owner. A second owner with the same ID number (or credit code) is refused by the
    model's constraint: registering somebody already on file goes through ``owner_register``."""
    owner = Owner(
        kind=kind, name=name.strip(), phone=normalize_phone(phone), id_number=normalize_owner_id(kind, id_number),
        search_key=initials(name),
    )
    return _create(owner, actor=actor)


@transaction.atomic
def owner_update(*, actor, owner: Owner, **data) -> Owner:
    if "phone" in data:
        data["phone"] = normalize_phone(data["phone"])
    if "id_number" in data:
        data["id_number"] = normalize_owner_id(data.get("kind", owner.kind), data["id_number"])
    if "name" in data:
        data["search_key"] = initials(data["name"])
    return _update(owner, actor=actor, data=data)


@transaction.atomic
def ownership_create(*, actor, unit: Unit, owner: Owner, share=None, since=None) -> Ownership:
    if Ownership.objects.filter(unit=unit, owner=owner).exists():
        raise ServiceError(_("该业主已登记为此房屋的产权人。"))
    return _create(Ownership(unit=unit, owner=owner, estate_id=unit.estate_id, share=share, since=since), actor=actor)


@transaction.atomic
def ownership_delete(*, actor, ownership: Ownership) -> None:
    _delete(ownership, actor=actor)


# ---- parking, staff, committees -------------------------------------------------------------


@transaction.atomic
def parking_create(*, actor, estate: Estate, number: str, kind: str, ownership: str, disposal: str,
                   monthly_rent=None, offered_for_rent: bool = False) -> ParkingSpace:
    space = ParkingSpace(
        estate=estate, number=number.strip(), kind=kind, ownership=ownership, disposal=disposal,
        monthly_rent=monthly_rent, offered_for_rent=offered_for_rent,
    )
    return _create(space, actor=actor)


@transaction.atomic
def parking_update(*, actor, space: ParkingSpace, **data) -> ParkingSpace:
    data.pop("estate", None)
    return _update(space, actor=actor, data=data)


@transaction.atomic
def staff_create(*, actor, company: PropertyCompany, name: str, role: str, phone: str = "", certificates: str = "",
                 estate: Estate | None = None, post_started=None) -> Staff:
    if estate is not None and estate.company_id != company.pk:
        raise ServiceError({"estate": _("只能派驻到本企业服务的小区。")})
    staff = Staff(
        company=company, name=name.strip(), role=role, phone=normalize_phone(phone), certificates=certificates.strip(),
        estate=estate, post_started=post_started, search_key=initials(name),
    )
    return _create(staff, actor=actor)


@transaction.atomic
def staff_update(*, actor, staff: Staff, **data) -> Staff:
    data.pop("company", None)
    estate = data.get("estate", staff.estate)
    if estate is not None and estate.company_id != staff.company_id:
        raise ServiceError({"estate": _("只能派驻到本企业服务的小区。")})
    if "phone" in data:
        data["phone"] = normalize_phone(data["phone"])
    if "name" in data:
        data["search_key"] = initials(data["name"])
    return _update(staff, actor=actor, data=data)


def _check_committee_term(term_start, term_end) -> None:
    """rules.md §1: a committee's term is at most 5 years."""
    if term_end <= term_start:
        raise ServiceError({"term_end": _("任期结束日应晚于开始日。")})
    try:
        limit = term_start.replace(year=term_start.year + 5)
    except ValueError:  # 29 February
        limit = term_start.replace(year=term_start.year + 5, day=28)
    if term_end > limit:
        raise ServiceError({"term_end": _("业主委员会任期不得超过 5 年（业主大会和业主委员会指导规则）。")})


@transaction.atomic
def committee_create(*, actor, estate: Estate, term_start, term_end, filed_on=None) -> OwnersCommittee:
    _check_committee_term(term_start, term_end)
    for old in OwnersCommittee.objects.filter(estate=estate, is_current=True):
        _update(old, actor=actor, data={"is_current": False})
    return _create(OwnersCommittee(estate=estate, term_start=term_start, term_end=term_end, filed_on=filed_on), actor=actor)


@transaction.atomic
def committee_update(*, actor, committee: OwnersCommittee, **data) -> OwnersCommittee:
    data.pop("estate", None)
    _check_committee_term(data.get("term_start", committee.term_start), data.get("term_end", committee.term_end))
    return _update(committee, actor=actor, data=data)


@transaction.atomic
def committee_member_add(*, actor, committee: OwnersCommittee, name: str, position: str,
                         is_party_member: bool = False, phone: str = "", owner: Owner | None = None) -> CommitteeMember:
    """rules.md §1: a committee has 5–11 members (an odd number) — checked on the filed roster."""
    if committee.members.count() >= 11:
        raise ServiceError(_("业主委员会成员最多 11 人。"))
    member = CommitteeMember(
        committee=committee, name=name.strip(), position=position, is_party_member=is_party_member,
        phone=normalize_phone(phone), owner=owner,
    )
    return _create(member, actor=actor)


@transaction.atomic
def committee_member_remove(*, actor, member: CommitteeMember) -> None:
    _delete(member, actor=actor)


def delete_record(*, actor, obj: models.Model) -> None:
    """Delete one registry record (a confirmation page comes first in the UI)."""
    with transaction.atomic():
        _delete(obj, actor=actor)


@dataclass(frozen=True)
class Registered:
    """What ``owner_register`` did: the unit's ownership, and whether the owner is new."""

    ownership: Ownership
    owner_created: bool

    @property
    def owner(self) -> Owner:
        return self.ownership.owner


def _owner_on_file(*, kind: str, name: str, id_number: str) -> Owner | None:
    """The owner already registered under this ID number (or credit code), if any. The name must
    match: an ID number typed for the wrong person neither links nor reveals the other owner."""
    if not id_number:
        return None
    found = Owner.objects.filter(id_number=id_number).first()
    if found is not None and found.name != name.strip():
        raise ServiceError({"id_number": _("该证件号码已登记在另一姓名/名称的业主名下，请核对。")})
    return found


@transaction.atomic
def owner_register(*, actor, unit: Unit, name: str, kind: str = Owner.Kind.PERSON, phone: str = "",
                   id_number: str = "", share=None, since=None) -> Registered:
    """Make a person (or organisation) an owner (or co-owner) of ``unit``, in one transaction.

    One buyer, one head (法释〔2009〕7号 第九条): an owner is counted once on a voter roll however
    many homes they hold, so a person whose ID number (an organisation: its unified social credit
    code) is already on file is linked, never registered twice. Registering the same owner of the
    same unit again returns the ownership already there (a retried submission).
    """
    id_number = normalize_owner_id(kind, id_number)
    owner = _owner_on_file(kind=kind, name=name, id_number=id_number)
    created = owner is None
    if created:
        try:
            owner = owner_create(actor=actor, name=name, kind=kind, phone=phone, id_number=id_number)
        except IntegrityError:
            # Somebody registered the same ID number at the same moment: link theirs.
            owner = _owner_on_file(kind=kind, name=name, id_number=id_number)
            if owner is None:
                raise
            created = False
    if not created:
        held = Ownership.objects.filter(unit=unit, owner=owner).select_related("owner").first()
        if held is not None:
            return Registered(held, False)
    return Registered(ownership_create(actor=actor, unit=unit, owner=owner, share=share, since=since), created)


def unit_owner_register(*, actor, unit: Unit, name: str, kind: str = Owner.Kind.PERSON, phone: str = "",
                        id_number: str = "", share=None, since=None) -> Ownership:
    """``owner_register`` for callers that need only the ownership."""
    return owner_register(actor=actor, unit=unit, name=name, kind=kind, phone=phone, id_number=id_number,
                          share=share, since=since).ownership


@transaction.atomic
def committee_member_update(*, actor, member: CommitteeMember, **data) -> CommitteeMember:
    data.pop("committee", None)
    if "phone" in data:
        data["phone"] = normalize_phone(data["phone"])
    return _update(member, actor=actor, data=data)


# ---- personal data --------------------------------------------------------------------------

REVEALABLE: dict[type[models.Model], tuple[str, ...]] = {
    Owner: ("phone", "id_number"),
    Staff: ("phone",),
    CommitteeMember: ("phone",),
}


def personal_data_reveal(*, actor, obj: models.Model, field: str) -> str:
    """The clear value of one masked field (a phone or an ID number), with a REVEAL audit row.

    The caller has fetched ``obj`` through a selector and checked ``can_reveal_personal_data``.
    """
    if field not in REVEALABLE.get(type(obj), ()):
        raise ServiceError(_("该字段不属于可查看的个人信息。"))
    if not can_reveal_personal_data(actor):
        raise ServiceError(_("您的角色无权查看完整的个人信息。"))
    label = str(obj._meta.get_field(field).verbose_name)
    audit_record(action=AuditAction.REVEAL, actor=actor, obj=obj, detail=f"查看{label}（{field}）")
    return getattr(obj, field) or ""
