"""Browser: a company runs a handover inspection (承接查验) through its seven steps with a missing
document and a defect (with a photo), files it with the district, and the district official sees
it filed in the district's list. Screenshots in test-artifacts/screenshots/."""

import io
import re

from PIL import Image

from wuye.conftest import PASSWORD, build_world
from wuye.core.calendar import warm_up
from wuye.transition.developers import services as dev_services
from wuye.transition.developers.models import DevelopedEstate
from wuye.transition.handover.models import HandoverCase, HandoverDefect, HandoverDocument


def _login(page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state("networkidle")


def _step(page, action: str) -> None:
    with page.expect_navigation():
        page.click(f"[data-testid=do-{action}]")
    page.wait_for_load_state("networkidle")


def test_a_company_runs_a_handover_through_seven_steps_files_it_and_the_district_sees_it(live, page_for, shot, tmp_path):
    world = build_world()
    warm_up()
    dev = dev_services.developer_create(user=world.users["city"], data={
        "name": "示范市华润置业有限公司", "credit_code": "91110102MA03JKLM2D"})
    DevelopedEstate.objects.create(developer=dev, estate=world.estate_a, phase="二期")
    photo = tmp_path / "泵房.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 200)).save(buf, "JPEG")
    photo.write_bytes(buf.getvalue())

    page = page_for()
    _login(page, live.url, "p_manager_a")
    with page.expect_navigation():
        page.click("[data-testid=nav-handover]")
    assert page.locator("[data-testid=empty]").count() == 1
    page.click("[data-testid=handover-open]")
    page.wait_for_url(re.compile(r"/handovers/new/$"))
    page.select_option("#id_estate", str(world.estate_a.pk))
    page.fill("#id_phase", "二期")
    page.select_option("#id_developer", str(dev.pk))
    page.fill("#id_completion_filed_on", "2025-05-01")
    page.fill("#id_delivered_on", "2025-06-01")
    page.fill("#id_plan_note", "查验范围：二期共用部位和共用设施设备；双方各派 3 人。")
    shot(page, "handover-01-open")
    with page.expect_navigation():
        page.click("[data-testid=handover-save]")
    case = HandoverCase.objects.get()
    assert page.url.endswith(f"/handovers/{case.pk}/")

    # 1. plan
    _step(page, "plan_done")
    # 2. documents: one missing with a promised date, the others received
    rows = page.locator("[data-testid=doc]")
    assert rows.count() == 6
    for i in range(6):
        form = page.locator("[data-testid=doc]").nth(i).locator("[data-testid=doc-form]")
        if i == 0:
            form.locator("select[name=status]").select_option("missing")
            form.locator("input[name=promised_on]").fill("2027-01-31")
        else:
            form.locator("select[name=status]").select_option("received")
        with page.expect_navigation():
            form.locator("button").click()
        page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=doc][data-status=missing]").count() == 1
    shot(page, "handover-02-checklist")
    _step(page, "documents_done")
    # 3. site inspection: a defect with a photo
    page.select_option("#id_part", "equipment")
    page.fill("#id_location", "地下泵房")
    page.fill("#id_description", "二次供水水箱无水质检测报告")
    page.fill("#id_responsible", "建设单位")
    page.fill("#id_promised_on", "2026-12-31")
    page.set_input_files("#id_photos", str(photo))
    with page.expect_navigation():
        page.click("[data-testid=defect-save]")
    assert page.locator("[data-testid=defect][data-status=open]").count() == 1
    shot(page, "handover-03-defect")
    _step(page, "inspection_done")
    # 4. resolve the defect
    page.fill("[data-testid=defect-fix] input[name=note]", "已补水质检测报告，检测合格")
    with page.expect_navigation():
        page.click("[data-testid=defect-fix] button")
    assert HandoverDefect.objects.get().status == "fixed"
    _step(page, "defects_resolved")
    # 5–7. confirm, sign, hand over
    _step(page, "confirm")
    page.fill("[data-testid=step-sign] input[name=number]", "CJ-2026-018")
    _step(page, "sign")
    _step(page, "hand_over")
    case.refresh_from_db()
    assert case.status == "handed_over" and case.filing_due is not None
    assert page.locator("[data-testid=steps] [data-state=done]").count() == 7
    shot(page, "handover-04-handed-over")
    # filing
    page.fill("[data-testid=step-file] input[name=number]", "BA-2026-0042")
    _step(page, "file")
    case.refresh_from_db()
    assert case.status == "filed" and case.filing_number == "BA-2026-0042"
    assert "BA-2026-0042" in page.locator("[data-testid=filed]").inner_text()
    assert HandoverDocument.objects.get(case=case, kind="site_plan").status == "missing"
    shot(page, "handover-05-filed")

    # The district sees it filed in its list.
    district = page_for()
    _login(district, live.url, "p_district")
    with district.expect_navigation():
        district.click("[data-testid=nav-handover]")
    row = district.locator(f"[data-testid=row][data-id='{case.pk}']")
    assert row.count() == 1 and "已备案" in row.inner_text()
    district.goto(f"{live.url}/handovers/?step=filed")
    assert district.locator("[data-testid=row]").count() == 1
    shot(district, "handover-06-district-list")
    with district.expect_navigation():
        district.click(f"[data-testid=row][data-id='{case.pk}'] a")
    assert district.locator("[data-testid=step-plan_done]").count() == 0
    assert "地下泵房" in district.locator("[data-testid=defects]").inner_text()
    shot(district, "handover-07-district-detail")
    # another company sees nothing
    other = page_for()
    _login(other, live.url, "p_manager_b")
    other.goto(f"{live.url}/handovers/{case.pk}/")
    assert other.locator("[data-testid=steps]").count() == 0
