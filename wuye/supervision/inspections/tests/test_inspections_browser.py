"""Issue 4 item 14, clicked through in Debian's Chromium: an inspector records an inspection on a
phone with a photo and one defect ticked → the company manager uploads rectification evidence →
the re-inspection (回头看) closes the order → the company's grade changes on its public credit page.
Screenshots go to test-artifacts/screenshots/supervision-*."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from PIL import Image

from tests.browser.conftest import browser, live, page_for, shot  # noqa: F401  (shared Playwright fixtures)
from wuye.conftest import PASSWORD
from wuye.credit.models import CompanyCredit, CreditEvent
from wuye.credit.services import credit_basic_refresh
from wuye.credit.sweep import credit_sweep
from wuye.supervision.inspections import services as si
from wuye.supervision.models import Inspection, InspectionPhoto, RectificationEvidence, RectificationOrder
from wuye.supervision.tests.inspection_support import build_iworld, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Deductions the inspector types: 30.5 points in all (a score of 69.5, below 70); BJ03 is the defect.
DEDUCTIONS = {"JB02": "3", "SB01": "3", "SB02": "3", "ZX01": "3", "ZX02": "3", "BJ01": "3", "BJ03": "3", "MY01": "4",
              "XF01": "2.5", "XF02": "2.5", "XF03": "0.5"}


@pytest.fixture
def person(live, page_for):  # noqa: F811
    def _login(user, **viewport):
        page = page_for(**viewport)
        page.on("dialog", lambda d: d.accept())
        page.goto(f"{live.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("form[data-testid=login-form] button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return _login


def _grade(page, live, company) -> str:  # noqa: F811
    page.goto(f"{live.url}/credit/companies/{company.pk}/")
    return page.locator("[data-testid=grade]").first.inner_text().strip()


def test_inspection_to_closed_order_changes_the_grade(world, live, person, page_for, shot, tmp_path):  # noqa: F811
    iw = build_iworld(world)
    company = world.company_a
    credit_basic_refresh(company)  # filed: basic credit 60, grade B
    assert CompanyCredit.objects.get(company=company).grade == "B"
    plan = make_plan(iw, name="2026 年第四季度东城区双随机检查")
    draw = si.draw_create(actor=world.users["district"], plan=plan, seed="2026-11-02 东城区公开摇号")
    si.draw_publish(actor=world.users["district"], draw=draw)
    insp = Inspection.objects.get(plan=plan)
    inspector = insp.inspectors.order_by("id").first().user
    photo = tmp_path / "bins.png"
    buf = io.BytesIO()
    Image.new("RGB", (120, 90), (160, 110, 60)).save(buf, format="PNG")
    photo.write_bytes(buf.getvalue())

    # The public sees the draw without logging in.
    public = page_for()
    public.goto(f"{live.url}/supervision/draws/{draw.pk}/")
    assert "2026-11-02 东城区公开摇号" in public.locator("[data-testid=seed]").inner_text()
    assert world.estate_a.name in public.locator("[data-testid=drawn-estates]").inner_text()
    shot(public, "supervision-01-public-draw")
    before = _grade(public, live, company)
    assert before == "B"
    shot(public, "supervision-02-company-credit-before")

    # The inspector, on a phone, opens the task and records the inspection.
    page = person(inspector, width=390, height=844, is_mobile=True, has_touch=True)
    page.goto(f"{live.url}/supervision/inspections/mine/")
    shot(page, "supervision-03-inspector-tasks")
    page.locator("[data-testid=task]", has_text=world.estate_a.name).click()
    page.wait_for_url(re.compile(rf"/supervision/inspections/{insp.pk}/record/$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling
    for code, points in DEDUCTIONS.items():
        page.locator(f"[data-testid=item][data-code={code}] input[name^=deduction_]").fill(points)
    bj03 = page.locator("[data-testid=item][data-code=BJ03]")
    bj03.locator("input[name^=defect_]").check()
    bj03.locator("textarea").fill("3号楼垃圾桶周边散落垃圾，未做到日产日清")
    bj03.locator("input[type=file]").set_input_files(str(photo))
    assert page.locator("#wy-total").inner_text() == "69.5"
    bj03.scroll_into_view_if_needed()
    page.screenshot(path=str(_artifacts() / "supervision-04-inspection-form-mobile.png"))
    page.locator("[data-testid=submit]").click()  # asks in the page's Bootstrap modal (issue 14 §11)
    with page.expect_navigation():
        page.locator("[data-testid=confirm-ok]").click()
    page.wait_for_load_state("networkidle")
    page.wait_for_url(re.compile(rf"/supervision/inspections/{insp.pk}/$"))
    assert "69.5" in page.locator("[data-testid=total]").inner_text()
    shot(page, "supervision-05-inspection-result-mobile")
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.RECTIFYING and insp.defect_count == 1
    assert InspectionPhoto.objects.filter(inspection=insp, item__code="BJ03").count() == 1
    order = RectificationOrder.objects.get(inspection=insp)
    event = CreditEvent.objects.get(source_key=f"inspection:{insp.pk}")
    assert event.rule.code == "XC01"

    # The notice period of the credit item passes without objection: it counts, the grade drops.
    credit_sweep(now=event.notice_end + timedelta(minutes=1))
    assert CompanyCredit.objects.get(company=company).grade == "C"
    assert _grade(public, live, company) == "C"
    shot(public, "supervision-06-company-credit-after-inspection")

    # The estate's page shows the result.
    manager = person(world.users["manager_a"])
    manager.goto(f"{live.url}/registry/estates/{world.estate_a.pk}/")
    assert "69.5" in manager.locator("[data-testid=latest-score]").inner_text()

    # The company manager uploads evidence.
    manager.goto(f"{live.url}/supervision/orders/{order.pk}/")
    form = manager.locator("[data-testid=evidence-form]")
    form.locator("textarea[name=note]").fill("已清理散落垃圾，垃圾清运改为每日两次")
    form.locator("input[name=files]").set_input_files(str(photo))
    shot(manager, "supervision-07-order-evidence-form")
    with manager.expect_navigation():
        form.locator("[data-testid=evidence-submit]").click()
    manager.wait_for_load_state("networkidle")
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.SUBMITTED
    assert RectificationEvidence.objects.filter(order=order).count() == 1

    # The inspector re-inspects (回头看) and closes the order.
    page.goto(f"{live.url}/supervision/orders/{order.pk}/")
    form = page.locator("[data-testid=reinspect-form]")
    form.locator("label", has_text="销号").click()
    form.locator("textarea[name=note]").fill("现场复查，已整改到位")
    shot(page, "supervision-08-reinspection-mobile")
    with page.expect_navigation():
        form.locator("[data-testid=reinspect-submit]").click()
    page.wait_for_load_state("networkidle")
    order.refresh_from_db()
    insp.refresh_from_db()
    assert order.status == RectificationOrder.Status.CLOSED
    assert insp.status == Inspection.Status.CONCLUDED
    event.refresh_from_db()
    assert event.repaired_at is not None
    shot(page, "supervision-09-order-closed-mobile")

    # Verified rectification repairs the item: the grade on the public page is back to B.
    assert CompanyCredit.objects.get(company=company).grade == "B"
    assert _grade(public, live, company) == "B"
    shot(public, "supervision-10-company-credit-after-rectification")


def _artifacts():
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
