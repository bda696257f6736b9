"""Unit metrics computed from the rollups (issue §14, rules.md §7): exact rates, the composite,
rankings with their tie rules, scope, and drill-downs that list exactly the rollup's figure."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wuye.cases import metrics as M
from wuye.cases import selectors_metrics as MS
from wuye.cases.models import CaseSettings, UnitKind, UnitMonthStat
from wuye.cases.rollups import rollup_counts

from .metrics_support import MARCH, clock_fixture, company_month, handle, local, stat_of  # noqa: F401

W = M.Weights()


def figures(name="单位", kind="company", pk=1, **counts):
    return M.compute(counts, W, unit_kind=kind, unit_id=pk, unit_name=name)


# ---- exact arithmetic ---------------------------------------------------------------------


@pytest.mark.parametrize("num, den, expected", [
    (1, 3, "33.3"), (2, 3, "66.7"), (1, 8, "12.5"), (1, 16, "6.3"), (3, 16, "18.8"), (0, 5, "0.0"), (5, 5, "100.0"),
    (1, 2000, "0.1"), (1, 2001, "0.0"),
])
def test_rates_round_half_up_to_one_decimal_exactly(num, den, expected):
    value = M.percent(M.ratio(num, den))
    assert value == Decimal(expected) and isinstance(value, Decimal)
    assert str(value) == expected  # always one decimal place, never a float


def test_a_rate_with_nothing_to_divide_by_is_none():
    f = figures(assigned=0)
    assert [f.signing, f.response, f.completion, f.resolution, f.satisfaction, f.return_rate, f.reopen_rate,
            f.composite] == [None] * 8


def test_every_rate_from_its_counts_and_the_default_weights():
    f = figures(assigned=6, signed_in_time=3, contacted_in_time=3, done_in_time=3, callbacks=3, resolved=2,
                satisfied=1, basically_satisfied=1, dissatisfied=1, returned=1, reopened=1)
    assert (f.signing, f.response, f.completion) == (Decimal("50.0"),) * 3
    assert (f.resolution, f.satisfaction) == (Decimal("66.7"), Decimal("66.7"))
    assert (f.return_rate, f.reopen_rate) == (Decimal("16.7"), Decimal("16.7"))
    # 30·1/2 + 35·2/3 + 35·2/3 = 61.666… → 61.7 (from the exact ratios, rounded once)
    assert f.composite == Decimal("61.7")


def test_composite_is_rounded_once_from_exact_ratios_not_from_rounded_rates():
    # response 1/3, resolution 1/3, satisfaction 1/3: exact composite 33.333… → 33.3
    f = figures(assigned=3, contacted_in_time=1, callbacks=3, resolved=1, satisfied=1)
    assert f.composite == Decimal("33.3")
    # 30·(1/8) + 35·(1/16) + 35·(3/16) = 3.75 + 2.1875 + 6.5625 = 12.5 exactly; the rounded rates
    # (12.5, 6.3, 18.8) would give 12.6.
    f = figures(assigned=8, contacted_in_time=1, callbacks=16, resolved=1, satisfied=3)
    assert f.composite == Decimal("12.5")


def test_no_callback_means_no_composite_and_no_rank():
    f = figures(assigned=10, contacted_in_time=10, signed_in_time=10)
    assert f.response == Decimal("100.0") and f.composite is None and not f.ranked


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500), st.integers(0, 500),
       st.sampled_from([(30, 35, 35), (100, 0, 0), (0, 50, 50), (34, 33, 33)]))
def test_property_rates_between_0_and_100_and_composite_within_its_parts(assigned, contacted, callbacks, good, w):
    contacted = min(contacted, assigned)
    good = min(good, callbacks)
    f = M.compute({"assigned": assigned, "contacted_in_time": contacted, "callbacks": callbacks, "resolved": good,
                   "satisfied": good}, M.Weights(*w))
    for rate in (f.response, f.resolution, f.satisfaction):
        assert rate is None or Decimal(0) <= rate <= Decimal(100)
    if f.composite is not None:
        parts = [f.response, f.resolution, f.satisfaction]
        assert min(parts) - Decimal("0.1") <= f.composite <= max(parts) + Decimal("0.1")
        exact = (w[0] * Fraction(contacted, assigned) + (w[1] + w[2]) * Fraction(good, callbacks))
        assert abs(Fraction(f.composite) - exact) <= Fraction(1, 20)


def test_weights_come_from_case_settings(db):
    CaseSettings.objects.update_or_create(pk=1, defaults={"weight_response": 100, "weight_resolution": 0,
                                                          "weight_satisfaction": 0})
    f = M.compute({"assigned": 4, "contacted_in_time": 1, "callbacks": 1, "resolved": 1, "satisfied": 1},
                  M.Weights.current())
    assert f.composite == Decimal("25.0")


# ---- ranking ------------------------------------------------------------------------------


def scored(name, composite_num, assigned=10, pk=None):
    """A unit whose composite is exactly ``composite_num``% (all three rates equal)."""
    return figures(name, pk=pk or abs(hash(name)) % 10_000, assigned=assigned * 100,
                   contacted_in_time=composite_num * assigned, callbacks=100, resolved=composite_num,
                   satisfied=composite_num)


def stored(*rows, month=MARCH):
    """The rollup rows of ``rows`` (``Figures``) in one month, as a queryset."""
    UnitMonthStat.objects.bulk_create([
        UnitMonthStat(month=month, unit_kind=f.unit_kind, unit_id=f.unit_id, unit_name=f.unit_name, **f.counts)
        for f in rows
    ])
    return UnitMonthStat.objects.filter(month=month)


def table_names(qs, key="composite", descending=True):
    return [f.unit_name for f in M.figures_of_page(MS.table(qs, W, key, descending), W)]


def test_ranking_order_ties_go_to_more_assigned_then_name(db):
    qs = stored(scored("乙物业", 80, assigned=5, pk=1), scored("甲物业", 80, assigned=5, pk=2),
                scored("丙物业", 80, assigned=9, pk=3), scored("丁物业", 90, pk=4), scored("戊物业", 10, pk=5))
    rows = M.figures_of_page(MS.table(qs, W, "composite", True), W)
    assert [f.unit_name for f in rows] == ["丁物业", "丙物业", "乙物业", "甲物业", "戊物业"]
    assert [f.rank for f in rows] == [1, 2, 3, 4, 5]
    # "乙" (U+4E59) sorts before "甲" (U+7532): ties on composite and assigned go by name.


def test_red_and_black_lists_take_ranking_size_and_never_overlap(db):
    qs = stored(*[scored(f"企业{i:02d}", i, pk=i) for i in range(1, 21)], figures("无回访企业", pk=999, assigned=3))
    [r] = MS.rankings(qs, W, 5, kinds=[UnitKind.COMPANY])
    assert [f.unit_name for f in r.red] == ["企业20", "企业19", "企业18", "企业17", "企业16"]
    assert [f.unit_name for f in r.black] == ["企业01", "企业02", "企业03", "企业04", "企业05"]  # worst first
    assert [f.rank for f in r.black] == [20, 19, 18, 17, 16]
    assert r.unranked == 1 and r.count == 20

    UnitMonthStat.objects.all().delete()
    [few] = MS.rankings(stored(*[scored(f"企业{i}", i * 10, pk=i) for i in range(1, 4)]), W, 5, kinds=["company"])
    assert [f.unit_name for f in few.red] == ["企业3", "企业2"]
    assert [f.unit_name for f in few.black] == ["企业1"]
    UnitMonthStat.objects.all().delete()
    [one] = MS.rankings(stored(scored("唯一企业", 50, pk=1)), W, 5, kinds=["company"])
    assert [f.unit_name for f in one.red] == ["唯一企业"] and one.black == []


def test_rankings_are_per_kind(db):
    qs = stored(scored("企业", 50, pk=1), figures("社区", kind="community", pk=2, assigned=1, contacted_in_time=1,
                                                   callbacks=1, resolved=1, satisfied=1))
    by_kind = {r.kind: r for r in MS.rankings(qs, W, 5)}
    assert [f.unit_name for f in by_kind["company"].red] == ["企业"]
    assert [f.unit_name for f in by_kind["community"].red] == ["社区"]
    assert by_kind["street"].count == 0 and by_kind["department"].red == by_kind["department"].black == []


def test_sorting_puts_units_without_a_value_last_both_ways(db):
    qs = stored(scored("高", 90, pk=1), figures("无", pk=5, assigned=1), scored("低", 10, pk=2))
    assert table_names(qs, "composite", True) == ["高", "低", "无"]
    assert table_names(qs, "composite", False) == ["低", "高", "无"]
    assert table_names(qs, "assigned", True)[0] == "高"
    assert table_names(qs, "resolution", False) == ["低", "高", "无"]  # "无" has no callback: no resolution rate


# The ranking rules in plain Python: the oracle the SQL is checked against.


def rank_key(f):
    return (-(f.composite if f.composite is not None else Decimal(-1)), -f.counts["assigned"], f.unit_name, f.unit_id)


def oracle_sorted(rows, key, descending):
    getter = (lambda f: f.unit_name) if key == "name" else (
        (lambda f: f.counts[key]) if key in M.COUNT_FIELDS else (lambda f: getattr(f, key)))
    base = sorted(rows, key=rank_key)
    present = [f for f in base if getter(f) is not None]
    present.sort(key=getter, reverse=descending)
    return present + [f for f in base if getter(f) is None]


def oracle_ranking(rows, size):
    ranked = sorted((f for f in rows if f.ranked), key=rank_key)
    n = len(ranked)
    n_red = min(size, (n + 1) // 2) if n < 2 * size else size  # the upper half at most: never on both lists
    return ranked, ranked[:n_red], list(reversed(ranked[n_red:][-size:])) if size else []


count = st.integers(0, 12) | st.integers(0, 2_000_000)
unit_rows = st.lists(
    st.tuples(st.sampled_from(["company", "street"]), st.sampled_from(["甲", "乙", "b", "B", "丙物业", "Ａ"]),
              count, count, count, count, count, count),
    max_size=14,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(unit_rows, st.integers(0, 4),
       st.sampled_from([(30, 35, 35), (100, 0, 0), (0, 50, 50), (34, 33, 33)]),
       st.sampled_from(sorted(MS.SORT_KEYS)), st.booleans())
def test_property_sql_order_composite_and_lists_match_the_rules(db, rows, size, w, key, descending):
    """On random rollup rows (huge counts, ties of composite, assigned and name included), the
    SQL gives the composite of ``_figures``, the table order and ranks of the rules above, each
    kind's red and black lists, and each unit's position."""
    UnitMonthStat.objects.all().delete()
    weights = M.Weights(*w)
    figs = []
    for pk, (kind, name, assigned, signed, contacted, callbacks, resolved, good) in enumerate(rows, start=1):
        callbacks = min(callbacks, assigned)
        figs.append(M.compute({
            "assigned": assigned, "signed_in_time": min(signed, assigned), "contacted_in_time": min(contacted, assigned),
            "callbacks": callbacks, "resolved": min(resolved, callbacks), "satisfied": min(good, callbacks) // 2,
            "basically_satisfied": min(good, callbacks) - min(good, callbacks) // 2,
        }, weights, unit_kind=kind, unit_id=pk, unit_name=name))
    qs = stored(*figs)
    python = {f.unit_id: f.composite for f in figs}
    sql = dict(MS.with_composite(qs, weights).values_list("unit_id", "_composite"))
    assert {pk: None if c is None else Decimal(c).scaleb(-1) for pk, c in sql.items()} == python

    for kind in ("company", "street"):
        mine = [f for f in figs if f.unit_kind == kind]
        of_kind = qs.filter(unit_kind=kind)
        got = M.figures_of_page(MS.table(of_kind, weights, key, descending), weights)
        assert [f.unit_id for f in got] == [f.unit_id for f in oracle_sorted(mine, key, descending)]
        ranked, red, black = oracle_ranking(mine, size)
        assert {f.unit_id: f.rank for f in got if f.rank} == {f.unit_id: i for i, f in enumerate(ranked, start=1)}
        [r] = MS.rankings(qs, weights, size, kinds=[kind])
        assert (r.count, r.unranked) == (len(ranked), len(mine) - len(ranked))
        assert [f.unit_id for f in r.red] == [f.unit_id for f in red]
        assert [f.unit_id for f in r.black] == [f.unit_id for f in black]
        assert [f.unit_id for f in MS.top(of_kind, weights, 3)] == [f.unit_id for f in ranked[:3]]
        for f in mine:
            expected = (ranked.index(f) + 1, len(ranked)) if f.ranked else None
            assert MS.position(of_kind, weights, f) == expected


# ---- months -----------------------------------------------------------------------------


def test_months():
    assert M.parse_month("2026-03") == date(2026, 3, 1)
    for bad in ("2026-3", "2026-13", "x", "", None, "2026-03-01"):
        assert M.parse_month(bad) is None
    assert M.add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert M.add_months(date(2026, 11, 1), 14) == date(2028, 1, 1)
    today = date(2026, 4, 15)
    assert M.default_month([date(2026, 4, 1), date(2026, 3, 1)], today) == date(2026, 3, 1)
    assert M.default_month([date(2026, 4, 1)], today) == date(2026, 4, 1)  # only the running month has data
    assert M.default_month([date(2026, 4, 1), date(2026, 1, 1)], today) == date(2026, 1, 1)
    assert M.default_month([], today) == date(2026, 3, 1)


# ---- from the workflow to the figures ------------------------------------------------------


def test_a_month_of_company_complaints_gives_the_expected_figures(cworld, clock):
    company_month(cworld, clock)
    stat = stat_of(cworld)
    f = M.figures_of(stat, M.Weights.current())
    assert f.counts == {
        "assigned": 6, "signed_in_time": 3, "contacted_in_time": 3, "done": 3, "done_in_time": 3, "callbacks": 3,
        "resolved": 2, "satisfied": 1, "basically_satisfied": 1, "dissatisfied": 1, "returned": 1, "reopened": 1,
        "excluded": 1,
    }
    assert f.composite == Decimal("61.7") and f.signing == Decimal("50.0")
    assert stat.district_id == cworld.d1.pk


def test_every_drill_down_lists_exactly_the_rollup_figure(cworld, clock):
    company_month(cworld, clock)
    stat = stat_of(cworld)
    assert rollup_counts("company", cworld.company_a.pk, MARCH) == {k: getattr(stat, k) for k in M.COUNT_FIELDS}
    nonzero = 0
    for metric in M.DRILLS:
        n = MS.drill_tasks(stat, metric).count()
        assert n == M.drill_figure(stat, metric), metric
        nonzero += bool(n)
    assert nonzero >= 14  # the month exercises (almost) every figure
    # complements: late + in time = all
    assert M.drill_figure(stat, "signed_late") + M.drill_figure(stat, "signed_in_time") == stat.assigned
    late = MS.drill_tasks(stat, "signed_late")
    assert late.filter(signed_in_time=False).count() == 1  # signed after the limit
    assert late.filter(signed_in_time__isnull=True).count() == 2  # not signed at all counts against the rate too


def test_column_drills_count_what_the_rate_misses(cworld, clock):
    company_month(cworld, clock)
    f = M.figures_of(stat_of(cworld), W)
    cells = {c.key: c for c in f.cells}
    assert (cells["signing"].drill, cells["signing"].n) == ("signed_late", 3)
    assert (cells["satisfaction"].drill, cells["satisfaction"].n) == ("dissatisfied", 1)
    assert (cells["resolution"].drill, cells["resolution"].n) == ("unresolved", 1)
    assert cells["assigned"].value == 6 and cells["excluded"].value == 1


def test_the_month_of_a_task_is_the_month_of_dispatch(cworld, clock):
    clock.at(local(2026, 3, 31, 23, 30))
    handle(cworld, clock, sign_after=1, contact_after=None)  # signed at 00:30 on 1 April
    assert stat_of(cworld).assigned == 1 and stat_of(cworld).signed_in_time == 1
    assert not UnitMonthStat.objects.filter(month=date(2026, 4, 1)).exists()


# ---- scope -------------------------------------------------------------------------------


def test_scope_of_the_rollup_rows(cworld, clock):
    company_month(cworld, clock)
    clock.at(local(2026, 3, 11, 9, 0))
    handle(cworld, clock, estate=cworld.estate_b, callback=(True, "satisfied"))
    u = cworld.users
    units = lambda who: set(MS.unit_stats_visible_to(u[who]).values_list("unit_kind", "unit_id"))  # noqa: E731
    a, b = ("company", cworld.company_a.pk), ("company", cworld.company_b.pk)
    assert units("city") == {a, b}
    assert units("district") == {a} and units("district2") == {b}
    assert units("manager_a") == units("staff_a") == {a}
    assert units("manager_b") == {b}
    for who in ("street", "community", "department", "resident", "committee", "sysadmin", "auditor", "outsider"):
        assert units(who) == set(), who
    assert MS.can_see_rankings(u["city"]) and MS.can_see_rankings(u["district"])
    assert not MS.can_see_rankings(u["manager_a"]) and not MS.can_see_rankings(u["street"])
    assert MS.can_see_metrics(u["street"]) and MS.can_see_metrics(u["manager_a"])
    assert not MS.can_see_metrics(u["resident"]) and not MS.can_see_metrics(u["sysadmin"])


def test_months_offered_run_from_the_first_to_the_last_with_data(cworld, clock):
    clock.at(local(2026, 1, 5, 9, 0))
    handle(cworld, clock, sign_after=None)
    clock.at(local(2026, 3, 2, 9, 0))
    handle(cworld, clock, sign_after=None)
    assert MS.months_with_data(UnitMonthStat.objects.all()) == [date(2026, 3, 1), date(2026, 2, 1), date(2026, 1, 1)]
    assert MS.months_with_data(UnitMonthStat.objects.all(), limit=2) == [date(2026, 3, 1), date(2026, 2, 1)]
    assert MS.months_with_data(UnitMonthStat.objects.none()) == []


def test_the_fast_path_gives_the_same_figures(cworld, clock):
    company_month(cworld, clock)
    stat = stat_of(cworld)
    [fast] = MS.figures_for(UnitMonthStat.objects.filter(pk=stat.pk), W)
    slow = M.figures_of(stat, W)
    names = ["signing", "response", "completion", "resolution", "satisfaction", "return_rate", "reopen_rate",
             "composite"]
    assert [getattr(fast, n) for n in names] == [getattr(slow, n) for n in names]
    assert [M.percent(M.ratio(n, 7)) for n in range(8)] == [M._pct(n, 7) for n in range(8)]
