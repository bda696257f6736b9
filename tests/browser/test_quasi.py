"""准物业 in the browser (issue 17 §9, item 6): a community official records a compound's monthly
check on a phone — security and facilities passed, cleaning failed with a note and a photo — and
the contract page shows the failed cell, the rectification request and the payment computed by the
published formula. Screenshots go to test-artifacts/screenshots/ like the other browser tests'."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.browser.conftest import browser, live, page_for, shot  # noqa: F401  (shared Playwright fixtures)
from wuye.conftest import PASSWORD, world  # noqa: F401  (the shared personas)
from wuye.transition.quasi.models import MonthlyCheck, Rectification
from wuye.transition.quasi.tests.conftest import make_contract, media, quasi  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _login(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_a_community_records_a_monthly_check_on_a_phone(quasi, live, page_for, shot, tmp_path):  # noqa: F811
    w = quasi.world
    contract = make_contract(quasi)
    photo = tmp_path / "cleaning.png"
    buf = io.BytesIO()
    Image.new("RGB", (120, 90), (90, 140, 60)).save(buf, format="PNG")
    photo.write_bytes(buf.getvalue())

    phone = page_for(width=390, height=844, is_mobile=True, has_touch=True)
    _login(phone, live.url, w.users["community"])
    phone.goto(f"{live.url}/quasi/{contract.pk}/")
    shot(phone, "quasi-contract-390")
    with phone.expect_navigation():
        phone.click("[data-testid=check-new]")
    phone.select_option("select[name=estate]", str(quasi.old1.pk))
    phone.click("label[for=id_result_cleaning_1]")  # 不合格
    phone.fill("textarea[name=note_cleaning]", "3 号楼楼道堆放杂物，垃圾桶满溢")
    phone.set_input_files("input[name=photos_cleaning]", str(photo))
    # the form fits the phone's width: nothing to scroll sideways
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "quasi-check-form-390")
    with phone.expect_navigation():
        phone.click("[data-testid=check-save]")
    assert "1 项不合格" in phone.locator(".wy-messages .alert").first.inner_text()
    assert phone.locator("[data-testid=failed-cell]").count() == 1
    assert "66.67%" in phone.locator("[data-testid=pass-rate]").inner_text()
    shot(phone, "quasi-after-check-390")

    assert MonthlyCheck.objects.filter(contract=contract, estate=quasi.old1).count() == 3
    rect = Rectification.objects.get()
    assert rect.duty == "cleaning" and rect.monthly_check.photos.count() == 1

    page = page_for()
    _login(page, live.url, w.users["manager_a"])
    page.goto(f"{live.url}/quasi/rectifications/")
    assert page.locator("[data-testid=rect-row]").count() == 1
    shot(page, "quasi-provider-rectifications")
