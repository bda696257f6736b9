"""The demo common-income reports on the small demo city: shapes, exact shares, determinism, and
that the demo logins see them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from wuye.accounts.models import User
from wuye.demo.disclosure_income import build_demo_income
from wuye.demo.generator import build_demo_city
from wuye.disclosure.income.selectors import owner_units_in, reports_visible_to
from wuye.disclosure.models import IncomeEvent, IncomeItem, IncomeReport, IncomeShare
from wuye.registry.models import Unit

NOW = datetime(2026, 5, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def city(db):
    built = build_demo_city(scale="small", seed=1, complaints=False, supervision=False, transparency=False)
    counts = build_demo_income(scale="small", seed=1, now=NOW, city_id=built.city_id)
    return built, counts


def test_small_city_reports(city):
    _built, counts = city
    assert counts["incomereport"] == IncomeReport.objects.count() >= 10
    published = IncomeReport.objects.filter(status="published")
    assert published.count() >= 8
    for r in published:
        rows = list(IncomeShare.objects.filter(report=r).values_list("amount", "area"))
        assert sum(a for a, _ in rows) == r.net and sum(b for _, b in rows) == r.total_area
        assert IncomeShare.objects.filter(report=r).count() == Unit.objects.filter(estate_id=r.estate_id).count()
        assert r.gross == sum(IncomeItem.objects.filter(report=r).values_list("amount", flat=True))
        assert r.net == r.gross - r.costs and r.public_until > r.public_from

    assert not IncomeEvent.objects.filter(created_at__gt=NOW).exists()
    featured = IncomeReport.objects.get(estate__name="幸福里小区", status="published")
    assert (featured.gross, featured.costs, featured.net) == (Decimal("139200.00"), Decimal("12000.00"),
                                                              Decimal("127200.00"))
    assert IncomeReport.objects.filter(estate__name="幸福里小区", status="draft").count() == 1


def test_demo_logins_see_their_reports(city):
    company = User.objects.get(username="company")
    committee = User.objects.get(username="committee")
    resident = User.objects.get(username="resident")
    assert reports_visible_to(company).filter(status="draft").exists()
    assert reports_visible_to(committee).filter(estate__name="幸福里小区").count() == 2
    mine = reports_visible_to(resident)
    assert mine.exists() and not mine.exclude(status="published").exists()
    report = mine.first()
    assert owner_units_in(resident, report.estate_id)
    assert IncomeShare.objects.filter(report=report, unit_id__in=owner_units_in(resident, report.estate_id)).exists()


def test_same_seed_same_rows(db):
    rows = []
    for _ in range(2):
        with transaction.atomic():
            built = build_demo_city(scale="small", seed=3, complaints=False, supervision=False, transparency=False)
            build_demo_income(scale="small", seed=3, now=NOW, city_id=built.city_id)
            rows.append(list(IncomeReport.objects.order_by("estate__name", "period_end").values_list(
                "estate__name", "status", "gross", "net")))
            transaction.set_rollback(True)
    assert rows[0] == rows[1]


def test_nothing_is_dated_after_now_even_in_january(db):

    early = datetime(2026, 1, 8, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    built = build_demo_city(scale="small", seed=1, complaints=False, supervision=False, transparency=False)
    build_demo_income(scale="small", seed=1, now=early, city_id=built.city_id)
    assert not IncomeEvent.objects.filter(created_at__gt=early).exists()
    assert not IncomeReport.objects.filter(public_from__gt=early.date()).exists()
    assert IncomeReport.objects.filter(estate__name="幸福里小区", status="published", period_end__year=2024).exists()
    assert IncomeReport.objects.filter(estate__name="幸福里小区", status="draft", period_end=date(2025, 12, 31)).exists()


def test_built_with_the_whole_demo_city(db):
    """As the lead wires it: ``build_demo_city`` runs this step after the owners' votes."""
    build_demo_city(scale="small", seed=1, complaints=False, supervision=False)
    published = IncomeReport.objects.filter(status="published")
    assert published.count() >= 8
    for r in published:
        assert sum(IncomeShare.objects.filter(report=r).values_list("amount", flat=True)) == r.net
    for r in IncomeReport.objects.filter(decision_motion__isnull=False).select_related("decision_motion"):
        assert r.decision_motion.estate_id == r.estate_id and r.use == "owners_decision" and r.decision_ref
