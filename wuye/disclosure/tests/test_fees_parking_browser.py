"""Fee notices and parking in Debian's Chromium: the company manager publishes a fee notice with
the form → the public notice (desktop and phone, no sideways scrolling) → an owner asks to rent a
space and sees their place → the manager offers a space from the waiting list → the owner sees it;
the district's 只售不租 list and the estate's inventory. Screenshots: test-artifacts/screenshots/fees-*
and parking-*."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.browser.conftest import browser, live, page_for, shot  # noqa: F401  (shared Playwright fixtures)
from wuye.conftest import PASSWORD, build_world
from wuye.core.testing import auto_confirm
from wuye.disclosure.models import FeeNotice, RentRequest
from wuye.disclosure.parking.services import parking_violation_sweep
from wuye.registry import services as rs
from wuye.registry.models import ParkingSpace

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def w(live):  # noqa: F811
    world = build_world()
    root = world.users["city"]
    for i in range(1, 9):
        rs.parking_create(actor=root, estate=world.estate_a, number=f"B1-{i:03d}", kind="underground",
                          ownership="developer" if i < 6 else "owner", disposal="sold" if i > 6 else "idle",
                          offered_for_rent=i in (2, 3), monthly_rent=Decimal("350.00") if i in (2, 3) else None)
    for i in range(1, 5):
        rs.parking_create(actor=root, estate=world.estate_a, number=f"L{i:03d}", kind="common_road", ownership="common",
                          disposal="rented" if i < 3 else "idle", offered_for_rent=True, monthly_rent=Decimal("120.00"))
    parking_violation_sweep()
    return world


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def login(page_for, live, user, **viewport):  # noqa: F811
    page = page_for(**viewport)
    auto_confirm(page)
    page.goto(f"{live.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_fee_notice_published_and_read_by_the_public(w, live, page_for, shot):  # noqa: F811
    page = login(page_for, live, w.users["manager_a"], width=1280, height=900)
    page.goto(f"{live.url}/disclosure/fees/")
    assert page.locator("[data-testid=flag]").count() == 1
    shot(page, "fees-list-company")
    page.goto(f"{live.url}/disclosure/fees/new/")
    page.click(f"a[href='?estate={w.estate_a.pk}']")
    assert "三星级" in page.input_value("input[name=service_standard]")
    assert page.input_value("input[name=items-0-rate]") == "2.50"
    page.fill("textarea[name=service_content]", "公共区域清洁、垃圾清运；秩序维护、门岗值守；绿化养护；共用设施设备日常运行维护")
    page.fill("input[name=legal_basis]", "物业服务合同（备案号 WY-0001）")
    page.select_option("select[name=price_regime]", "government_guided")
    page.fill("input[name=base_price]", "2.40")
    page.fill("input[name=band_percent]", "10")
    page.fill("input[name=items-1-name]", "地下车位管理费")
    page.fill("input[name=items-1-rate]", "80")
    page.fill("input[name=items-1-unit]", "元/个·月")
    shot(page, "fees-form")
    with page.expect_navigation():
        page.click("[data-testid=publish]")
    page.wait_for_load_state("networkidle")
    notice = FeeNotice.objects.get()
    assert page.url.endswith(f"/disclosure/fees/{notice.pk}/")
    assert "12358" in page.locator("[data-testid=fee-hotline]").inner_text()
    shot(page, "fees-detail")
    # the public, on a desktop and on a phone
    anon = page_for(width=1280, height=900)
    anon.goto(f"{live.url}/disclosure/fees/estate/{w.estate_a.pk}/")
    assert "安居物业服务有限公司" in anon.locator("[data-testid=fee-company]").inner_text()
    assert "基准价 2.40" in anon.locator("[data-testid=fee-regime]").inner_text()
    shot(anon, "fees-public-desktop")
    phone = page_for(width=390, height=844)
    phone.goto(f"{live.url}/disclosure/fees/estate/{w.estate_a.pk}/")
    assert phone.locator("[data-testid=fee-hotline]").is_visible() and no_sideways_scroll(phone)
    shot(phone, "fees-public-phone")
    phone.goto(f"{live.url}/disclosure/fees/estate/{w.estate_b.pk}/")
    assert "该小区尚未公示收费标准" in phone.locator("[data-testid=fee-missing]").inner_text()
    shot(phone, "fees-public-missing-phone")


def test_owner_queues_and_the_company_offers_a_space(w, live, page_for, shot):  # noqa: F811
    owner = login(page_for, live, w.users["resident"], width=390, height=844)
    owner.goto(f"{live.url}/disclosure/parking/rent/")
    owner.fill("input[name=plate]", "京A12345")
    owner.fill("input[name=phone]", "13812345678")
    with owner.expect_navigation():
        owner.click("[data-testid=file]")
    owner.wait_for_load_state("networkidle")
    assert owner.locator("[data-testid=position]").inner_text().strip() == "1"
    assert no_sideways_scroll(owner)
    shot(owner, "parking-rent-waiting-phone")

    manager = login(page_for, live, w.users["manager_a"], width=1280, height=900)
    manager.goto(f"{live.url}/disclosure/parking/estate/{w.estate_a.pk}/")
    assert manager.locator("[data-testid=violation]").is_visible()
    assert manager.locator("[data-testid=total-spaces]").inner_text().strip() == "13"
    shot(manager, "parking-estate")
    with manager.expect_navigation():
        manager.click("[data-testid=waiting-link]")
    manager.wait_for_load_state("networkidle")
    assert manager.locator("[data-testid=queue-row]").count() == 1
    assert "138****5678" in manager.locator("[data-testid=queue]").inner_text()
    shot(manager, "parking-waiting")
    space = ParkingSpace.objects.get(estate=w.estate_a, number="B1-002")
    manager.select_option("[data-testid=offer-form] select[name=space]", str(space.pk))
    with manager.expect_navigation():
        manager.click("[data-testid=offer-form] button[type=submit]")
    manager.wait_for_load_state("networkidle")
    assert "已为业主安排车位 B1-002" in manager.content()
    req = RentRequest.objects.get()
    assert req.status == "offered" and req.space == space
    space.refresh_from_db()
    assert space.disposal == "rented" and space.monthly_rent == Decimal("350.00")

    owner.goto(f"{live.url}/disclosure/parking/rent/")
    assert "车位 B1-002，月租金 350.00 元" in owner.locator("[data-testid=history]").inner_text()
    shot(owner, "parking-rent-offered-phone")

    district = login(page_for, live, w.users["district"], width=1280, height=900)
    district.goto(f"{live.url}/disclosure/parking/violations/")
    assert district.locator("[data-testid=count-open]").inner_text().strip() == "1"
    shot(district, "parking-violations")
