"""Browser scenario of 我的个人信息 (issue 18 §12): a resident opens the page from the menu, asks for a
correction, the city bureau refuses it without a reason (refused, what was typed kept) and then with
one, and the resident reads the outcome. Screenshots saved."""

from __future__ import annotations

import pytest

from tests.browser.conftest import browser, live, page_for, shot  # noqa: F401  (shared Playwright fixtures)
from wuye.conftest import PASSWORD, build_world
from wuye.privacy.models import CorrectionRequest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}


def _login(page, url, username):
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[data-testid=login-form] button[type=submit]")


def test_correction_request_in_the_browser(live, page_for, shot):  # noqa: F811
    world = build_world()
    resident, city = world.users["resident"], world.users["city"]

    phone = page_for(**PHONE)
    _login(phone, live.url, resident.username)
    phone.goto(f"{live.url}/privacy/mine/")
    phone.wait_for_selector("[data-testid=download-form]")
    shot(phone, "privacy-mine-phone")
    phone.click("[data-testid=new-correction]")
    phone.select_option("select[name=field]", "name")
    phone.fill("textarea[name=current_value]", "房屋 3-1-101 的业主姓名登记为王秀瑛")
    phone.fill("textarea[name=wanted_value]", "王秀英")
    with phone.expect_navigation():
        phone.click("form[data-testid=correction-form] button[type=submit]")
    phone.wait_for_selector("text=更正申请已提交")
    req = CorrectionRequest.objects.get()

    office = page_for()
    _login(office, live.url, city.username)
    office.goto(f"{live.url}/privacy/corrections/")
    office.wait_for_selector("[data-testid=inbox-count]")
    shot(office, "privacy-corrections-inbox")
    office.goto(f"{live.url}/privacy/corrections/{req.pk}/")
    office.fill("textarea[name=note]", "")
    with office.expect_navigation():
        office.click("button[name=action][value=refuse]")
    office.wait_for_selector("[data-testid=form-errors]")
    assert "理由" in office.locator("[data-testid=form-errors]").inner_text()
    office.fill("textarea[name=note]", "经核实，不动产登记簿记载的姓名为王秀瑛，请先到不动产登记机构更正")
    with office.expect_navigation():
        office.click("button[name=action][value=refuse]")
    office.wait_for_selector("text=已处理该更正申请")
    req.refresh_from_db()
    assert req.status == CorrectionRequest.Status.REFUSED

    phone.goto(f"{live.url}/privacy/mine/")
    assert "不动产登记簿" in phone.locator("[data-testid=my-corrections]").inner_text()
    phone.goto(f"{live.url}/privacy/corrections/{req.pk}/")
    assert "不予更正" in phone.locator("[data-testid=outcome]").inner_text()
    shot(phone, "privacy-correction-outcome-phone")
