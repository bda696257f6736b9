"""A task's status, derived — never stored (issue 16 item 4).

``task_status`` is the ONE function that decides it, from the facts a selector gathers
(``selectors.task_facts``): the deadline, the plan's way of counting days, the reports and the
target's progress. The board, the API, the bulletin's summary and the reminders all call it.

Rules (in this order):

1. ``done``: the campaign office accepted a final report of the lead unit, or the target's progress
   reached its quantity.
2. ``overdue``: today is after the deadline. The deadline is the task's due date; where the plan
   counts working days a due date on a rest day moves to the next working day (rules.md §7 and
   民法典 第二百零三条: a last day on a rest day ends on the next working day; a make-up working
   day 调休 counts as a working day and is not moved) — ``core.calendar.period_last_day``. The
   whole deadline day is on time.
3. ``not_started``: nothing reported and no progress, and no report is yet owed.
4. ``behind``: a report is owed and missing, the latest lead report was returned, a milestone has
   passed without a report, or the target's progress lags the time elapsed (done / quantity <
   days elapsed / days allowed, compared exactly).
5. ``on_track`` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from wuye.core.calendar import PeriodUnit, period_last_day

from .models import TaskStatus


def task_deadline(due_date: date, day_unit: str) -> date:
    """The last day of the task: its due date, moved to the next working day when the plan counts
    working days and the due date is a rest day."""
    if day_unit == PeriodUnit.WORKING_DAYS:
        return period_last_day(due_date, 0, PeriodUnit.WORKING_DAYS)
    return due_date


@dataclass(frozen=True)
class TaskFacts:
    due_date: date
    day_unit: str
    start: date
    reported: bool = False
    completed: bool = False
    quantity: int | None = None
    done: int | None = None
    missing_reports: int = 0
    returned: bool = False


def task_status(facts: TaskFacts, today: date) -> str:
    """The status of a task on ``today`` (see the module's rules)."""
    f = facts
    if f.completed or (f.quantity and f.done is not None and f.done >= f.quantity):
        return TaskStatus.DONE
    deadline = task_deadline(f.due_date, f.day_unit)
    if today > deadline:
        return TaskStatus.OVERDUE
    if f.missing_reports or f.returned:
        return TaskStatus.BEHIND
    if not f.reported and not f.done:
        return TaskStatus.NOT_STARTED
    if f.quantity:
        allowed = max((deadline - f.start).days, 1)
        elapsed = min(max((today - f.start).days, 0), allowed)
        if (f.done or 0) * allowed < f.quantity * elapsed:
            return TaskStatus.BEHIND
    return TaskStatus.ON_TRACK


def pace_day(today: date) -> date:
    """The day a district's pace is checked on: the Monday of ``today``'s week (the flag is weekly)."""
    return today - timedelta(days=today.weekday())


def behind_pace(done: int, quota: int, year: int, day: date) -> bool:
    """A district is behind its pace when done / quota < days elapsed / days in the year, compared
    exactly (issue 17 §6: a quota of the year's enclosure target, flagged weekly on the board)."""
    if not quota:
        return False
    days = (date(year, 12, 31) - date(year, 1, 1)).days + 1
    elapsed = min(max((day - date(year, 1, 1)).days, 0), days)
    return (done or 0) * days < quota * elapsed
