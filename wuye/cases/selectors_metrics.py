"""The queries of the unit metrics (issue §14): which rollup rows a user may read, the sums,
the ranking order and the composite computed in SQL exactly as ``metrics.compute`` does, the
red and black lists, the months with data and the tasks behind a figure. The arithmetic is in
``metrics.py``; see its docstring for the rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from django.db import connection
from django.db.models import BigIntegerField, Case, Count, F, Max, Min, Q, QuerySet, Sum, When, Window
from django.db.models.functions import Cast, Collate, RowNumber

from wuye.accounts.models import Role

from .metrics import (
    COUNT_FIELDS,
    DRILLS,
    RANKED_KINDS,
    ROW_FIELDS,
    Figures,
    Ranking,
    Weights,
    add_months,
    compute,
    figures_of_counts,
    figures_of_row,
    red_count,
)
from .models import Task, UnitMonthStat
from .units import unit_key_of

# Unit kinds that have a monthly ranking, in the order of the tabs.


def figures_for(qs: QuerySet[UnitMonthStat], weights: Weights | None = None) -> list[Figures]:
    """Figures of every row of ``qs`` (one query, plain tuples: a page reads thousands)."""
    weights = weights or Weights.current()
    out = []
    for row in qs.values_list(*ROW_FIELDS[1:]):
        month, unit_kind, unit_id, unit_name, district_id = row[:5]
        out.append(figures_of_counts(dict(zip(COUNT_FIELDS, row[5:], strict=True)), weights, unit_kind, unit_id,
                            unit_name or "", month, district_id))
    return out


def summary(qs: QuerySet[UnitMonthStat], weights: Weights, *, name: str = "") -> Figures:
    """Totals over the rows of ``qs`` summed by the database (one query)."""
    sums = qs.aggregate(**{k: Sum(k) for k in COUNT_FIELDS})
    return compute(sums, weights, unit_name=name)


def summary_by(qs: QuerySet[UnitMonthStat], weights: Weights, field: str) -> dict:
    """Totals over the rows of ``qs`` for each value of ``field`` (one grouped query)."""
    rows = qs.values(field).annotate(**{k: Sum(k) for k in COUNT_FIELDS}).order_by()
    return {row[field]: compute(row, weights) for row in rows}


def monthly_series(qs: QuerySet[UnitMonthStat], weights: Weights, months: list[date],
                   fields: Iterable[str] = COUNT_FIELDS) -> list[Figures]:
    """One total per month of ``months`` (one query) of the counts ``fields`` (the others are 0);
    months without data have no rates."""
    by_month = {
        row["month"]: row
        for row in qs.filter(month__in=months).values("month").annotate(**{k: Sum(k) for k in fields}).order_by()
    }
    return [compute(by_month.get(m, {}), weights, month=m) for m in months]


# ---- ordering and ranking (in SQL) ---------------------------------------------------------
#
# A month has a rollup row for each of about 3,000 companies and 1,400 other units on a megacity.
# The ranking order, each kind's red and black lists and the table's sorted page are therefore
# taken in SQL: only the rows shown become ``Figures``. The SQL composite repeats ``_figures``'
# integer arithmetic exactly (the tests compare both on random counts), so the order is that of
# the published values.
#
# Ranking order (best first): composite (published value) desc, then more assigned, then name in
# code-point order, then unit id; units without a composite (no callback) come after all ranked
# units and have no rank.


def _int(name: str):
    return Cast(F(name), BigIntegerField())


def _half_up_tenths(num, den, when: Q):
    """``(2·num + den) ÷ (2·den)`` in integers: ``num/den`` rounded half up, as ``_pct`` does;
    NULL unless ``when``."""
    return Case(When(when, then=(2 * num + den) / (2 * den)), default=None, output_field=BigIntegerField())


def _rate_sql(num, den: str):
    return _half_up_tenths(1000 * num, _int(den), Q(**{f"{den}__gt": 0}))


def composite_sql(weights: Weights):
    """The composite in tenths of a percent (``_figures``' formula), NULL without a callback."""
    assigned, callbacks = _int("assigned"), _int("callbacks")
    good = _int("satisfied") + _int("basically_satisfied")
    num = 10 * (weights.response * _int("contacted_in_time") * callbacks
                + (weights.resolution * _int("resolved") + weights.satisfaction * good) * assigned)
    return _half_up_tenths(num, assigned * callbacks, Q(assigned__gt=0, callbacks__gt=0))


RANKED = Q(assigned__gt=0, callbacks__gt=0)  # the units that have a composite

# Table sorts: each key's SQL value (NULL shown as "—"); the composite is the ``_composite``
# annotation of ``with_composite``.
SORT_SQL: dict[str, Callable[[], object]] = {
    "assigned": lambda: F("assigned"),
    "callbacks": lambda: F("callbacks"),
    "excluded": lambda: F("excluded"),
    "signing": lambda: _rate_sql(_int("signed_in_time"), "assigned"),
    "response": lambda: _rate_sql(_int("contacted_in_time"), "assigned"),
    "completion": lambda: _rate_sql(_int("done_in_time"), "assigned"),
    "resolution": lambda: _rate_sql(_int("resolved"), "callbacks"),
    "satisfaction": lambda: _rate_sql(_int("satisfied") + _int("basically_satisfied"), "callbacks"),
    "return_rate": lambda: _rate_sql(_int("returned"), "assigned"),
    "reopen_rate": lambda: _rate_sql(_int("reopened"), "assigned"),
    "composite": lambda: F("_composite"),
}
SORT_KEYS = frozenset({"name", *SORT_SQL})


def code_point_order(name: str):
    """A text compared by its characters' code points, as Python compares ``str``: bytewise
    (``C``) on PostgreSQL — UTF-8's byte order is code-point order — and ``BINARY`` on SQLite."""
    return Collate(F(name), "C" if connection.vendor == "postgresql" else "BINARY")


def rank_order() -> list:
    return [F("_composite").desc(nulls_last=True), F("assigned").desc(), code_point_order("unit_name").asc(),
            F("unit_id").asc()]


def with_composite(qs: QuerySet[UnitMonthStat], weights: Weights) -> QuerySet[UnitMonthStat]:
    return qs.annotate(_composite=composite_sql(weights))


def table(qs: QuerySet[UnitMonthStat], weights: Weights, key: str, descending: bool):
    """The rows of ``qs`` (one kind, one month) sorted by a column, for a paginator: units
    without a value ("—") come last both ways, ties in ranking order. Each row is a tuple of
    ``ROW_FIELDS[1:]`` and its rank; ``figures_of_page`` turns a page of them into ``Figures``."""
    qs = with_composite(qs, weights)
    if key == "name":
        value = code_point_order("unit_name")
        first = value.desc() if descending else value.asc()
    else:
        qs = qs.alias(_sort=SORT_SQL[key]())
        first = F("_sort").desc(nulls_last=True) if descending else F("_sort").asc(nulls_last=True)
    return (
        qs.annotate(_rank=Window(RowNumber(), order_by=rank_order()))
        .order_by(first, *rank_order())
        .values_list(*ROW_FIELDS[1:], "_rank")
    )


def top(qs: QuerySet[UnitMonthStat], weights: Weights, n: int) -> list[Figures]:
    """The best ``n`` ranked units of ``qs`` (one kind, one month), best first."""
    rows = with_composite(qs.filter(RANKED), weights).order_by(*rank_order()).values_list(*ROW_FIELDS[1:])[:n]
    return [figures_of_row(row, weights, i) for i, row in enumerate(rows, start=1)]


def position(qs: QuerySet[UnitMonthStat], weights: Weights, own: Figures) -> tuple[int, int] | None:
    """Where ``own`` stands among the ranked units of ``qs``: (rank, number ranked); None when it
    is not ranked. One query: the units before it in ranking order are counted."""
    if own.composite is None:
        return None
    c = int(own.composite * 10)
    a, name, uid = own.counts["assigned"], own.unit_name, own.unit_id or 0
    before = (Q(_c__gt=c) | Q(_c=c, assigned__gt=a) | Q(_c=c, assigned=a, _name__lt=name)
              | Q(_c=c, assigned=a, _name=name, unit_id__lt=uid))
    counts = (
        qs.filter(RANKED).alias(_c=composite_sql(weights), _name=code_point_order("unit_name"))
        .aggregate(n=Count("id"), before=Count("id", filter=before))
    )
    return counts["before"] + 1, counts["n"]


def rankings(qs: QuerySet[UnitMonthStat], weights: Weights, size: int,
             kinds: Iterable[str] = RANKED_KINDS) -> list[Ranking]:
    """The red list (best ``size``) and black list (worst ``size``, worst first) of each kind
    among the rows of ``qs`` (one month). Two queries: the counts per kind, and each kind's two
    ends of its ranking order (a window numbers the units of each kind)."""
    kinds = list(kinds)
    qs = qs.filter(unit_kind__in=kinds)
    counts = {
        kind: (n, ranked)
        for kind, n, ranked in qs.values_list("unit_kind").annotate(n=Count("id"), ranked=Count("id", filter=RANKED))
        .order_by()
    }
    ends = (
        with_composite(qs.filter(RANKED), weights)
        .annotate(_rank=Window(RowNumber(), partition_by=[F("unit_kind")], order_by=rank_order()),
                  _n=Window(Count("*"), partition_by=[F("unit_kind")]))
        .filter(Q(_rank__lte=size) | Q(_rank__gt=F("_n") - size))
        .order_by()  # the few rows are put in order below
        .values_list(*ROW_FIELDS[1:], "_rank")
    ) if size else []
    by_kind: dict[str, list[Figures]] = {k: [] for k in kinds}
    for row in ends:
        by_kind[row[1]].append(figures_of_row(row, weights, row[-1]))
    out = []
    for kind in kinds:
        n, ranked = counts.get(kind, (0, 0))
        rows = sorted(by_kind[kind], key=lambda f: f.rank)
        n_red = red_count(ranked, size)
        out.append(Ranking(
            kind=kind, count=ranked, unranked=n - ranked,
            red=[f for f in rows if f.rank <= n_red],
            black=[f for f in reversed(rows) if f.rank > n_red and f.rank > ranked - size],
        ))
    return out


# ---- scope ---------------------------------------------------------------------------------

UNIT_ROLES = {Role.STREET, Role.COMMUNITY, Role.DEPARTMENT, Role.COMPANY_MANAGER, Role.COMPANY_STAFF}


def unit_stats_visible_to(user) -> QuerySet[UnitMonthStat]:
    """The rollup rows the user may read (see the module docstring)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return UnitMonthStat.objects.none()
    role = user.role
    if role == Role.CITY:
        return UnitMonthStat.objects.all()
    if role == Role.DISTRICT and user.district_id:
        return UnitMonthStat.objects.filter(district_id=user.district_id)
    if role in UNIT_ROLES:
        key = unit_key_of(user)
        if key is not None:
            return UnitMonthStat.objects.filter(unit_kind=key[0], unit_id=key[1])
    return UnitMonthStat.objects.none()


def can_see_metrics(user) -> bool:
    role = getattr(user, "role", None)
    if role == Role.CITY:
        return True
    if role == Role.DISTRICT:
        return bool(user.district_id)
    return role in UNIT_ROLES and unit_key_of(user) is not None


def can_see_rankings(user) -> bool:
    role = getattr(user, "role", None)
    return role == Role.CITY or (role == Role.DISTRICT and bool(getattr(user, "district_id", None)))


def months_with_data(qs: QuerySet[UnitMonthStat], limit: int = 36) -> list[date]:
    """The months from the first to the last that have rollup rows, newest first, at most
    ``limit`` of them (one query: the first and last month come from the month index; a
    DISTINCT over the whole table would read every row)."""
    bounds = qs.aggregate(first=Min("month"), last=Max("month"))
    first, last = bounds["first"], bounds["last"]
    if first is None:
        return []
    months = []
    m = last
    while m >= first and len(months) < limit:
        months.append(m)
        m = add_months(m, -1)
    return months


def drill_tasks(stat: UnitMonthStat, metric: str):
    """The tasks behind one figure of one unit-month."""
    return Task.objects.filter(unit_kind=stat.unit_kind, unit_id=stat.unit_id, month=stat.month).filter(
        DRILLS[metric].q
    )


def city_position(month, kind: str, weights: Weights, own: Figures) -> tuple[int, int] | None:
    """Where a unit stands among all units of its kind in the city that month (its place only)."""
    return position(UnitMonthStat.objects.filter(month=month, unit_kind=kind), weights, own)


def chooses_district(user) -> bool:
    """The city bureau may narrow the figures to one district."""
    return getattr(user, "role", None) == Role.CITY


def metrics_scope(user) -> str:
    """"city", "district" or "unit": whose figures the user reads."""
    role = getattr(user, "role", None)
    return "city" if role == Role.CITY else "district" if role == Role.DISTRICT else "unit"
