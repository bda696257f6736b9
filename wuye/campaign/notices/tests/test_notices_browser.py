"""Notices in Debian's Chromium (issue 16 item 15): the city bureau sends a notice to three
companies with the compose form → one company's manager opens it on a phone (390 px) and
acknowledges (签收) → the sender's receipts show 1 of 3. Screenshots: test-artifacts/screenshots/
notice-*."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import browser, live, page_for, shot  # noqa: F401  (shared Playwright fixtures)
from wuye.campaign.notices.models import Notice, Receipt
from wuye.conftest import CREDIT_CODES, PASSWORD, build_world
from wuye.core.calendar import local_text
from wuye.core.testing import auto_confirm
from wuye.registry import services as rs

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def w(live):  # noqa: F811
    world = build_world()
    world.company_c = rs.company_create(actor=world.users["city"], name="鑫诚物业有限公司", credit_code=CREDIT_CODES[2],
                                        legal_representative="周敏", address="东城区", service_phone="01065550003")
    return world


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


def test_notice_to_three_companies_one_signs_on_a_phone(w, live, page_for, shot):  # noqa: F811
    office = login(page_for, live, w.users["city"], width=1280, height=900)
    office.goto(f"{live.url}/notices/new/")
    office.fill("input[name=title]", "关于开展冬季消防安全检查的通知")
    office.fill("textarea[name=body]", "请各物业服务企业于本周内完成消防通道、消防设施排查。")
    office.fill("input[name=ack_due]", local_text(timezone.now() + timedelta(days=2), "%Y-%m-%dT%H:%M"))
    office.select_option("select[name=units]", [f"company:{c.pk}" for c in (w.company_a, w.company_b, w.company_c)],
                         force=True)  # the searchable picker keeps the hidden select as its value
    shot(office, "notice-compose")
    with office.expect_navigation():
        office.click("[data-testid=notice-send]")
    notice = Notice.objects.get(title="关于开展冬季消防安全检查的通知")
    assert notice.recipient_count == 3
    assert "已签收 0 / 3" in office.inner_text("[data-testid=receipt-summary]")

    phone = login(page_for, live, w.users["manager_a"], width=390, height=844, is_mobile=True, has_touch=True)
    phone.goto(f"{live.url}/notices/inbox/")
    shot(phone, "notice-inbox-phone")
    with phone.expect_navigation():
        phone.click(f"a[href='/notices/inbox/{notice.pk}/']")
    phone.wait_for_selector("[data-testid=read-mark]")  # the page records 'read' by a POST on load
    assert Receipt.objects.get(notice=notice, unit_id=w.company_a.pk).status == "read"
    phone.fill("textarea[name=feedback]", "已组织排查")
    with phone.expect_navigation():
        phone.click("[data-testid=ack]")
    assert "已签收" in phone.inner_text("[data-testid=receipt-status]")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(phone, "notice-acknowledged-phone")

    office.goto(f"{live.url}/notices/{notice.pk}/")
    assert "已签收 1 / 3" in office.inner_text("[data-testid=receipt-summary]")
    assert office.inner_text("[data-testid=count-acknowledged]").strip() == "1"
    assert office.inner_text("[data-testid=count-pending]").strip() == "2"
    shot(office, "notice-receipts")
