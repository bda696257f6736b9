"""Two people (or two workers) at once on the common-income ledger. PostgreSQL only: it needs two
connections at once. The committee confirming while a second confirmer returns the report: one
wins, the other is told; the overdue sweep on two workers: one reminder, one credit event."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from wuye.conftest import build_world
from wuye.core.testing import race
from wuye.credit.models import CreditEvent
from wuye.disclosure.income import services as inc
from wuye.disclosure.models import IncomeReminder, IncomeReport, IncomeShare
from wuye.notifications.models import Notification

from .test_support import submitted

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two connections at once (PostgreSQL)"),
]


def test_confirm_and_return_at_once_one_wins(transactional_db):
    world = build_world()
    report = submitted(world)

    def fresh():
        return IncomeReport.objects.select_related("estate").get(pk=report.pk)

    results = race(lambda: inc.income_report_confirm(actor=world.users["committee"], report=fresh()),
                   lambda: inc.income_report_return(actor=world.users["committee"], report=fresh(), reason="请补充明细"))
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    report.refresh_from_db()
    shares = IncomeShare.objects.filter(report=report).count()
    if report.status == "published":
        assert shares == 1
    else:
        assert report.status == "returned" and shares == 0


def test_sweep_on_two_workers_acts_once(transactional_db):
    build_world()
    now = datetime(2026, 4, 2, 1, 20, tzinfo=ZoneInfo("Asia/Shanghai"))
    results = race(lambda: inc.income_overdue_sweep(now=now), lambda: inc.income_overdue_sweep(now=now))
    assert sum(r[1]["reminded"] for r in results) == 2  # estates A and B, each once
    assert IncomeReminder.objects.count() == 2
    assert CreditEvent.objects.filter(rule__code="GS01").count() == 2
    assert Notification.objects.filter(subject="公共收益逾期未公示").count() == 2
