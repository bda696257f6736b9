"""Three-party meeting to owners' question, clicked through in Debian's Chromium (issue 19 §12):
the community Party secretary (a community account) records a joint meeting on a phone (390 px)
with two decisions → the company closes one follow-up → an owner sees the decisions and asks a
question → the committee answers. Screenshots go to test-artifacts/screenshots/party-*."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import browser, live, page_for, shot  # noqa: F401  (shared Playwright fixtures)
from wuye.conftest import PASSWORD
from wuye.core.testing import auto_confirm
from wuye.governance.committees import services as cgov
from wuye.governance.committees.models import OwnerQuestion
from wuye.governance.party.models import FollowUp, JointMeeting

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}


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


def _go(page, action):
    with page.expect_navigation():
        action()
    page.wait_for_load_state("networkidle")


def test_joint_meeting_to_owner_question(world, live, person, shot):  # noqa: F811
    # the committee's own decision, on which the owner will ask
    decision = cgov.decision_record(actor=world.users["committee"], title="督促物业服务企业整改楼道保洁",
                                    body="书面督促物业服务企业在十五日内整改。", matter="contract",
                                    decided_on=timezone.localdate())

    # 1. the community Party secretary records the meeting on a phone
    page = person(world.users["community"], **PHONE)
    page.goto(f"{live.url}/governance/party/meetings/new/")
    page.select_option("select[name=estate]", str(world.estate_a.pk))
    page.fill("input[name=held_at]", timezone.localtime(timezone.now() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", "社区党群服务中心")
    page.fill("textarea[name=agenda]", "外墙渗水维修；停车收费方案公示")
    page.fill("textarea[name=attendees]", "社区党委书记、业委会主任、物业项目经理")
    page.fill("textarea[name=minutes]", "三方协商，形成两项决定。")
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    page.fill("textarea[name=d-0-decision]", "物业服务企业一个月内完成3号楼外墙渗水维修")
    page.select_option("select[name=d-0-owner_unit]", "company")
    page.fill("input[name=d-0-deadline]", due)
    page.fill("textarea[name=d-1-decision]", "业委会牵头公示停车收费方案15日")
    page.select_option("select[name=d-1-owner_unit]", "committee")
    page.fill("input[name=d-1-deadline]", due)
    shot(page, "party-meeting-form-phone")
    _go(page, lambda: page.click("[data-testid=meeting-save]"))
    meeting = JointMeeting.objects.get()
    assert page.url.endswith(f"/governance/party/meetings/{meeting.pk}/")
    assert page.locator("[data-testid=followup]").count() == 2
    shot(page, "party-meeting-detail-phone")

    # 2. the company closes its follow-up
    page = person(world.users["manager_a"])
    page.goto(f"{live.url}/governance/party/meetings/")
    assert page.locator("[data-testid=my-items]").count() == 1
    page.goto(f"{live.url}/governance/party/meetings/{meeting.pk}/")
    item = page.locator("[data-testid=followup]").filter(has_text="外墙渗水")
    item.locator("textarea[name=note]").fill("外墙已修复，业委会现场确认")
    _go(page, lambda: item.locator("[data-testid=act-complete]").click())
    f = FollowUp.objects.get(meeting=meeting, owner_unit="company")
    assert f.status == FollowUp.Status.DONE
    assert "已办结" in page.locator("[data-testid=followup]").filter(has_text="外墙渗水").inner_text()
    shot(page, "party-followup-closed")

    # 3. an owner sees the decisions and asks a question
    page = person(world.users["resident"], **PHONE)
    page.goto(f"{live.url}/governance/oversight/")
    page.wait_for_load_state("networkidle")
    text = page.locator("body").inner_text()
    assert "外墙渗水维修" in text and "停车收费方案" in text and decision.title in text
    shot(page, "party-owner-oversight-phone")
    _go(page, lambda: page.locator("[data-testid=decision-link]").first.click())
    page.select_option("select[name=kind]", "question")
    page.fill("textarea[name=text]", "整改期限到期后如何验收？")
    _go(page, lambda: page.click("[data-testid=ask-submit]"))
    q = OwnerQuestion.objects.get()
    assert q.status == OwnerQuestion.Status.OPEN
    assert "王秀英" not in page.locator("[data-testid=question]").inner_text()  # the asker is masked
    shot(page, "party-owner-question")

    # 4. the committee answers
    page = person(world.users["committee"])
    page.goto(f"{live.url}/governance/oversight/decisions/{decision.pk}/")
    page.fill("[data-testid=answer-form] textarea[name=answer]", "由业委会会同社区现场验收，结果在公告栏公示。")
    _go(page, lambda: page.click("[data-testid=answer-submit]"))
    q.refresh_from_db()
    assert q.status == OwnerQuestion.Status.ANSWERED
    assert "现场验收" in page.locator("[data-testid=answer]").inner_text()
    shot(page, "party-committee-answered")
