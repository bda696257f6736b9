"""Committee election clicked through in Debian's Chromium: the community opens an election,
candidates are nominated and vetted (Party badge shown), the vote starts, the result is declared
from the minutes, the district files it; the officials' list of committees due.
Screenshots go to test-artifacts/screenshots/elections-*."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import browser, live, page_for, shot  # noqa: F401  (shared Playwright fixtures)
from wuye.conftest import PASSWORD
from wuye.core.testing import auto_confirm
from wuye.governance.elections import services as svc
from wuye.governance.models import Candidate, Election
from wuye.registry.models import OwnersCommittee

from .election_support import add_owners

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def person(live, page_for):  # noqa: F811
    def _login(user, **viewport):
        page = page_for(**viewport)
        auto_confirm(page)
        page.goto(f"{live.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("form[data-testid=login-form] button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return _login


def test_election_from_opening_to_filing(world, live, person, shot):  # noqa: F811
    owners = add_owners(world, 6)
    page = person(world.users["community"])
    page.goto(f"{live.url}/governance/elections/new/")
    page.select_option("select[name=estate]", str(world.estate_a.pk))
    page.fill("input[name=title]", "幸福里小区第二届业主委员会选举")
    page.fill("input[name=seats]", "6")
    page.click("[data-testid=submit]")
    assert "单数组成" in page.locator("body").inner_text()
    shot(page, "elections-new-refused")
    page.fill("input[name=seats]", "5")
    with page.expect_navigation():
        page.click("[data-testid=submit]")
    page.wait_for_load_state("networkidle")
    e = Election.objects.get()
    assert page.url.endswith(f"/governance/elections/{e.pk}/")

    for i, o in enumerate(owners):
        page.select_option("select[name=owner]", str(o.pk))
        if i < 3:
            page.check("input[name=is_party_member]")
        page.fill("textarea[name=statement]", "在小区居住十余年，愿意为业主服务。")
        with page.expect_navigation():
            page.click("[data-testid=nominate-submit]")
        page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=candidate]").count() == 6
    assert page.locator("[data-testid=party-badge]").count() == 3
    shot(page, "elections-nominated")
    for _ in range(5):
        with page.expect_navigation():
            page.locator("[data-testid=vet-approve]").first.click()
        page.wait_for_load_state("networkidle")
    form = page.locator("[data-testid=vet-form]").first
    form.locator("input[name=note]").fill("长期拖欠物业服务费，不符合候选人条件")
    with page.expect_navigation():
        form.locator("[data-testid=vet-reject]").click()
    page.wait_for_load_state("networkidle")
    assert Candidate.objects.filter(election=e, vetting="approved").count() == 5
    assert "不符合候选人条件" in page.locator("[data-testid=candidates]").inner_text()
    with page.expect_navigation():
        page.click("[data-testid=start-submit]")
    page.wait_for_load_state("networkidle")
    e.refresh_from_db()
    assert e.status == "voting"

    with page.expect_navigation():
        page.click("[data-testid=declare-link]")
    page.wait_for_load_state("networkidle")
    elected_on = timezone.localdate() - timedelta(days=3)
    page.fill("input[name=elected_on]", elected_on.isoformat())
    page.fill("input[name=total_area]", "1500")  # the assembly's totals: 1200/1500 m² and 110/150 heads ≥ 2/3
    page.fill("input[name=total_heads]", "150")
    page.fill("input[name=participating_area]", "1200")
    page.fill("input[name=participating_heads]", "110")
    rows = page.locator("[data-testid=result-row]")
    for i in range(rows.count()):
        rows.nth(i).locator("input").nth(0).fill(str(800 - i * 10))
        rows.nth(i).locator("input").nth(1).fill(str(90 - i))
    shot(page, "elections-declare")
    with page.expect_navigation():
        page.click("[data-testid=submit]")
    page.wait_for_load_state("networkidle")
    e.refresh_from_db()
    assert e.status == "elected"
    assert page.locator("[data-testid=elected]").count() == 5
    shot(page, "elections-declared")
    committee = OwnersCommittee.objects.get(estate=world.estate_a, is_current=True)
    assert committee.members.count() == 5

    district = person(world.users["district"])
    district.goto(f"{live.url}/governance/committees/due/")
    assert "幸福里小区" in district.locator("[data-testid=due-table]").inner_text()
    shot(district, "elections-committees-due")
    district.goto(f"{live.url}/governance/elections/{e.pk}/")
    assert district.locator("input[name=filed_on]").input_value() == timezone.localdate().isoformat()
    with district.expect_navigation():
        district.click("[data-testid=file-submit]")
    e.refresh_from_db()
    assert e.status == "filed" and not svc.filing_is_late(e)
    shot(district, "elections-filed")

    phone = person(world.users["resident"], width=390, height=844)
    phone.goto(f"{live.url}/governance/elections/{e.pk}/")
    assert phone.locator("[data-testid=party-badge]").count() >= 1
    assert phone.locator("[data-testid=nominate-form]").count() == 0
    shot(phone, "elections-detail-mobile")
    phone.goto(f"{live.url}/governance/elections/")
    shot(phone, "elections-list-mobile")
