"""Browser: a district official records a developer's violation with evidence, the city bureau
reviews and publishes it, the notice ends (the sweep), and the violation appears on the public
list of developers (/developers/public/, no login). Screenshots in test-artifacts/screenshots/."""

import re
from datetime import timedelta

from wuye.conftest import PASSWORD, build_world
from wuye.core.calendar import warm_up
from wuye.transition.developers import services
from wuye.transition.developers.models import DevelopedEstate, DeveloperViolation


def _page(page_for):
    """A page with generous timeouts: the shared test machine is often busy."""
    page = page_for()
    page.set_default_timeout(120_000)
    page.set_default_navigation_timeout(120_000)
    return page


def _login(page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_official_records_a_violation_and_after_confirmation_it_is_public(live, page_for, shot, tmp_path):
    world = build_world()
    warm_up()
    dev = services.developer_create(user=world.users["city"], data={
        "name": "示范市华润置业有限公司", "credit_code": "91110102MA03JKLM2D", "legal_representative": "周强"})
    DevelopedEstate.objects.create(developer=dev, estate=world.estate_a, phase="一期")
    evidence = tmp_path / "交房通知.pdf"
    evidence.write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")

    # The district official finds the developer and records the violation with a file.
    page = _page(page_for)
    _login(page, live.url, "p_district")
    with page.expect_navigation():
        page.click("[data-testid=nav-developers]")
    page.wait_for_load_state("networkidle")
    assert "示范市华润置业有限公司" in page.locator("[data-testid=developers]").inner_text()
    shot(page, "developers-01-list-district")
    page.get_by_role("link", name="示范市华润置业有限公司").click()
    page.wait_for_url(re.compile(rf"/developers/{dev.pk}/$"))
    assert "幸福里小区" in page.locator("[data-testid=estates]").inner_text()
    page.click("[data-testid=new-violation]")
    page.wait_for_url(re.compile(r"/violations/new/$"))
    page.select_option("#id_kind", "unaccepted_delivery")
    page.select_option("#id_estate", str(world.estate_a.pk))
    page.fill("#id_note", "一期3号楼未经竣工验收即向业主交付使用")
    page.set_input_files("#id_files", str(evidence))
    shot(page, "developers-02-record-form")
    page.locator("form[data-testid=violation-form] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/developers/violations/\d+/$"))
    v = DeveloperViolation.objects.get(developer=dev)
    assert v.status == "draft" and v.files.count() == 1
    assert "交房通知.pdf" in page.locator("[data-testid=files]").inner_text()
    # The recorder may not review it.
    assert page.locator("[data-testid=action-review]").count() == 0
    shot(page, "developers-03-violation-draft")

    # The city bureau reviews and publishes.
    city = _page(page_for)
    _login(city, live.url, "root_city")
    city.goto(f"{live.url}/developers/violations/{v.pk}/")
    city.locator("[data-testid=action-review] button").click()
    city.wait_for_load_state("networkidle")
    city.locator("[data-testid=action-publish] button").click()
    city.wait_for_load_state("networkidle")
    assert "公示中" in city.locator("[data-testid=status]").first.inner_text()
    shot(city, "developers-04-violation-in-notice")
    v.refresh_from_db()
    assert v.status == "notice"

    # Not public while in notice.
    anon = _page(page_for)
    anon.goto(f"{live.url}/developers/public/")
    assert "示范市华润置业有限公司" not in anon.content()

    # The notice ends without an objection: the sweep confirms.
    assert services.violation_sweep(now=v.notice_end + timedelta(minutes=1))["confirmed"] == 1
    anon.goto(f"{live.url}/developers/public/")
    table = anon.locator("[data-testid=list]")
    assert "示范市华润置业有限公司" in table.inner_text() and "未经验收交付" in table.inner_text()
    shot(anon, "developers-05-public-list")
    anon.get_by_role("link", name="示范市华润置业有限公司").click()
    anon.wait_for_url(re.compile(rf"/developers/public/{dev.pk}/$"))
    assert "一期3号楼未经竣工验收" in anon.locator("[data-testid=violations]").inner_text()
    shot(anon, "developers-06-public-detail")

    # The timeline on the developer's page shows every step.
    page.goto(f"{live.url}/developers/{dev.pk}/")
    timeline = page.locator("[data-testid=violations]").inner_text()
    for label in ("录入", "审核通过", "开始公示", "公示期满确认"):
        assert label in timeline
    shot(page, "developers-07-detail-timeline")
