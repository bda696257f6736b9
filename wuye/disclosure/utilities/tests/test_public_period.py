"""The public period (公示期) of a utility allocation follows the period rules (issue 12 item 14):
counted from the day after publication, and a last day on a rest day — a weekend, or a holiday
such as 国庆节 2026-10-01..07 — moves to the next working day (民法典 第二百零一条、第二百零三条)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from wuye.disclosure.models import DisclosureSettings
from wuye.disclosure.utilities import services as svc

from .test_services import draft, make_building, put_readings

SH = ZoneInfo("Asia/Shanghai")
D = Decimal


@pytest.mark.parametrize(("published_on", "last_day"), [
    (date(2026, 3, 5), date(2026, 3, 20)),  # 15 days end on a Friday: no move
    (date(2026, 3, 6), date(2026, 3, 23)),  # would end on Saturday 3-21: Monday 3-23
    (date(2026, 9, 16), date(2026, 10, 8)),  # would end on 10-01 (国庆节 10-01..07): 10-08
])
def test_the_last_day_moves_off_rest_days(world, monkeypatch, published_on, last_day):
    assert DisclosureSettings.current().utility_public_days == 15
    b, units = make_building(world, "8号楼", [D("80.00"), D("120.00")])
    m = world.users["manager_a"]
    a = draft(world, b, master=(D("0"), D("500")))
    put_readings(a, units, [D("200"), D("250")])
    a = svc.utility_allocation_compute(actor=m, allocation=a)
    monkeypatch.setattr(timezone, "now", lambda: datetime(published_on.year, published_on.month, published_on.day,
                                                          10, tzinfo=SH))
    a = svc.utility_allocation_publish(actor=m, allocation=a, expected_version=a.version)
    assert (a.public_from, a.public_until) == (published_on, last_day)
    a.refresh_from_db()
    assert a.public_until == last_day
