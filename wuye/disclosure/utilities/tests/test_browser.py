"""Scenario 8 clicked through in Debian's Chromium: the company drafts a building's electricity
allocation, imports the household readings from Excel (a bad file first: the row report, nothing
written), computes and publishes it; the owner sees their share with the calculation; the public
page shows the units by number and charge. Screenshots go to test-artifacts/screenshots/utility-*."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import Workbook

from tests.browser.conftest import browser, live, page_for, shot  # noqa: F401  (shared Playwright fixtures)
from wuye.conftest import PASSWORD
from wuye.core.testing import auto_confirm
from wuye.disclosure.models import UtilityAllocation, UtilityShare
from wuye.registry import services as rs

from .test_services import make_building, scenario8_areas, scenario8_usages

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def person(live, page_for):  # noqa: F811
    def _login(user, **viewport):
        page = page_for(**viewport)
        auto_confirm(page)
        page.goto(f"{live.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("form[data-testid=login-form] button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return _login


def _xlsx(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["楼栋", "房号", "起数", "止数"])
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return str(path)


def test_company_publishes_and_owner_sees_share(world, live, person, page_for, shot, tmp_path):  # noqa: F811
    b, units = make_building(world, "5号楼", scenario8_areas())
    rs.ownership_create(actor=world.users["city"], unit=units[0], owner=world.owner_a)
    usages = scenario8_usages()

    page = person(world.users["manager_a"])
    page.goto(f"{live.url}/disclosure/utilities/new/")
    page.select_option("select[name=estate]", str(world.estate_a.pk))
    page.select_option("select[name=building]", str(b.pk))
    page.select_option("select[name=utility]", "electricity")
    page.fill("input[name=period_start]", "2026-03-01")
    page.fill("input[name=period_end]", "2026-03-31")
    page.fill("input[name=master_start]", "20000")
    page.fill("input[name=master_end]", "32480")
    page.fill("input[name=unit_price]", "0.52")
    shot(page, "utility-new")
    with page.expect_navigation():
        page.click("[data-testid=allocation-save]")
    page.wait_for_load_state("networkidle")
    a = UtilityAllocation.objects.get()
    assert a.master_usage == Decimal("12480")

    bad = _xlsx(tmp_path / "bad.xlsx", [("5号楼", units[0].number, 100, 50), ("5号楼", "5-999", 1, 2)])
    page.set_input_files("input[name=file]", bad)
    page.click("[data-testid=import-submit]")
    page.wait_for_selector("[data-testid=import-problems]")
    assert "止数不能小于起数" in page.inner_text("[data-testid=import-result]")
    assert not a.readings.exists()
    shot(page, "utility-import-errors")

    good = _xlsx(tmp_path / "good.xlsx", [("5号楼", u.number, 1000, 1000 + q) for u, q in zip(units, usages, strict=True)])
    page.set_input_files("input[name=file]", good)
    page.click("[data-testid=import-submit]")
    page.locator("[data-testid=import-result]").filter(has_text="已导入 96 条分户表读数").wait_for(timeout=20000)
    assert a.readings.count() == 96
    page.goto(f"{live.url}/disclosure/utilities/{a.pk}/")
    with page.expect_navigation():
        page.click("[data-testid=compute]")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("[data-testid=loss]").strip() == "750"
    assert page.inner_text("[data-testid=total]").strip() == "390.00"
    with page.expect_navigation():
        page.click("[data-testid=publish]")
    page.wait_for_load_state("networkidle")
    a.refresh_from_db()
    assert a.status == "published"
    assert sum(s.charge for s in UtilityShare.objects.filter(allocation=a)) == Decimal("390.00")
    page.wait_for_timeout(1200)  # the chart's entry animation
    shot(page, "utility-detail-published")

    owner = person(world.users["resident"], width=390, height=844)
    owner.goto(f"{live.url}/disclosure/utilities/mine/")
    text = owner.inner_text("[data-testid=explain]")
    assert text.startswith("损耗 750 kWh × 本户面积 62.35 / 总面积 ") and text.endswith(" 元")
    shot(owner, "utility-mine-mobile")

    public = page_for(width=390, height=844)
    public.goto(f"{live.url}/disclosure/utilities/{a.pk}/public/")
    body = public.inner_text("body")
    assert "390.00" in body and units[0].number in body and "王秀英" not in body
    public.wait_for_timeout(1200)
    shot(public, "utility-public-mobile")

    official = person(world.users["district"])
    official.goto(f"{live.url}/disclosure/utilities/")
    shot(official, "utility-list-district")
