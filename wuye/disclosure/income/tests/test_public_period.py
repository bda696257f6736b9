"""The public period (公示期) of a common-income report follows the period rules (issue 12 item 14):
counted from the day after publication, and a last day on a rest day — a weekend, or a holiday
such as 国庆节 2026-10-01..07 — moves to the next working day (民法典 第二百零一条、第二百零三条)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from wuye.disclosure.income import services as inc
from wuye.disclosure.income.selectors import objection_open
from wuye.disclosure.models import DisclosureSettings

from .test_support import submitted

SH = ZoneInfo("Asia/Shanghai")


def confirm_on(world, monkeypatch, day: date):
    report = submitted(world)
    monkeypatch.setattr(timezone, "now", lambda: datetime(day.year, day.month, day.day, 10, tzinfo=SH))
    return inc.income_report_confirm(actor=world.users["committee"], report=report)


@pytest.mark.parametrize(("published_on", "last_day"), [
    (date(2026, 3, 5), date(2026, 3, 20)),  # 15 days end on a Friday: no move
    (date(2026, 3, 6), date(2026, 3, 23)),  # would end on Saturday 3-21: Monday 3-23
    (date(2026, 9, 16), date(2026, 10, 8)),  # would end on 10-01 (国庆节 10-01..07): 10-08
    (date(2026, 9, 22), date(2026, 10, 8)),  # would end on 10-07, the holiday's last day: 10-08
])
def test_the_last_day_moves_off_rest_days(world, monkeypatch, published_on, last_day):
    assert DisclosureSettings.current().income_public_days == 15
    report = confirm_on(world, monkeypatch, published_on)
    assert (report.public_from, report.public_until) == (published_on, last_day)
    report.refresh_from_db()
    assert report.public_until == last_day


def test_objections_are_open_through_the_moved_last_day(world, monkeypatch):
    report = confirm_on(world, monkeypatch, date(2026, 9, 16))
    assert objection_open(report, today=date(2026, 10, 8))
    assert not objection_open(report, today=date(2026, 10, 9))
