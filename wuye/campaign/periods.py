"""Reporting periods of a task (its rhythm) and when each report is due.

A period is a window of days ``(start, end]`` with the label units write in a report: ``2020-03``
for a month, ``2020-Q1`` for a quarter, the milestone's title for a milestone. The report of a
period is due ``plan.report_days`` days after its end, counted by ``core.calendar.add_period`` in
the plan's unit (working days or calendar days; rules.md §7).
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from wuye.core.calendar import add_months, add_period

from .models import Rhythm

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Period:
    label: str
    start: date  # first day
    end: date  # last day


def month_period(year: int, month: int) -> Period:
    return Period(f"{year:04d}-{month:02d}", date(year, month, 1), date(year, month, monthrange(year, month)[1]))


def quarter_period(year: int, q: int) -> Period:
    first = date(year, 3 * q - 2, 1)
    last = add_months(first, 3) - timedelta(days=1)
    return Period(f"{year:04d}-Q{q}", first, last)


def parse_period(label: str) -> Period | None:
    """``2020-03`` or ``2020-Q1``; None for anything else."""
    label = (label or "").strip()
    m = MONTH_RE.match(label)
    if m:
        return month_period(int(m.group(1)), int(m.group(2)))
    m = QUARTER_RE.match(label)
    if m:
        return quarter_period(int(m.group(1)), int(m.group(2)))
    return None


def task_periods(*, rhythm: str, start: date, due: date, milestones: list[tuple[str, date]] = ()) -> list[Period]:
    """The periods a task reports on, from its start to its due date."""
    out: list[Period] = []
    if rhythm == Rhythm.MILESTONE:
        prev = start - timedelta(days=1)
        for title, day in sorted(milestones, key=lambda m: m[1]):
            out.append(Period(title, prev + timedelta(days=1), day))
            prev = day
        if not out or out[-1].end < due:
            out.append(Period(due.isoformat(), prev + timedelta(days=1), due))
        return out
    if rhythm == Rhythm.QUARTER:
        p = quarter_period(start.year, (start.month - 1) // 3 + 1)
        while p.start <= due:
            out.append(p)
            nxt = p.end + timedelta(days=1)
            p = quarter_period(nxt.year, (nxt.month - 1) // 3 + 1)
        return out
    p = month_period(start.year, start.month)
    while p.start <= due:
        out.append(p)
        nxt = p.end + timedelta(days=1)
        p = month_period(nxt.year, nxt.month)
    return out


def report_due(period_end: date, days: int, unit: str) -> datetime:
    """The instant a period's report is due: ``days`` (calendar or working) after its last day."""
    start = datetime.combine(period_end, time(12), tzinfo=timezone.get_default_timezone())
    return add_period(start, days, unit)
