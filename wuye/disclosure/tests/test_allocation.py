"""``wuye.disclosure.allocation`` (rules.md §2–§3): shares add up exactly to the total, each is
within one fen of the exact proportional value, and the split is reproducible."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wuye.core.errors import ServiceError
from wuye.disclosure.allocation import split_integer, split_money

FEN = Decimal("0.01")

money = st.decimals(min_value=Decimal("-10000000.00"), max_value=Decimal("10000000.00"), places=2,
                    allow_nan=False, allow_infinity=False)
area = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("500.00"), places=2, allow_nan=False,
                   allow_infinity=False)
areas = st.lists(area, min_size=1, max_size=60).filter(lambda xs: sum(xs) > 0)


def exact(total: Decimal, weights, i: int) -> Fraction:
    whole = sum((Fraction(w) for w in weights), Fraction(0))
    return Fraction(total) * Fraction(weights[i]) / whole


def check(total: Decimal, weights) -> list[Decimal]:
    parts = split_money(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts, Decimal("0")) == total
    for i, p in enumerate(parts):
        assert p == p.quantize(FEN)
        assert abs(Fraction(p) - exact(total, weights, i)) < Fraction(1, 100)
        if Fraction(weights[i]) == 0:
            assert p == 0
    assert parts == split_money(total, list(weights))  # reproducible
    return parts


def test_one_fen_over_three_units():
    parts = check(Decimal("0.01"), [Decimal("1"), Decimal("1"), Decimal("1")])
    assert parts == [Decimal("0.01"), Decimal("0.00"), Decimal("0.00")]  # ties: the earlier unit


def test_a_million_over_997_odd_areas():
    weights = [Decimal("37.13") + Decimal(i % 89) * Decimal("1.07") for i in range(997)]
    check(Decimal("1000000.07"), weights)


def test_zero_area_units_get_nothing():
    parts = check(Decimal("100.00"), [Decimal("0"), Decimal("50.5"), Decimal("0.00"), Decimal("49.5")])
    assert parts[0] == parts[2] == 0


def test_negative_totals_mirror_positive_ones():
    weights = [Decimal("3"), Decimal("7"), Decimal("11")]
    neg = check(Decimal("-100.00"), weights)
    pos = check(Decimal("100.00"), weights)
    assert neg == [-p for p in pos]


def test_scenario_7_net_over_areas():
    weights = [Decimal("89.50"), Decimal("120.30"), Decimal("66.66"), Decimal("143.21")]
    check(Decimal("127200.00"), weights)


def test_refusals():
    with pytest.raises(ServiceError, match="合计为零"):
        split_money(Decimal("10.00"), [Decimal("0"), Decimal("0")])
    with pytest.raises(ServiceError, match="合计为零"):
        split_money(Decimal("10.00"), [])
    with pytest.raises(ServiceError, match="负数"):
        split_money(Decimal("10.00"), [Decimal("-1"), Decimal("2")])
    with pytest.raises(ServiceError, match="小数位数"):
        split_money(Decimal("10.001"), [Decimal("1")])
    with pytest.raises(TypeError):
        split_integer(10, [1.5, 2.5])


@settings(max_examples=300, deadline=None)
@given(total=money, weights=areas)
def test_any_split_sums_exactly_and_stays_within_a_fen(total, weights):
    check(total, weights)


@settings(max_examples=200, deadline=None)
@given(total=st.integers(min_value=-10**9, max_value=10**9),
       weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40).filter(any))
def test_integer_split_is_floor_or_ceiling_of_the_exact_share(total, weights):
    parts = split_integer(total, weights)
    assert sum(parts) == total
    whole = sum(weights)
    for p, w in zip(parts, weights, strict=True):
        e = Fraction(total * w, whole)
        assert p in (e.__floor__(), e.__ceil__())


@settings(max_examples=100, deadline=None)
@given(total=money, weights=areas, data=st.data())
def test_more_area_never_gets_less_than_one_fen_below_less_area(total, weights, data):
    """Monotone up to the rounding fen: a larger area's share is never more than 0.01 below a
    smaller area's (for positive totals)."""
    total = abs(total)
    parts = split_money(total, weights)
    i = data.draw(st.integers(0, len(weights) - 1))
    j = data.draw(st.integers(0, len(weights) - 1))
    if weights[i] > weights[j]:
        assert parts[i] >= parts[j] - FEN


@settings(max_examples=200, deadline=None)
@given(total=st.integers(min_value=-10**9, max_value=10**9),
       weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40).filter(any))
def test_integer_weights_split_exactly_like_fractions(total, weights):
    """The integer fast path and the Fraction path agree, remainder ties included."""
    assert split_integer(total, weights) == split_integer(total, [Fraction(w) for w in weights])
    assert split_integer(total, weights) == split_integer(total, [Decimal(w) / 100 for w in weights])


def test_integer_weights_refusals():
    with pytest.raises(ServiceError, match="合计为零"):
        split_integer(5, [0, 0])
    with pytest.raises(ServiceError, match="负数"):
        split_integer(5, [-1, 3])
