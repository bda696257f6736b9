"""Scores, grades and lists (issue 4 §9, §14): the formula, exact boundaries, expiry, veto."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from wuye.credit.auto import credit_event_auto
from wuye.credit.benchmarks import benchmark_designate
from wuye.credit.lists import black_listed_company_ids, company_grade, red_listed_company_ids
from wuye.credit.models import CompanyCredit, CreditEvent, CreditRule, CreditSettings, ExitCase
from wuye.credit.scoring import credit_recompute, credit_recompute_all, lists_for, score_from_events
from wuye.credit.services import credit_event_act, credit_refresh
from wuye.credit.sweep import credit_nightly_recompute
from wuye.notifications.models import Notification
from wuye.registry import services as rs

from .conftest import confirmed

D = Decimal
cents = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)
rows = st.lists(st.tuples(st.sampled_from(["basic", "good", "bad", "veto"]), cents), max_size=30)


@given(rows)
def test_score_formula_is_capped_basic_plus_capped_good_minus_bad(events):
    cs = CreditSettings()  # the defaults (rules.md §9), unsaved
    s = score_from_events(events, cs)
    basic = sum((p for k, p in events if k == "basic"), D(0))
    good = sum((p for k, p in events if k == "good"), D(0))
    bad = sum((p for k, p in events if k in ("bad", "veto")), D(0))
    assert s.basic == min(basic, D(80)) and s.good == min(good, D(40)) and s.bad == bad
    assert s.total == min(basic, D(80)) + min(good, D(40)) - bad
    assert s.total <= D(120)
    assert s.veto == any(k == "veto" for k, _ in events)
    grade = cs.grade_for(s.total)
    red, black = lists_for(s, grade, benchmark=False)
    assert not (red and black)
    if s.veto:
        assert black and not red
    if events and grade == "C":
        assert black


@pytest.mark.parametrize("score,grade", [
    ("85", "AAA"), ("84.99", "AA"), ("120", "AAA"), ("80", "AA"), ("79.99", "A"), ("70", "A"), ("69.99", "B"),
    ("60", "B"), ("59.99", "C"), ("0", "C"), ("-10", "C"),
])
def test_grade_boundaries_are_exact_with_the_lower_bound_inclusive(score, grade):
    assert CreditSettings().grade_for(D(score)) == grade


@pytest.mark.django_db
def test_thresholds_are_settings():
    cs = CreditSettings.current()
    cs.aaa_min = D("90")
    cs.save()
    assert CreditSettings.current().grade_for(D("89.99")) == "AA"
    assert CreditSettings.current().grade_for(D("90")) == "AAA"


def _grade_of(company):
    return CompanyCredit.objects.get(company=company)


def test_company_score_from_confirmed_events_only(world):
    a = world.company_a
    confirmed(a, "JC01")  # 60
    confirmed(a, "JC02")  # 10
    confirmed(a, "JC03")  # 10
    confirmed(a, "JC04")  # 5 → basic 85, capped at 80
    confirmed(a, "XJ05")  # +5
    confirmed(a, "GS01")  # −5
    # A bad item still in notice does not count.
    credit_event_auto(company=a, rule_code="SF01", source_key="pending:1", occurred_on=date.today(), description="x")
    c = credit_recompute(a.pk)
    assert (c.basic, c.good, c.bad, c.score, c.grade) == (D("80"), D("5"), D("5"), D("80"), "AA")
    assert (c.red, c.black, c.veto, c.event_count) == (False, False, False, 6)
    assert company_grade(a.pk) == "AA"


def test_expiry_by_time_travel(world):
    a = world.company_a
    today = date.today()
    confirmed(a, "JC01")
    ev = confirmed(a, "XC01", occurred_on=today - timedelta(days=10))  # −5 for 365 days
    assert ev.valid_from == ev.occurred_on and ev.valid_until == ev.occurred_on + timedelta(days=365)
    assert credit_recompute(a.pk, today=today).score == D("55")
    assert credit_recompute(a.pk, today=ev.valid_until - timedelta(days=1)).score == D("55")
    assert credit_recompute(a.pk, today=ev.valid_until).score == D("60")  # the day it expires it no longer counts


def test_serious_items_last_until_repaired(world):
    a = world.company_a
    confirmed(a, "JC01")
    ev = confirmed(a, "GS01")  # until rectified
    assert ev.valid_until is None
    assert credit_recompute(a.pk, today=date.today() + timedelta(days=3000)).score == D("55")
    credit_event_act(user=world.users["district"], event=ev, action="repair", note="已补充公示并分配公共收益，经现场核实")
    assert _grade_of(a).score == D("60")


def test_veto_black_lists_whatever_the_score(world):
    a = world.company_a
    for code in ("JC01", "JC02", "JC03", "BZ01", "BZ03", "XJ05"):
        confirmed(a, code)
    assert credit_recompute(a.pk).grade == "AAA"
    assert a.pk in red_listed_company_ids()
    confirmed(a, "FJ01")
    c = credit_recompute(a.pk)
    assert c.grade == "AAA" and c.veto and c.black and not c.red
    assert a.pk in black_listed_company_ids() and a.pk not in red_listed_company_ids()


def test_grade_c_black_lists_but_an_unrated_company_is_not_listed(world):
    a, b = world.company_a, world.company_b
    confirmed(a, "XC01")
    assert credit_recompute(a.pk).black
    c = credit_recompute(b.pk)
    assert c.grade == "C" and c.event_count == 0 and not c.black


def test_benchmark_company_is_on_the_red_list(world):
    a = world.company_a
    confirmed(a, "JC01")
    assert not credit_recompute(a.pk).red
    benchmark_designate(user=world.users["city"], kind="company", company=a, reason="服务优质，群众满意度高")
    assert _grade_of(a).red


def test_becoming_black_listed_opens_exit_cases_once(world):
    a = world.company_a
    confirmed(a, "FJ02")
    credit_refresh(company_id=a.pk)
    credit_refresh(company_id=a.pk)
    credit_nightly_recompute()
    cases = ExitCase.objects.filter(company=a)
    assert [(c.estate_id, c.status) for c in cases] == [(world.estate_a.pk, "open")]


def test_recompute_alone_opens_no_exit_case_and_sends_nothing(world):
    """Issue 12 item 9: the score's arithmetic writes its own row only; the caller acts on it."""
    a = world.company_a
    confirmed(a, "FJ02")
    sent = Notification.objects.count()
    row = credit_recompute(a.pk)
    assert row.black and row.newly_black
    assert credit_recompute_all()["black_listed"] == []  # already on the list: nothing new
    CompanyCredit.objects.all().delete()
    assert credit_recompute_all()["black_listed"] == [a.pk]
    assert not ExitCase.objects.exists() and Notification.objects.count() == sent
    assert not credit_recompute(a.pk).newly_black


