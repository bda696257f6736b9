"""回头看 in the browser (issue 17 §10, item 5): a district official organises a 回头看 of the year's
clean-up, runs the draw with a typed seed (the seed is shown with the re-run check), and a street
official records a relapse on a phone with a photo — a new rectification order and a credit event
follow. Screenshots go to test-artifacts/screenshots/ like the other browser tests'."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.browser.conftest import browser, live, page_for, shot  # noqa: F401  (shared Playwright fixtures)
from wuye.conftest import PASSWORD, world  # noqa: F401  (the shared personas)
from wuye.transition.recheck.models import Recheck, RecheckCampaign
from wuye.transition.recheck.tests.support import build_rworld

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _login(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_an_official_runs_a_recheck_draw_and_records_a_relapse(world, live, page_for, shot, tmp_path):  # noqa: F811
    rw = build_rworld(world)
    u = world.users

    page = page_for()
    _login(page, live.url, u["district"])
    page.goto(f"{live.url}/recheck/")
    page.click("[data-testid=campaign-new]")
    page.fill("input[name=name]", "东城区整治成果回头看")
    page.fill("input[name=year]", str(rw.year))
    page.select_option("select[name=district]", str(world.d1.pk))
    page.fill("input[name=order_count]", "2")
    page.fill("input[name=complaint_count]", "2")
    page.check(f"input[name=categories][value='{rw.category.pk}']")
    with page.expect_navigation():
        page.click("[data-testid=campaign-save]")
    page.fill("input[name=seed]", "东城-回头看-2026")
    with page.expect_navigation():
        page.click("[data-testid=draw-submit]")
    assert page.locator("[data-testid=seed]").inner_text() == "东城-回头看-2026"
    assert "结果一致" in page.locator("[data-testid=verified]").inner_text()
    assert page.locator("[data-testid=recheck-row]").count() == 4
    shot(page, "recheck-draw")
    campaign = RecheckCampaign.objects.get()
    assert campaign.status == "checking" and campaign.seed == "东城-回头看-2026"

    # The street official, on a phone, records a relapse of a rectification order with a photo.
    r = Recheck.objects.filter(campaign=campaign, kind="order").order_by("position").first()
    photo = tmp_path / "relapse.png"
    buf = io.BytesIO()
    Image.new("RGB", (120, 90), (180, 60, 40)).save(buf, format="PNG")
    photo.write_bytes(buf.getvalue())
    phone = page_for(width=390, height=844, is_mobile=True, has_touch=True)
    _login(phone, live.url, u["street"])
    phone.goto(f"{live.url}/recheck/mine/")
    assert phone.locator("[data-testid=mine-row]").count() == 4
    phone.goto(f"{live.url}/recheck/checks/{r.pk}/")
    phone.check("input[name=result][value=relapsed]")
    phone.fill("textarea[name=note]", "消防通道又被杂物堵塞")
    phone.set_input_files("input[name=photos]", str(photo))
    shot(phone, "recheck-form-390")
    with phone.expect_navigation():
        phone.click("[data-testid=recheck-save]")
    result = phone.locator("[data-testid=recheck-result]")
    assert "问题反弹" in result.inner_text()
    assert phone.locator("[data-testid=new-order]").count() == 1
    shot(phone, "recheck-relapse-390")
    r.refresh_from_db()
    assert r.result == "relapsed" and r.new_order_id and r.credit_event_id and r.photos.count() == 1

    page.goto(f"{live.url}/recheck/{campaign.pk}/")
    assert "问题反弹 1" in page.locator("[data-testid=relapsed-count]").inner_text()
    shot(page, "recheck-progress")
