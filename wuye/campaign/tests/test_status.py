"""Task status derivation at every boundary (issue 16 item 4, item 14): the deadline day, the day
after, a due date on a holiday (moved to the next working day where the plan counts working
days), a make-up working day (调休: not moved), target pace, missing and returned reports."""

from __future__ import annotations

from datetime import date

import pytest

from wuye.campaign.models import TaskStatus
from wuye.campaign.status import TaskFacts, task_deadline, task_status
from wuye.core.calendar import PeriodUnit

W, C = PeriodUnit.WORKING_DAYS, PeriodUnit.CALENDAR_DAYS
START = date(2020, 1, 1)

pytestmark = pytest.mark.django_db


def facts(due, unit=W, **kw):
    return TaskFacts(due_date=due, day_unit=unit, start=START, reported=True, **kw)


@pytest.mark.parametrize(("due", "unit", "last"), [
    (date(2020, 6, 30), W, date(2020, 6, 30)),     # a Tuesday: itself
    (date(2020, 10, 10), W, date(2020, 10, 10)),   # a make-up working Saturday (调休): not moved
    (date(2020, 10, 3), W, date(2020, 10, 9)),     # National Day holiday: the next working day
    (date(2020, 10, 3), C, date(2020, 10, 3)),     # calendar days: the due date itself
    (date(2020, 6, 28), W, date(2020, 6, 28)),     # Dragon Boat make-up Sunday 2020-06-28 is a working day
    (date(2020, 7, 5), W, date(2020, 7, 6)),       # an ordinary Sunday: Monday
])
def test_deadline(due, unit, last):
    assert task_deadline(due, unit) == last


@pytest.mark.parametrize(("due", "unit", "today", "expected"), [
    (date(2020, 6, 30), W, date(2020, 6, 30), TaskStatus.ON_TRACK),   # on the deadline day
    (date(2020, 6, 30), W, date(2020, 7, 1), TaskStatus.OVERDUE),     # the day after
    (date(2020, 10, 10), W, date(2020, 10, 10), TaskStatus.ON_TRACK), # make-up working day is the last day
    (date(2020, 10, 10), W, date(2020, 10, 11), TaskStatus.OVERDUE),
    (date(2020, 10, 3), W, date(2020, 10, 9), TaskStatus.ON_TRACK),   # holiday moves the deadline
    (date(2020, 10, 3), W, date(2020, 10, 10), TaskStatus.OVERDUE),
    (date(2020, 10, 3), C, date(2020, 10, 3), TaskStatus.ON_TRACK),
    (date(2020, 10, 3), C, date(2020, 10, 4), TaskStatus.OVERDUE),
])
def test_status_at_the_deadline(due, unit, today, expected):
    assert task_status(facts(due, unit), today) == expected


def test_not_started_until_something_is_reported_or_owed():
    f = TaskFacts(due_date=date(2020, 12, 31), day_unit=W, start=START)
    assert task_status(f, date(2020, 3, 1)) == TaskStatus.NOT_STARTED
    owed = TaskFacts(due_date=date(2020, 12, 31), day_unit=W, start=START, missing_reports=1)
    assert task_status(owed, date(2020, 3, 1)) == TaskStatus.BEHIND


def test_returned_report_is_behind_and_completed_is_done_even_late():
    assert task_status(facts(date(2020, 12, 31), returned=True), date(2020, 3, 1)) == TaskStatus.BEHIND
    assert task_status(facts(date(2020, 6, 30), completed=True), date(2021, 1, 1)) == TaskStatus.DONE


def test_target_pace_exact():
    due = date(2020, 12, 31)  # a Thursday; 365 days allowed from 1 January
    # 2 July 2020 is day 183 of 365: half of 900 is behind by a hair, 452 is on track.
    assert task_status(facts(due, quantity=900, done=450), date(2020, 7, 2)) == TaskStatus.BEHIND
    assert task_status(facts(due, quantity=900, done=452), date(2020, 7, 2)) == TaskStatus.ON_TRACK
    assert task_status(facts(due, quantity=900, done=900), date(2020, 7, 2)) == TaskStatus.DONE
    # reached after the deadline still counts as done
    assert task_status(facts(due, quantity=900, done=900), date(2021, 2, 1)) == TaskStatus.DONE
    assert task_status(facts(due, quantity=900, done=899), date(2021, 1, 1)) == TaskStatus.OVERDUE
