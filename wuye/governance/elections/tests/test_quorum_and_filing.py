"""No committee without a quorum (民法典 第二百七十八条 第二款) and the filing deadline counted by
the period rules (民法典 第二百零一条、第二百零三条), each at its boundary."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from wuye.core.calendar import period_last_day
from wuye.core.errors import ServiceError
from wuye.governance.elections import services as svc
from wuye.governance.models import Election, GovernanceSettings

from .election_support import voting_election


def _declare(world, e, cands, *, p_area="1000.00", p_heads=100, **totals):
    results = {c.pk: (Decimal("600.00"), 60) for c in cands[:5]}
    results.update({c.pk: (Decimal("100.00"), 10) for c in cands[5:]})
    return svc.election_declare(actor=world.users["street"], election=e, elected_on=date(2026, 11, 1),
                                results=results, participating_area=Decimal(p_area), participating_heads=p_heads,
                                **totals)


# ---------------------------------------------------------------- quorum


def test_offline_declaration_without_totals_refused(world):
    """An offline assembly's result cannot be declared without the totals: the two-thirds could not be checked."""
    e, cands = voting_election(world, n_candidates=5)
    with pytest.raises(ServiceError, match="三分之二"):
        _declare(world, e, cands)
    with pytest.raises(ServiceError, match="三分之二"):
        _declare(world, e, cands, total_area=Decimal("1500.00"))
    e.refresh_from_db()
    assert e.status == Election.Status.VOTING and e.committee_id is None


def test_exactly_two_thirds_of_area_and_heads_is_a_quorum(world):
    e, cands = voting_election(world, n_candidates=5)
    d = _declare(world, e, cands, total_area=Decimal("1500.00"), total_heads=150)  # 1000/1500 and 100/150
    assert len(d.elected) == 5


@pytest.mark.parametrize("p_area, p_heads", [("999.99", 100), ("1000.00", 99)])
def test_one_below_two_thirds_is_no_quorum(world, p_area, p_heads):
    """One cent of area or one head below two-thirds: no valid election (the candidates' yes votes
    are scaled so that only the quorum can fail)."""
    e, cands = voting_election(world, n_candidates=5)
    results = {c.pk: (Decimal("600.00"), 60) for c in cands}
    with pytest.raises(ServiceError, match="未达到专有部分面积三分之二以上且人数三分之二以上"):
        svc.election_declare(actor=world.users["street"], election=e, elected_on=date(2026, 11, 1), results=results,
                             participating_area=Decimal(p_area), participating_heads=p_heads,
                             total_area=Decimal("1500.00"), total_heads=150)
    e.refresh_from_db()
    assert e.status == Election.Status.VOTING


def test_declare_form_requires_the_totals_and_keeps_the_input(world, login):
    e, cands = voting_election(world, n_candidates=5)
    url = reverse("governance:election_declare", args=[e.pk])
    data = {"elected_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "participating_area": "1000.00", "participating_heads": "100"}
    for cand in cands:
        data[f"area_{cand.pk}"], data[f"heads_{cand.pk}"] = "600.00", "60"
    r = login(world.users["street"]).post(url, data)
    body = r.content.decode()
    assert r.status_code == 400
    assert "请填写专有部分总面积" in body and "请填写业主总人数" in body and "第二百七十八条第二款" in body
    assert 'value="1000.00"' in body and f'name="area_{cands[0].pk}"' in body  # what was typed stays
    e.refresh_from_db()
    assert e.status == Election.Status.VOTING
    r = login(world.users["street"]).post(url, {**data, "total_area": "1500.00", "total_heads": "150"})
    assert r.status_code == 302
    e.refresh_from_db()
    assert e.status == Election.Status.ELECTED


# ---------------------------------------------------------------- filing deadline


@pytest.mark.django_db
def test_filing_deadline_on_a_working_day_is_the_thirtieth_day():
    assert svc.filing_deadline(date(2026, 11, 1), 30) == date(2026, 12, 1)  # a Tuesday


@pytest.mark.django_db
def test_filing_deadline_on_a_weekend_moves_to_monday():
    """Day 30 after 1 October 2026 is Saturday 31 October: the period ends on Monday 2 November."""
    assert svc.filing_deadline(date(2026, 10, 1), 30) == date(2026, 11, 2)
    assert svc.filing_deadline(date(2026, 10, 1), 29) == date(2026, 10, 30)  # a Friday stays


@pytest.mark.django_db
def test_filing_deadline_in_a_holiday_moves_past_it():
    """Day 30 after 1 September 2026 is 1 October, National Day: the next working day is 8 October."""
    assert svc.filing_deadline(date(2026, 9, 1), 30) == date(2026, 10, 8)


def test_filing_deadline_uses_the_configured_days(world):
    GovernanceSettings.objects.update_or_create(pk=1, defaults={"filing_days": 15})
    assert svc.filing_deadline(date(2026, 11, 1)) == period_last_day(date(2026, 11, 1), 15) == date(2026, 11, 16)
    e, cands = voting_election(world, n_candidates=5)
    d = _declare(world, e, cands, total_area=Decimal("1200.00"), total_heads=120)
    assert d.election.filing_due == date(2026, 11, 16)
