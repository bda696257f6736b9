"""The daily committee sweep: overdue filing → street and district once; the term-end reminder
exactly ``term_reminder_months`` (3) months before the term ends → committee, community and
street once (time travel, idempotent)."""

from __future__ import annotations

from datetime import date

import pytest

from wuye.governance.elections import services as svc
from wuye.governance.elections import tasks as tasks_elections
from wuye.governance.models import CommitteeReminder, GovernanceSettings
from wuye.notifications.models import Notification
from wuye.registry import services as rs

from .election_support import declare, voting_election

pytestmark = pytest.mark.django_db


def _n(user, text):
    return Notification.objects.filter(user=user, subject__contains=text).count()


def test_term_reminder_exactly_three_months_before(world):
    # committee A: term ends 2028-12-31 → the reminder is due on 2028-09-30 (no 31 September).
    assert svc.committee_sweep(today=date(2028, 9, 29))["term_ending"] == 0
    assert _n(world.users["committee"], "任期即将届满") == 0
    sent = svc.committee_sweep(today=date(2028, 9, 30))
    assert sent["term_ending"] == 2  # committees A and B end the same day
    for who in ("committee", "community", "street"):
        assert _n(world.users[who], "任期即将届满") == 1, who
    assert _n(world.users["district"], "任期即将届满") == 0
    assert CommitteeReminder.objects.filter(committee=world.committee_a, kind="term_ending").count() == 1


def test_term_reminder_is_idempotent(world):
    svc.committee_sweep(today=date(2028, 10, 1))
    before = Notification.objects.count()
    assert svc.committee_sweep(today=date(2028, 10, 1)) == {"filing_overdue": 0, "term_ending": 0}
    assert svc.committee_sweep(today=date(2028, 11, 15)) == {"filing_overdue": 0, "term_ending": 0}
    assert Notification.objects.count() == before
    assert _n(world.users["committee"], "任期即将届满") == 1


def test_term_reminder_ordinary_date_and_setting(world):
    root = world.users["city"]
    c = rs.committee_create(actor=root, estate=world.estate_a, term_start=date(2026, 11, 1), term_end=date(2031, 11, 1))
    assert svc.committee_sweep(today=date(2031, 7, 31))["term_ending"] == 0
    assert svc.committee_sweep(today=date(2031, 8, 1))["term_ending"] == 1
    assert CommitteeReminder.objects.filter(committee=c).count() == 1
    GovernanceSettings.objects.update_or_create(pk=1, defaults={"term_reminder_months": 6})
    c2 = rs.committee_create(actor=root, estate=world.estate_b, term_start=date(2026, 11, 1), term_end=date(2031, 11, 1))
    assert svc.committee_sweep(today=date(2031, 4, 30))["term_ending"] == 0
    assert svc.committee_sweep(today=date(2031, 5, 1))["term_ending"] == 1
    assert CommitteeReminder.objects.filter(committee=c2).count() == 1


def test_old_committees_not_reminded(world):
    root = world.users["city"]
    rs.committee_create(actor=root, estate=world.estate_a, term_start=date(2028, 6, 1), term_end=date(2033, 5, 31))
    sent = svc.committee_sweep(today=date(2028, 10, 1))
    assert sent["term_ending"] == 1  # only B; A's old committee is no longer current
    assert not CommitteeReminder.objects.filter(committee=world.committee_a).exists()


def test_filing_overdue_notifies_street_and_district_once(world):
    e, cands = voting_election(world, n_candidates=5)
    # Day 30 is Saturday 31 October: the period ends on Monday 2 November (民法典 第二百零三条).
    declare(world, e, cands, passing=5, elected_on=date(2026, 10, 1))
    base_street = _n(world.users["street"], "逾期未备案")
    assert svc.committee_sweep(today=date(2026, 11, 2))["filing_overdue"] == 0
    assert svc.committee_sweep(today=date(2026, 11, 3))["filing_overdue"] == 1
    assert _n(world.users["street"], "逾期未备案") == base_street + 1
    assert _n(world.users["district"], "逾期未备案") == 1
    assert _n(world.users["district2"], "逾期未备案") == 0
    assert svc.committee_sweep(today=date(2026, 11, 2))["filing_overdue"] == 0
    assert _n(world.users["district"], "逾期未备案") == 1


def test_filed_committee_not_overdue(world):
    e, cands = voting_election(world, n_candidates=5)
    declare(world, e, cands, passing=5, elected_on=date(2026, 10, 1))
    e.refresh_from_db()
    svc.election_file(actor=world.users["street"], election=e, filed_on=date(2026, 10, 20))
    assert svc.committee_sweep(today=date(2026, 12, 1))["filing_overdue"] == 0


def test_periodic_task_registered():
    assert callable(tasks_elections.committees_sweep)
