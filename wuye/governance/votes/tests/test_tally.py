"""Counting (民法典 第278条, rules.md §1): every threshold boundary in area and in heads separately,
abstentions, ratios as "p/q", and a property test against an integer brute-force reference."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import gcd

from hypothesis import given, settings
from hypothesis import strategies as st

from wuye.governance.models import MAJOR_MATTERS, Matter, Motion
from wuye.governance.votes.tally import API_KEYS, Counts, decide, ratio_str, rule_for

D = Decimal
ORD, MAJ = Motion.Rule.ORDINARY, Motion.Rule.MAJOR


def run(rule=ORD, *, total_area="300.00", total_heads=300, p_area, p_heads, y_area, y_heads, a_heads=0):
    return decide(rule=rule, total_area=D(total_area), total_heads=total_heads,
                  counts=Counts(participating_area=D(p_area), participating_heads=p_heads, yes_area=D(y_area),
                                yes_heads=y_heads, abstain_heads=a_heads))


# ---- quorum: ≥ 2/3 of the area AND ≥ 2/3 of the heads -----------------------------------------

def test_quorum_exactly_two_thirds_of_area_passes():
    r = run(p_area="200.00", p_heads=250, y_area="200.00", y_heads=250)
    assert r["participation_area_ratio"] == "2/3" and r["quorum_met"] and r["passed"]


def test_quorum_just_below_two_thirds_of_area_fails():
    r = run(p_area="199.99", p_heads=250, y_area="199.99", y_heads=250)
    assert not r["quorum_met"] and not r["passed"]
    assert "未达到" in r["explanation"] and "表决未通过" in r["explanation"]


def test_quorum_exactly_two_thirds_of_heads_passes():
    r = run(p_area="250.00", p_heads=200, y_area="250.00", y_heads=200)
    assert r["participation_head_ratio"] == "2/3" and r["quorum_met"] and r["passed"]


def test_quorum_just_below_two_thirds_of_heads_fails():
    r = run(p_area="250.00", p_heads=199, y_area="250.00", y_heads=199)
    assert r["participation_head_ratio"] == "199/300" and not r["quorum_met"] and not r["passed"]


# ---- ordinary: more than half (strictly) of participating area AND heads -----------------------

def test_ordinary_exactly_half_of_area_fails():
    r = run(p_area="240.00", p_heads=240, y_area="120.00", y_heads=200)
    assert r["approval_area_ratio"] == "1/2" and r["quorum_met"] and not r["passed"]
    assert "未超过半数" in r["explanation"]


def test_ordinary_just_above_half_of_area_passes():
    r = run(p_area="240.00", p_heads=240, y_area="120.01", y_heads=200)
    assert r["approval_area_ratio"] == "12001/24000" and r["passed"]


def test_ordinary_exactly_half_of_heads_fails():
    r = run(p_area="240.00", p_heads=240, y_area="200.00", y_heads=120)
    assert r["approval_head_ratio"] == "1/2" and not r["passed"]


def test_ordinary_just_above_half_of_heads_passes():
    r = run(p_area="240.00", p_heads=241, y_area="200.00", y_heads=121)
    assert r["approval_head_ratio"] == "121/241" and r["passed"]


# ---- major: at least three quarters of participating area AND heads ----------------------------

def test_major_exactly_three_quarters_of_area_passes():
    r = run(MAJ, p_area="240.00", p_heads=240, y_area="180.00", y_heads=200)
    assert r["approval_area_ratio"] == "3/4" and r["passed"]


def test_major_just_below_three_quarters_of_area_fails():
    r = run(MAJ, p_area="240.00", p_heads=240, y_area="179.99", y_heads=200)
    assert not r["passed"] and "未达到四分之三" in r["explanation"]


def test_major_exactly_three_quarters_of_heads_passes():
    r = run(MAJ, p_area="240.00", p_heads=240, y_area="200.00", y_heads=180)
    assert r["approval_head_ratio"] == "3/4" and r["passed"]


def test_major_just_below_three_quarters_of_heads_fails():
    r = run(MAJ, p_area="240.00", p_heads=240, y_area="200.00", y_heads=179)
    assert not r["passed"]


def test_ordinary_share_that_would_fail_a_major_matter():
    assert run(ORD, p_area="240.00", p_heads=240, y_area="150.00", y_heads=150)["passed"]
    assert not run(MAJ, p_area="240.00", p_heads=240, y_area="150.00", y_heads=150)["passed"]


def test_abstentions_count_in_participation_not_in_yes():
    # 200 of 300 heads take part (quorum exactly), 100 abstain, 99 yes: 99/200 ≤ 1/2 → fails
    r = run(p_area="200.00", p_heads=200, y_area="101.00", y_heads=99, a_heads=100)
    assert r["quorum_met"] and r["approval_head_ratio"] == "99/200" and not r["passed"]
    assert "弃权 100 人计入参与表决" in r["explanation"]


def test_nothing_cast_and_empty_roll_give_zero_over_one():
    r = run(p_area="0", p_heads=0, y_area="0", y_heads=0)
    assert r["approval_area_ratio"] == "0/1" and r["approval_head_ratio"] == "0/1" and not r["passed"]
    r = run(total_area="0", total_heads=0, p_area="0", p_heads=0, y_area="0", y_heads=0)
    assert r["participation_area_ratio"] == "0/1" and not r["quorum_met"]


def test_scenario_nine_explanation():
    """翠湖花园: 612 of 860 heads, 71 % of the area; 58 % of the area and 55 % of the heads say yes."""
    r = run(total_area="86000.00", total_heads=860, p_area="61060.00", p_heads=612, y_area="35414.80", y_heads=337)
    assert r["passed"] and r["quorum_met"]
    assert r["participation_area_ratio"] == "71/100" and r["participation_head_ratio"] == "153/215"
    text = r["explanation"]
    assert text.startswith("依据《中华人民共和国民法典》第二百七十八条")
    assert "参与表决的专有部分面积占比 71.0%（≥ 2/3，达到）" in text
    assert "同意面积占参与面积 58.0%，超过半数（> 1/2）" in text and "同意人数 337 人，占参与人数 55.1%" in text
    assert text.endswith("表决通过。")
    assert list(r)[: len(API_KEYS)] == list(API_KEYS)
    assert r["total_area"] == "86000.00" and r["yes_area"] == "35414.80"


def test_rule_follows_the_matter():
    assert {m for m in Matter.values if rule_for(m) == MAJ} == {str(m) for m in MAJOR_MATTERS} == {
        "raise_maintenance_fund", "rebuild", "change_common_use"}


# ---- property: against integer cross-multiplication ---------------------------------------------

@st.composite
def counts(draw):
    total_heads = draw(st.integers(0, 40))
    total_cents = draw(st.integers(0, 50_000))
    p_heads = draw(st.integers(0, total_heads))
    p_cents = draw(st.integers(0, total_cents))
    y_heads = draw(st.integers(0, p_heads))
    y_cents = draw(st.integers(0, p_cents))
    return total_heads, total_cents, p_heads, p_cents, y_heads, y_cents


@settings(max_examples=400, deadline=None)
@given(counts(), st.sampled_from([ORD, MAJ]))
def test_decide_matches_integer_reference(c, rule):
    th, tc, ph, pc, yh, yc = c
    cents = lambda n: D(n) / 100  # noqa: E731
    r = decide(rule=rule, total_area=cents(tc), total_heads=th,
               counts=Counts(participating_area=cents(pc), participating_heads=ph, yes_area=cents(yc), yes_heads=yh))
    quorum = tc > 0 and th > 0 and 3 * pc >= 2 * tc and 3 * ph >= 2 * th
    if rule == MAJ:
        approve = pc > 0 and ph > 0 and 4 * yc >= 3 * pc and 4 * yh >= 3 * ph
    else:
        approve = pc > 0 and ph > 0 and 2 * yc > pc and 2 * yh > ph
    assert r["quorum_met"] == quorum
    assert r["passed"] == (quorum and approve)
    for key in ("participation_area_ratio", "participation_head_ratio", "approval_area_ratio", "approval_head_ratio"):
        p, q = (int(x) for x in r[key].split("/"))
        assert q > 0 and gcd(p, q) == 1
    p, q = (int(x) for x in r["participation_head_ratio"].split("/"))
    assert (p * th == q * ph) if th else (p, q) == (0, 1)
    assert ("表决通过。" in r["explanation"]) == r["passed"]


def test_ratio_str():
    assert ratio_str(Fraction(4, 6)) == "2/3" and ratio_str(Fraction(0)) == "0/1"
