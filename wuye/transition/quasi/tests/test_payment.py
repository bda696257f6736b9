"""The published payment formula at its edges (issue 17 §9)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wuye.transition.quasi.payment import payment_for

D = Decimal


def pay(amount="100000.00", passed=0, checked=0, full="90", floor="60"):
    return payment_for(amount=D(amount), passed=passed, checked=checked, full_pay_rate=D(full), floor_rate=D(floor))


def test_no_check_recorded_pays_in_full_and_says_so():
    p = pay(checked=0)
    assert (p.payable, p.share, p.pass_rate, p.rule) == (D("100000.00"), D("100.00"), None, "unchecked")


def test_pass_rate_exactly_at_the_full_pay_rate_pays_in_full():
    p = pay(passed=90, checked=100)
    assert (p.payable, p.rule, p.pass_rate) == (D("100000.00"), "full", D("90.00"))


def test_just_below_the_full_pay_rate_pays_the_pass_rate():
    p = pay(passed=89, checked=100)
    assert (p.payable, p.share, p.rule, p.deduction) == (D("89000.00"), D("89.00"), "rate", D("11000.00"))


def test_pass_rate_exactly_at_the_floor_pays_the_floor():
    p = pay(passed=60, checked=100)
    assert (p.payable, p.rule) == (D("60000.00"), "rate")


def test_below_the_floor_pays_the_floor():
    p = pay(passed=59, checked=100)
    assert (p.payable, p.share, p.rule) == (D("60000.00"), D("60.00"), "floor")
    assert pay(passed=0, checked=36).payable == D("60000.00")


def test_exact_fraction_rounded_half_up_to_the_fen():
    # 2 of 3 passed with no floor and no full-pay threshold: 100.01 × 2/3 = 66.67333… → 66.67
    assert pay("100.01", 2, 3, full="100", floor="0").payable == D("66.67")
    # 0.01 × 1/2 = 0.005 → 0.01 (half up, never banker's rounding to 0.00)
    assert pay("0.01", 1, 2, full="100", floor="0").payable == D("0.01")
    # 1 of 3 = 33.333…% shown as 33.33
    assert pay("300.00", 1, 3, full="100", floor="0").pass_rate == D("33.33")


def test_a_year_of_three_duties_with_four_failures():
    # 12 months × 3 duties × 2 compounds = 72 checks, 4 failed → 68/72 = 94.44 % ≥ 90 %: paid in full
    assert pay("360000.00", 68, 72).payable == D("360000.00")
    # 10 failed → 62/72 = 86.11 %: 360000 × 62/72 = 310000.00
    assert pay("360000.00", 62, 72).payable == D("310000.00")


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError):
        pay(passed=3, checked=2)
    with pytest.raises(ValueError):
        pay(passed=-1, checked=2)


@settings(deadline=None)
@given(checked=st.integers(1, 500), data=st.data(), amount=st.decimals("0.01", "9999999.99", places=2))
def test_payable_is_between_the_floor_and_the_amount_and_never_falls_as_checks_pass(checked, data, amount):
    passed = data.draw(st.integers(0, checked))
    p = pay(str(amount), passed, checked)
    assert pay(str(amount), 0, checked).payable <= p.payable <= D(amount)
    if passed < checked:
        assert p.payable <= pay(str(amount), passed + 1, checked).payable
    assert p.payable + p.deduction == D(amount)
