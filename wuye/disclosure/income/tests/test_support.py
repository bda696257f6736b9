"""Helpers for the common-income tests: reports built through the real services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from wuye.disclosure.income import services as inc
from wuye.registry import services as rs

LAST_YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def add_units(world, n: int, *, estate=None, building=None, area: str = "88.00") -> list:
    """``n`` more units in estate A (3号楼) with the given exclusive area."""
    building = building or world.building_a
    return [rs.unit_create(actor=world.users["city"], building=building, number=f"3-2-{100 + i}",
                           exclusive_area=Decimal(area), floor=1 + i % 6) for i in range(n)]


def draft(world, *, actor=None, estate=None, period=LAST_YEAR, lift="86400.00", parking="52800.00",
          costs="12000.00"):
    """Scenario 7's report for estate A: lift advertising, common-road parking, costs."""
    actor = actor or world.users["manager_a"]
    estate = estate or world.estate_a
    report = inc.income_report_create(actor=actor, estate=estate, period_start=period[0], period_end=period[1])
    if lift:
        inc.income_item_add(actor=actor, report=report, source="lift_ad", amount=lift, description="电梯轿厢广告")
        report.refresh_from_db()
    if parking:
        inc.income_item_add(actor=actor, report=report, source="common_parking", amount=parking,
                            description="小区道路停车位出租")
        report.refresh_from_db()
    if costs:
        inc.income_cost_add(actor=actor, report=report, description="广告位维护及保洁人工", amount=costs)
        report.refresh_from_db()
    return report


def submitted(world, **kw):
    report = draft(world, **kw)
    return inc.income_report_submit(actor=world.users["manager_a"], report=report)


def published(world, **kw):
    report = submitted(world, **kw)
    return inc.income_report_confirm(actor=world.users["committee"], report=report)
