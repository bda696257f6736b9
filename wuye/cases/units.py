"""Units a complaint can be dispatched to, and routing by category and estate (issue §6).

A unit is a pair ``(kind, id)``: a property company, a community, a street, a functional
department, a district authority or the city bureau. Users belong to exactly one unit through
their binding (accounts.ROLE_BINDING).
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils.translation import gettext as _

from wuye.accounts.models import Role
from wuye.registry.models import Estate, PropertyCompany
from wuye.territory.models import City, Community, Department, District, Street

from .models import Category, UnitKind


class Unit(NamedTuple):
    kind: str
    id: int
    name: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)


MODEL_OF_KIND = {
    UnitKind.COMPANY: PropertyCompany,
    UnitKind.COMMUNITY: Community,
    UnitKind.STREET: Street,
    UnitKind.DEPARTMENT: Department,
    UnitKind.DISTRICT: District,
    UnitKind.CITY: City,
}


def unit_key_of(user) -> tuple[str, int] | None:
    """The (kind, id) of the unit the user works for, or None (residents, administrators)."""
    role = getattr(user, "role", None)
    if role in (Role.COMPANY_MANAGER, Role.COMPANY_STAFF) and user.company_id:
        return (UnitKind.COMPANY, user.company_id)
    if role == Role.COMMUNITY and user.community_id:
        return (UnitKind.COMMUNITY, user.community_id)
    if role == Role.STREET and user.street_id:
        return (UnitKind.STREET, user.street_id)
    if role == Role.DEPARTMENT and user.department_id:
        return (UnitKind.DEPARTMENT, user.department_id)
    if role == Role.DISTRICT and user.district_id:
        return (UnitKind.DISTRICT, user.district_id)
    if role == Role.CITY:
        # Asked several times a request (the actions a desk officer may take): looked up once.
        city_id = getattr(user, "_city_unit_id", None)
        if city_id is None:
            city_id = user._city_unit_id = City.objects.order_by("id").values_list("id", flat=True).first() or 0
        return (UnitKind.CITY, city_id)
    return None


def unit_name(kind: str, pk: int) -> str:
    model = MODEL_OF_KIND[kind]
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        return ""
    if kind == UnitKind.DEPARTMENT:
        return obj.name
    if kind == UnitKind.DISTRICT:
        return _("%(name)s住房主管部门") % {"name": obj.name}
    if kind == UnitKind.CITY:
        return _("市住房保障房产局")
    return obj.name


def get_unit(kind: str, pk: int) -> Unit | None:
    if kind not in MODEL_OF_KIND:
        return None
    name = unit_name(kind, pk)
    return Unit(kind, int(pk), name) if name else None


def parse_unit(value) -> Unit | None:
    """A unit named by a client: ``{"kind": "department", "id": 7}``, ``"department:7"`` or a
    ``Unit``; None when the kind is unknown, the id is not a number or no such unit exists."""
    if isinstance(value, Unit):
        return value
    kind = pk = None
    if isinstance(value, dict):
        kind, pk = value.get("kind"), value.get("id")
    elif isinstance(value, str) and ":" in value:
        kind, pk = value.split(":", 1)
    if isinstance(pk, bool) or kind not in MODEL_OF_KIND:
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return get_unit(kind, pk)


def unit_ref(unit: Unit) -> dict:
    """How the API writes a unit: ``{"kind", "id", "name"}``."""
    return {"kind": unit.kind, "id": unit.id, "name": unit.name}


def _department(estate: Estate, kind: str) -> Unit | None:
    row = Department.objects.filter(district_id=estate.district_id, kind=kind).order_by("id").values_list(
        "pk", "name").first()
    return Unit(UnitKind.DEPARTMENT, *row) if row else None


def _named(estate: Estate, field: str, kind: str) -> Unit:
    """The unit the estate's ``field`` points to; its name read alone (a filing routes every
    complaint) unless the estate has already loaded that row."""
    pk = getattr(estate, f"{field}_id")
    relation = Estate._meta.get_field(field)
    if relation.is_cached(estate):
        return Unit(kind, pk, relation.get_cached_value(estate).name)
    return Unit(kind, pk, MODEL_OF_KIND[kind].objects.filter(pk=pk).values_list("name", flat=True).first() or "")


def route(*, estate: Estate, category: Category) -> Unit:
    """The unit responsible for this kind of complaint about this estate.

    - the estate's property company; an estate with no company goes to its community (issue §6);
    - its community or street;
    - a kind of functional department of the estate's district (falling back to the street when
      the district has no such department);
    - the developer: developers are not users of the platform, so the case goes to the district's
      housing department (住房和城乡建设), which supervises them (scenario 2), else the district;
    - confidential clue reports (涉黑涉恶) go to the district's police, else the city bureau.
    """
    if category.confidential:
        police = _department(estate, Department.Kind.POLICE)
        if police:
            return police
        return Unit(UnitKind.CITY, estate.district.city_id, _("市住房保障房产局"))
    responsible = category.responsible
    if responsible == Category.Responsible.COMPANY:
        if estate.company_id:
            return _named(estate, "company", UnitKind.COMPANY)
        responsible = Category.Responsible.COMMUNITY
    if responsible == Category.Responsible.DEPARTMENT and category.department_kind:
        dept = _department(estate, category.department_kind)
        if dept:
            return dept
        responsible = Category.Responsible.STREET
    if responsible == Category.Responsible.DEVELOPER:
        dept = _department(estate, Department.Kind.HOUSING)
        if dept:
            return dept
        return Unit(UnitKind.DISTRICT, estate.district_id, unit_name(UnitKind.DISTRICT, estate.district_id))
    if responsible == Category.Responsible.STREET:
        return _named(estate, "street", UnitKind.STREET)
    return _named(estate, "community", UnitKind.COMMUNITY)
