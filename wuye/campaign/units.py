"""Units as the campaign's API writes them: ``{"kind": "city|district|department|street|community|
company", "id": N}`` (issue 16 §12). The unit itself — its kinds, names and users — lives in
``wuye.cases.units`` and ``wuye.accounts.selectors.unit_users``; this module only parses and
writes it and picks units by territory ("all companies serving estates in 东城区")."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wuye.cases.models import UnitKind
from wuye.cases.units import Unit, parse_unit, unit_name, unit_ref
from wuye.registry.models import Estate, PropertyCompany
from wuye.territory.models import Community, Department, District, Street

UNIT_SCHEMA = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": [k.value for k in UnitKind]},
        "id": {"type": "integer"},
        "name": {"type": "string", "readOnly": True},
    },
    "required": ["kind", "id"],
}


@extend_schema_field(UNIT_SCHEMA)
class UnitField(serializers.Field):
    """A unit in and out of the API; an unknown kind or id is a Chinese 400."""

    default_error_messages = {
        "invalid": _("请选择有效的单位：kind 为 city、district、department、street、community 或 company，id 为其编号"),
    }

    def to_internal_value(self, data) -> Unit:
        unit = parse_unit(data)
        if unit is None:
            self.fail("invalid")
        return unit

    def to_representation(self, value) -> dict:
        return unit_ref(value)


def units_in_territory(kind: str, *, district_id: int | None = None, street_id: int | None = None) -> list[Unit]:
    """Every unit of ``kind`` in a district or street (or the city when neither is given):
    companies serving estates there, its streets, communities, departments, or the district."""
    qs: QuerySet
    if kind == UnitKind.COMPANY:
        estates = Estate.objects.all()
        if district_id:
            estates = estates.filter(district_id=district_id)
        if street_id:
            estates = estates.filter(street_id=street_id)
        qs = PropertyCompany.objects.filter(pk__in=estates.exclude(company_id=None).values("company_id"))
    elif kind == UnitKind.STREET:
        qs = Street.objects.all()
        qs = qs.filter(district_id=district_id) if district_id else qs
        qs = qs.filter(pk=street_id) if street_id else qs
    elif kind == UnitKind.COMMUNITY:
        qs = Community.objects.all()
        qs = qs.filter(street__district_id=district_id) if district_id else qs
        qs = qs.filter(street_id=street_id) if street_id else qs
    elif kind == UnitKind.DEPARTMENT:
        qs = Department.objects.all()
        qs = qs.filter(district_id=district_id) if district_id else qs
    elif kind == UnitKind.DISTRICT:
        qs = District.objects.all()
        qs = qs.filter(pk=district_id) if district_id else qs
    else:
        return []
    rows = qs.order_by("id").values_list("pk", "name")
    if kind == UnitKind.DISTRICT:  # named as the unit that acts: 东城区住房主管部门
        return [Unit(kind, pk, unit_name(kind, pk)) for pk, _name in rows]
    return [Unit(kind, pk, name) for pk, name in rows]
