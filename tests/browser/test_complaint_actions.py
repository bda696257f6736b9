"""The company sees why it cannot reply yet (issue 14 §4, §15): the reply button is shown disabled
with the workflow's reason — as a tooltip and as visible text — on a desktop and on a 390-pixel
phone. Screenshots go to test-artifacts/screenshots/ like the other browser tests'."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.browser.conftest import browser, live, page_for, shot  # noqa: F401  (shared Playwright fixtures)
from wuye.cases.models import Status
from wuye.cases.tests.conftest import act, file
from wuye.conftest import PASSWORD, world  # noqa: F401  (the shared personas)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

REASON = "等待协办单位多福巷社区答复后可答复"


def _login(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("width,height,name", [(1366, 900, "desktop"), (390, 844, "390")])
def test_the_company_sees_the_blocked_reply_buttons_reason(world, live, page_for, shot, width, height, name):  # noqa: F811
    u = world.users
    c = file(world, title="3号楼垃圾桶三天没清运")
    act(u["city"], c, "dispatch", co_units=[f"community:{world.c1.pk}"], note="请社区协助核实")
    act(u["manager_a"], c, "sign")
    act(u["manager_a"], c, "contact", method="phone", made_at=timezone.now(), person="诉求人本人",
        result="约定今天下午处理")
    c.refresh_from_db()
    assert c.status == Status.IN_PROGRESS

    mobile = {"is_mobile": True, "has_touch": True} if width < 576 else {}
    page = page_for(width=width, height=height, **mobile)
    _login(page, live.url, u["manager_a"])
    page.goto(f"{live.url}/complaints/{c.pk}/")
    blocked = page.locator("[data-testid=blocked-reply]")
    blocked.wait_for()
    assert blocked.get_attribute("title") == REASON
    assert blocked.locator("button").is_disabled()
    reason = page.locator("[data-testid=reason-reply]")
    assert reason.is_visible() and REASON in reason.inner_text()
    # The actions the company may take stay buttons; the desk's never appear.
    assert page.locator("[data-testid=action-request_callback]").count() == 1
    assert page.locator("[data-testid=action-dispatch], [data-testid=blocked-dispatch]").count() == 0
    # The resident's number stays masked, and the page tells the company how to reach them.
    assert "13812345678" not in page.content()
    assert page.locator("[data-testid=masked-contact-hint]").count() == 1
    if width < 576:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.locator("#act").scroll_into_view_if_needed()
    shot(page, f"complaint-actions-blocked-reply-{name}")
