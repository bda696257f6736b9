"""The units of the demo complaints: who a complaint is routed to (``wuye.cases.units.route`` on the
rows in memory), where an approved return goes, each unit's hidden service quality, the dispatchers'
label, and the monthly unit rollups rebuilt at the end (part of ``complaints.ComplaintBuilder``).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from wuye.cases.models import (
    Task,
    UnitMonthStat,
)
from wuye.cases.rollups import COUNTS

from .complaint_rows import (
    CITY_DESK,
    R,
    U,
    _Case,
)

if TYPE_CHECKING:  # only for annotations: complaints imports this module
    from .complaints import Cat, EstateRow


class UnitsMixin:
    """Routing, units and their names, and the monthly rollups."""

    def unit(self, kind: str, pk: int) -> tuple[str, int, str]:
        if kind == U.COMPANY:
            return (kind, pk, self.company_names[pk])
        if kind == U.COMMUNITY:
            return (kind, pk, self.community_rows[pk][0])
        if kind == U.STREET:
            return (kind, pk, self.street_names[pk])
        if kind == U.DISTRICT:
            return (kind, pk, f"{self.district_names[pk]}住房主管部门")
        if kind == U.CITY:
            return (kind, pk, CITY_DESK)
        raise ValueError(kind)

    def dept(self, district: int, kind: str) -> tuple[str, int, str] | None:
        d = self.depts.get((district, kind))
        return (U.DEPARTMENT, d[0], d[1]) if d else None

    def route(self, e: EstateRow, cat: Cat) -> tuple[str, int, str]:
        """``wuye.cases.units.route`` on the rows in memory (the demo test compares the two)."""
        if cat.confidential:
            return self.dept(e.district_id, "police") or (U.CITY, self.city_id, CITY_DESK)
        responsible = cat.responsible
        if responsible == R.COMPANY:
            if e.company_id:
                return self.unit(U.COMPANY, e.company_id)
            responsible = R.COMMUNITY
        if responsible == R.DEPARTMENT and cat.department_kind:
            d = self.dept(e.district_id, cat.department_kind)
            if d:
                return d
            responsible = R.STREET
        if responsible == R.DEVELOPER:
            return self.dept(e.district_id, "housing") or self.unit(U.DISTRICT, e.district_id)
        if responsible == R.STREET:
            return self.unit(U.STREET, e.street_id)
        return self.unit(U.COMMUNITY, e.community_id)

    def fallback_unit(self, c: _Case) -> tuple[str, int, str]:
        """Where an approved return goes: the community, or the street when the community returned it."""
        if c.unit_kind == U.COMMUNITY:
            return self.unit(U.STREET, c.street_id)
        return self.unit(U.COMMUNITY, c.community_id)

    def quality(self, kind: str, pk: int) -> float:
        key = (kind, pk)
        q = self._quality.get(key)
        if q is None:
            q = self._quality[key] = 0.6 + 0.8 * random.Random(f"wuye-demo:{self.seed}:quality:{kind}:{pk}").random()
        return q

    def dispatcher_label(self, c: _Case) -> str:
        if c.confidential:
            return CITY_DESK
        return f"{self.district_names[c.district_id]}住房主管部门"

    def rebuild_rollups(self) -> int:
        """Every unit-month recounted from the tasks with one aggregate query (== ``rollup_rebuild``)."""
        # Month by month, as a running platform adds them: a month's rows lie together on disk.
        rows = Task.objects.values("unit_kind", "unit_id", "month").annotate(**COUNTS).order_by("month", "unit_kind",
                                                                                                "unit_id")
        names: dict = {}
        stats = []
        for row in rows.iterator(chunk_size=10_000):
            kind, pk = row.pop("unit_kind"), row.pop("unit_id")
            month = row.pop("month")
            stats.append(UnitMonthStat(month=month, unit_kind=kind, unit_id=pk, unit_name=self.name_of(kind, pk, names),
                                       district_id=self.district_of(kind, pk), **row))
        UnitMonthStat.objects.all().delete()
        UnitMonthStat.objects.bulk_create(stats, batch_size=5_000)
        return len(stats)

    def name_of(self, kind: str, pk: int, cache: dict) -> str:
        try:
            if kind == U.DEPARTMENT:
                return self.dept_names[pk]
            return self.unit(kind, pk)[2]
        except KeyError:
            key = (kind, pk)
            if key not in cache:
                cache[key] = Task.objects.filter(unit_kind=kind, unit_id=pk).values_list("unit_name", flat=True).first() or ""
            return cache[key]

    def district_of(self, kind: str, pk: int) -> int | None:
        if kind == U.DISTRICT:
            return pk
        if kind == U.DEPARTMENT:
            return self.dept_district.get(pk)
        if kind == U.STREET:
            return self.street_district.get(pk)
        if kind == U.COMMUNITY:
            row = self.community_rows.get(pk)
            return row[1] if row else None
        if kind == U.COMPANY:
            return self.company_district.get(pk)
        return None
