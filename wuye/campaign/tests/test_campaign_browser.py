"""Issue 16 item 15 (part 1), clicked through in Debian's Chromium: the campaign office creates a
task → the lead district reports → the office returns it with a reason → the district reports
again → the office accepts it. Screenshots go to test-artifacts/screenshots/campaign-*."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from PIL import Image

from tests.browser.conftest import browser, live, page_for, shot  # noqa: F401  (shared Playwright fixtures)
from wuye.campaign import services as svc
from wuye.campaign.models import Report, ReportEvent, Task
from wuye.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def person(live, page_for):  # noqa: F811
    def _login(user, **viewport):
        page = page_for(**viewport)
        page.goto(f"{live.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("form[data-testid=login-form] button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return _login


def test_task_report_returned_and_accepted(world, live, person, shot):  # noqa: F811
    year = timezone.localdate().year
    plan = svc.plan_create(actor=world.users["city"], year=year, title=f"{year}年物业服务质量提升工作方案")
    office = person(world.users["city"])
    office.goto(f"{live.url}/campaign/plans/")
    shot(office, "campaign-plans")
    office.click(f"a[href='/campaign/plans/{plan.pk}/tasks/new/']")
    office.fill("input[name=number]", "1")
    office.fill("input[name=title]", "完成老旧楼院加装封闭设施")
    office.fill("textarea[name=content]", "东城区年内完成老旧楼院加装封闭设施")
    office.select_option("select[name=lead]", f"district:{world.d1.pk}")
    office.select_option("select[name=co_units]", [f"street:{world.s1.pk}"], force=True)  # the picker keeps the select as its value
    office.fill("input[name=due_date]", f"{year}-12-31")
    office.select_option("select[name=rhythm]", "month")
    shot(office, "campaign-task-form")
    with office.expect_navigation():
        office.click("[data-testid=task-save]")
    task = Task.objects.get(plan=plan, number="1")
    assert office.url.endswith(f"/campaign/tasks/{task.pk}/")

    district = person(world.users["district"], width=390, height=844)  # on a phone
    district.goto(f"{live.url}/campaign/tasks/{task.pk}/")
    district.fill("textarea[name=text]", "本月完成加装封闭设施 12 个")
    district.fill("input[name=quantity_done]", "12")
    with district.expect_navigation():
        district.click("[data-testid=report-submit]")
    shot(district, "campaign-district-reported")
    report = Report.objects.get(task=task)
    assert report.status == "submitted" and report.unit_name.startswith(world.d1.name)

    office.goto(f"{live.url}/campaign/tasks/{task.pk}/")
    office.click("[data-testid=return]")
    office.fill(f"#reason-{report.pk}", "缺少现场照片，请补充后重报")
    shot(office, "campaign-return-modal")
    with office.expect_navigation():
        office.click("[data-testid=return-confirm]")
    report.refresh_from_db()
    assert report.status == "returned" and report.return_reason == "缺少现场照片，请补充后重报"

    district.goto(f"{live.url}/campaign/tasks/{task.pk}/")
    assert "缺少现场照片" in district.content()
    district.fill("textarea[name=text]", "本月完成加装封闭设施 12 个，现场照片见附件")
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(buf, format="JPEG")
    district.set_input_files("input[name=files]", files=[{"name": "现场.jpg", "mimeType": "image/jpeg",
                                                          "buffer": buf.getvalue()}])
    with district.expect_navigation():
        district.click("[data-testid=report-submit]")
    report.refresh_from_db()
    assert report.status == "submitted"

    office.goto(f"{live.url}/campaign/tasks/{task.pk}/")
    with office.expect_navigation():
        office.click("[data-testid=accept]")
    report.refresh_from_db()
    assert report.status == "accepted"
    assert list(ReportEvent.objects.filter(report=report).values_list("action", flat=True)) == [
        "submit", "return", "resubmit", "accept"]
    shot(office, "campaign-task-accepted")
    office.goto(f"{live.url}/campaign/")
    office.wait_for_timeout(800)
    shot(office, "campaign-board")
    assert "完成老旧楼院加装封闭设施" in office.content()
