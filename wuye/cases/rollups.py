"""Monthly unit figures (issue §14), kept current by the workflow.

Each workflow step that changes a task's outcome calls ``rollup_refresh`` for that task's unit
and month, which recounts that one unit-month from its tasks (an indexed aggregate over a few
hundred rows at most) and stores the counts in ``UnitMonthStat``. Pages read only the rollup table.
Rates and the composite score are computed from the stored counts (``metrics.py``).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q

from wuye.registry.models import Estate
from wuye.territory.models import Community, Department, Street

from .models import Task, UnitKind, UnitMonthStat


def _district_of(kind: str, pk: int):
    if kind == UnitKind.DISTRICT:
        return pk
    if kind == UnitKind.DEPARTMENT:
        return Department.objects.filter(pk=pk).values_list("district_id", flat=True).first()
    if kind == UnitKind.STREET:
        return Street.objects.filter(pk=pk).values_list("district_id", flat=True).first()
    if kind == UnitKind.COMMUNITY:
        return Community.objects.filter(pk=pk).values_list("street__district_id", flat=True).first()
    if kind == UnitKind.COMPANY:
        # A company's home district: where it serves most estates.
        row = (
            Estate.objects.filter(company_id=pk).values("district_id").annotate(n=Count("id")).order_by("-n").first()
        )
        return row["district_id"] if row else None
    return None


COUNTS = dict(
    assigned=Count("id", filter=Q(excluded=False)),
    signed_in_time=Count("id", filter=Q(excluded=False, signed_in_time=True)),
    contacted_in_time=Count("id", filter=Q(excluded=False, contacted_in_time=True)),
    done=Count("id", filter=Q(excluded=False, done_in_time__isnull=False)),
    done_in_time=Count("id", filter=Q(excluded=False, done_in_time=True)),
    callbacks=Count("id", filter=Q(excluded=False, resolved__isnull=False)),
    resolved=Count("id", filter=Q(excluded=False, resolved=True)),
    satisfied=Count("id", filter=Q(excluded=False, satisfaction="satisfied")),
    basically_satisfied=Count("id", filter=Q(excluded=False, satisfaction="basically_satisfied")),
    dissatisfied=Count("id", filter=Q(excluded=False, satisfaction="dissatisfied")),
    returned=Count("id", filter=Q(excluded=False, returned=True)),
    reopened=Count("id", filter=Q(excluded=False, reopened=True)),
    excluded=Count("id", filter=Q(excluded=True)),
)


def rollup_counts(kind: str, pk: int, month: date) -> dict:
    return Task.objects.filter(unit_kind=kind, unit_id=pk, month=month).aggregate(**COUNTS)


def rollup_refresh(kind: str, pk: int, month: date) -> UnitMonthStat:
    counts = rollup_counts(kind, pk, month)
    stat = UnitMonthStat.objects.filter(month=month, unit_kind=kind, unit_id=pk).first()
    if stat is None:
        name = Task.objects.filter(unit_kind=kind, unit_id=pk).values_list("unit_name", flat=True).first() or ""
        stat, _created = UnitMonthStat.objects.get_or_create(
            month=month, unit_kind=kind, unit_id=pk,
            defaults={"unit_name": name, "district_id": _district_of(kind, pk), **counts},
        )
        if _created:
            return stat
    UnitMonthStat.objects.filter(pk=stat.pk).update(**counts)
    for k, v in counts.items():
        setattr(stat, k, v)
    return stat


def rollup_rebuild(month: date | None = None) -> int:
    """Recount every unit-month from the tasks (after a bulk load, or to check the rollups)."""
    qs = Task.objects.all()
    if month:
        qs = qs.filter(month=month)
    n = 0
    for kind, pk, m in qs.values_list("unit_kind", "unit_id", "month").distinct():
        rollup_refresh(kind, pk, m)
        n += 1
    return n
