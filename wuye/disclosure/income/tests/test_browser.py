"""Scenario 7, clicked through in Debian's Chromium: the company drafts last year's common-income
report (lift advertising 86,400, common-road parking 52,800, costs 12,000) → the committee confirms
→ the public page shows it, and an owner sees their own share and objects. Screenshots go to
test-artifacts/screenshots/income-*."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.browser.conftest import browser, live, page_for, shot  # noqa: F401  (shared Playwright fixtures)
from wuye.conftest import PASSWORD
from wuye.core.testing import auto_confirm
from wuye.disclosure.models import IncomeObjection, IncomeReport, IncomeShare

from .test_support import add_units

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


def _add(page, selector: str, values: dict) -> None:
    form = page.locator(f"[data-testid={selector}]")
    for name, value in values.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with page.expect_response(lambda r: "/edit/" in r.url):
        form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_scenario_7_company_drafts_committee_confirms_public_sees(world, live, person, page_for, shot):  # noqa: F811
    add_units(world, 11, area="96.40")
    manager = world.users["manager_a"]

    # The company drafts last year's report.
    page = person(manager)
    page.goto(f"{live.url}/disclosure/income/new/")
    page.select_option("select[name=estate]", str(world.estate_a.pk))
    page.fill("input[name=period_start]", "2025-01-01")
    page.fill("input[name=period_end]", "2025-12-31")
    with page.expect_navigation():
        page.click("[data-testid=create]")
    page.wait_for_load_state("networkidle")
    report = IncomeReport.objects.get()
    assert page.url.endswith(f"/disclosure/income/{report.pk}/")
    _add(page, "item-form", {"source": "lift_ad", "amount": "86400", "description": "电梯轿厢框架广告，全年"})
    _add(page, "item-form", {"source": "common_parking", "amount": "52800", "description": "小区道路划线停车位出租"})
    _add(page, "cost-form", {"description": "广告位维护及停车秩序维护人员劳务", "amount": "12000"})
    assert page.locator("[data-testid=net]").inner_text().strip() == "127,200.00"
    assert page.locator("[data-testid=items] tbody tr").count() == 2
    shot(page, "income-1-company-draft")
    with page.expect_navigation():
        page.click("[data-testid=submit]")
    page.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.status == "submitted"

    # The committee confirms: published, shares by area.
    page = person(world.users["committee"])
    page.goto(f"{live.url}/disclosure/income/{report.pk}/")
    assert page.locator("[data-testid=confirm]").is_visible()
    shot(page, "income-2-committee-review")
    page.fill("[data-testid=decide-form] textarea[name=note]", "已逐项核对合同和银行流水")
    with page.expect_navigation():
        page.click("[data-testid=confirm]")
    page.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.status == "published"
    assert sum(IncomeShare.objects.filter(report=report).values_list("amount", flat=True)) == Decimal("127200.00")
    assert page.locator("[data-testid=shares] tbody tr").count() == 12
    shot(page, "income-3-committee-published")

    # The public page, without logging in: figures, chart, per-m² — no per-unit list.
    # Her neighbours find it on the estate's public page, then open the report.
    public = page_for()
    public.goto(f"{live.url}/public/estates/{report.estate_id}/")
    panel = public.locator("[data-testid=income-panel]")
    assert "127,200.00" in panel.inner_text()
    shot(public, "income-4-estate-page")
    panel.locator(f"a[href='/disclosure/income/{report.pk}/public/']").click()
    public.wait_for_url(f"{live.url}/disclosure/income/{report.pk}/public/")
    assert public.locator("[data-testid=net]").inner_text().strip() == "127,200.00"
    assert public.locator("#wy-chart canvas").count() == 1
    assert public.locator("[data-testid=my-shares]").count() == 0 and "3-1-101" not in public.content()
    public.fill("#wy-area", "89.50")
    assert public.locator("[data-testid=estimate]").inner_text().startswith("≈")
    shot(public, "income-4-public")

    # An owner sees their own share with the calculation, and objects (→ a complaint).
    owner = person(world.users["resident"], width=390, height=844)
    owner.goto(f"{live.url}/disclosure/income/{report.pk}/public/")
    share = IncomeShare.objects.get(report=report, unit=world.unit_a)
    assert owner.locator("[data-testid=my-amount]").inner_text().startswith(f"{share.amount:,}")
    owner.fill("[data-testid=objection-form] textarea[name=text]", "停车收入偏低：小区道路约有四十个车位在出租")
    with owner.expect_navigation():
        owner.click("[data-testid=object]")
    owner.wait_for_load_state("networkidle")
    obj = IncomeObjection.objects.get()
    assert obj.complaint.tracking_code in owner.locator("[data-testid=my-objection]").inner_text()
    shot(owner, "income-5-owner-mobile")