def test_recompute_all_agrees_with_recompute_one_by_one(world):
    a, b = world.company_a, world.company_b
    for code in ("JC01", "JC02", "BZ02", "XC01"):
        confirmed(a, code)
    for code in ("JC01", "FJ01"):
        confirmed(b, code)
    CompanyCredit.objects.all().delete()
    result = credit_recompute_all()
    assert result["companies"] == 2 and result["created"] == 2
    bulk = {c.company_id: (c.score, c.grade, c.red, c.black, c.veto, c.event_count) for c in CompanyCredit.objects.all()}
    one = {pk: (lambda c: (c.score, c.grade, c.red, c.black, c.veto, c.event_count))(credit_recompute(pk))
           for pk in (a.pk, b.pk)}
    assert bulk == one
    assert bulk[a.pk][:2] == (D("68"), "B") and bulk[b.pk][3] is True
    # Rows that change are rewritten (PostgreSQL: one UPDATE … FROM VALUES), the others left alone.
    confirmed(a, "XJ05")
    assert credit_recompute_all()["changed"] == 1
    c = CompanyCredit.objects.get(company=a)
    assert (c.score, c.grade, c.good, c.event_count) == (D("73"), "A", D("8"), 5)


def test_recompute_all_needs_few_queries_whatever_the_data(world, django_assert_max_num_queries):
    for i in range(6):
        c = rs.company_create(actor=world.users["city"], name=f"测试物业{i}", credit_code=_code(i),
                              legal_representative="甲", address="乙", service_phone="01065550009")
        confirmed(c, "JC01")
        confirmed(c, "XC03")
    credit_recompute_all()
    with django_assert_max_num_queries(12):
        credit_recompute_all()


def _code(i: int) -> str:
    body = f"9111010{i % 10}MA{7000 + i:07d}"[:17].ljust(17, "0")
    return body + uscc.calc_check_digit(body)


def test_manager_items_do_not_count_for_the_company(world):
    a = world.company_a
    confirmed(a, "JC01")
    confirmed(a, "MG01", manager=world.staff_a)
    assert credit_recompute(a.pk).score == D("60")
    assert CreditEvent.objects.filter(rule__code="MG01", manager=world.staff_a).exists()
    assert CreditRule.objects.get(code="MG01").subject == "manager"
