"""Browser: a district official accepts an enclosure project on a phone (390 px wide), and the
city's target chart moves — the city figure and the district's row count the acceptance, nothing
typed. Screenshots in test-artifacts/screenshots/."""

import re
from datetime import date, timedelta

from django.utils import timezone

from wuye.campaign import services as camp_svc
from wuye.campaign.models import TargetQuota, Task
from wuye.conftest import PASSWORD, build_world
from wuye.core.calendar import warm_up
from wuye.registry import services as rs
from wuye.registry.models import Estate
from wuye.transition.oldcompounds import services as svc
from wuye.transition.oldcompounds.models import RenovationProject


def _login(page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_district_accepts_an_enclosure_on_a_phone_and_the_city_chart_moves(live, page_for, shot):
    world = build_world()
    warm_up()
    city, district = world.users["city"], world.users["district"]
    today = timezone.localdate()
    old = rs.estate_create(actor=city, name="机床厂宿舍", address="东城区多福巷 20 号", community=world.c1,
                           kind=Estate.Kind.OLD_COMPOUND, year_built=1982, management_mode=Estate.ManagementMode.NONE)
    svc.profile_save(actor=district, estate=old, households=96, lacking={"lacks_enclosure", "lacks_lighting"},
                     plan_status="planned", plan_year=today.year, plan_note="年内加装封闭设施")
    plan = camp_svc.plan_create(actor=city, year=today.year, title=f"{today.year}年工作方案")
    task = Task.objects.create(plan=plan, number="1", title="完成老旧楼院加装封闭设施", lead_kind="district",
                               lead_id=world.d1.pk, lead_name="东城区", due_date=date(today.year, 12, 31),
                               indicator="enclosures_completed", target_quantity=900, target_unit="个")
    TargetQuota.objects.create(task=task, district=world.d1, quota=500)
    TargetQuota.objects.create(task=task, district=world.d2, quota=400)
    project = svc.project_create(actor=district, estate=old, kind="enclosure", title="机床厂宿舍加装封闭设施",
                                 planned_finish=today + timedelta(days=20), started_on=today - timedelta(days=30))
    svc.project_finish(actor=district, project=project, finished_on=today - timedelta(days=1))

    # The city bureau's chart before: nothing done.
    desk = page_for()
    _login(desk, live.url, "root_city")
    desk.goto(f"{live.url}/old-compounds/target/")
    desk.wait_for_load_state("networkidle")
    assert desk.locator("[data-testid=target-done]").inner_text().strip() == "0"
    assert desk.locator("#city-chart canvas").count() == 1  # ECharts drew it (no inline handlers)
    desk.wait_for_timeout(800)
    shot(desk, "oldcompounds-01-target-before")

    # The district official, on a phone: the register, the compound, the project, the acceptance.
    phone = page_for(width=390, height=844, is_mobile=True, has_touch=True)
    _login(phone, live.url, "p_district")
    phone.goto(f"{live.url}/old-compounds/")
    phone.wait_for_load_state("networkidle")
    assert "机床厂宿舍" in phone.locator("[data-testid=compound-table]").inner_text()
    shot(phone, "oldcompounds-02-register-phone")
    phone.get_by_role("link", name="机床厂宿舍").first.click()
    phone.wait_for_url(re.compile(rf"/old-compounds/{old.pk}/$"))
    phone.get_by_role("link", name="机床厂宿舍加装封闭设施").click()
    phone.wait_for_url(re.compile(rf"/old-compounds/projects/{project.pk}/$"))
    phone.fill("#id_note", "封闭设施完好，门禁运行正常，验收合格")
    shot(phone, "oldcompounds-03-accept-form-phone")
    phone.click("[data-testid=accept-submit]")
    phone.locator("#wy-confirm [data-wy-confirm-ok]").wait_for(state="visible")
    shot(phone, "oldcompounds-04-confirm-phone")
    with phone.expect_navigation():
        phone.click("#wy-confirm [data-wy-confirm-ok]")
    phone.wait_for_load_state("networkidle")
    assert "已验收" in phone.locator("h1").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling
    shot(phone, "oldcompounds-05-accepted-phone")
    project.refresh_from_db()
    assert project.status == RenovationProject.Status.ACCEPTED and project.accepted_on == today

    # The city's chart has moved: the city figure and 东城区's row.
    desk.reload()
    desk.wait_for_load_state("networkidle")
    assert desk.locator("[data-testid=target-done]").inner_text().strip() == "1"
    row = desk.locator(f"[data-testid=district-row][data-district='{world.d1.pk}'] [data-testid=district-done]")
    assert row.inner_text().strip() == "1"
    desk.wait_for_timeout(800)
    shot(desk, "oldcompounds-06-target-after")
