"""Browser scenario of a consultation (issue 19 item 8): a resident comments on the draft from a
phone with an SMS code, the drafting office answers and hides an abusive comment, closes the
consultation and publishes the summary, which the public then reads. Screenshots saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import browser, live, page_for, shot  # noqa: F401  (shared Playwright fixtures)
from wuye.conftest import PASSWORD, build_world
from wuye.rulemaking import services as svc
from wuye.rulemaking.models import Comment, Draft

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}


def _login(page, url, username):
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[data-testid=login-form] button[type=submit]")


def test_consultation_in_the_browser(live, page_for, shot, settings):  # noqa: F811
    settings.DEMO_MODE = True  # the page shows the SMS code instead of sending it
    world = build_world()
    city = world.users["city"]
    today = timezone.localdate()
    draft = svc.draft_create(actor=city, title="X市物业管理条例（征求意见稿）", publish=True,
                             body="第一条　为了规范物业管理活动。\n第十二条　公共收益每年公示一次。",
                             explanation="落实三年行动的要求。", consultation_opens=today - timedelta(days=29),
                             consultation_closes=today + timedelta(days=1))
    abusive = svc.comment_add(actor=world.users["manager_a"], draft=draft, article="总体意见", text="广告：疏通下水道")

    phone = page_for(**PHONE)
    phone.goto(f"{live.url}/rulemaking/public/drafts/{draft.pk}/")
    phone.fill("input[name=name]", "张三")
    phone.fill("input[name=phone]", "13900005555")
    phone.fill("input[name=article]", "第十二条")
    phone.fill("textarea[name=text]", "建议公共收益每季度公示一次。")
    phone.click("[data-testid=send-code]")
    code = phone.locator("[data-testid=demo-code]").inner_text()
    assert phone.input_value("textarea[name=text]") == "建议公共收益每季度公示一次。"
    phone.fill("input[name=code]", code)
    phone.click("[data-testid=submit-comment]")
    phone.wait_for_selector("text=意见已提交")
    shot(phone, "rulemaking-public-comment-phone")
    comment = Comment.objects.get(source="public")
    assert comment.article == "第十二条"

    office = page_for()
    _login(office, live.url, city.username)
    office.goto(f"{live.url}/rulemaking/drafts/{draft.pk}/")
    office.click(f"[data-testid=hide-{abusive.pk}]")
    office.fill(f"#hide-reason-{abusive.pk}", "广告")
    office.click(f"#hide-{abusive.pk} button.btn-danger")
    office.wait_for_selector("text=意见已屏蔽")
    form = office.locator(f"#c{comment.pk} form").first
    form.locator("select[name=answer]").select_option("partly")
    form.locator("input[name=reason]").fill("改为每半年公示，写入第十二条。")
    form.locator("button").click()
    office.wait_for_selector("text=答复已保存")
    shot(office, "rulemaking-office-draft")

    # The closing day passes; the periodic job closes the consultation; the office publishes.
    svc.drafts_close_due(now=timezone.now() + timedelta(days=2))
    office.goto(f"{live.url}/rulemaking/drafts/{draft.pk}/")
    office.fill("textarea[name=final_text]", "第一条　为了规范物业管理活动。\n第十二条　公共收益每半年公示一次。")
    office.click("[data-testid=publish]")
    office.click("[data-testid=confirm-publish]")
    office.wait_for_selector("text=意见采纳情况已公布")
    draft.refresh_from_db()
    assert draft.status == Draft.Status.PUBLISHED

    phone.goto(f"{live.url}/rulemaking/public/drafts/{draft.pk}/")
    summary = phone.locator("[data-testid=summary]").inner_text()
    assert "部分采纳 1 条" in summary
    assert "广告" not in phone.content()
    shot(phone, "rulemaking-public-summary-phone")
