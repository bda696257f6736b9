"""Consultation on a draft (issue 19 item 8): the minimum period, the window's boundaries in local
time on the calendar the setting names, comments by account and unit, moderation, answers and the
published summary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from wuye.core.calendar import PeriodUnit, is_workday, period_last_day
from wuye.core.models import AuditLog
from wuye.notifications.models import Notification
from wuye.rulemaking import selectors as sel
from wuye.rulemaking import services as svc
from wuye.rulemaking.models import Comment, Draft, DraftEvent

from .factories import local, make_draft

pytestmark = pytest.mark.django_db

OPENS = date(2026, 9, 21)  # a Monday; the National Day holiday falls inside the period


# ---- the minimum period ---------------------------------------------------------------------


def test_thirty_calendar_days_are_enough_twenty_nine_are_not(world):
    city = world.users["city"]
    d = make_draft(city, opens=OPENS, days=30)
    assert d.status == Draft.Status.CONSULTING and d.period_unit == PeriodUnit.CALENDAR_DAYS
    with pytest.raises(ValidationError) as exc:
        make_draft(city, opens=OPENS, days=29)
    assert "不得少于30 个自然日" in exc.value.messages[0] or "不得少于" in exc.value.messages[0]
    assert "short_period_reason" in exc.value.messages[0]


def test_a_shorter_period_needs_a_recorded_reason(world):
    city = world.users["city"]
    d = make_draft(city, opens=OPENS, days=10, short_period_reason="上位法修改，须在年底前施行")
    assert d.short_period_reason == "上位法修改，须在年底前施行"
    audit = AuditLog.objects.filter(object_type="rulemaking.draft", object_id=str(d.pk), action="create").get()
    assert audit.changes["short_period_reason"] == "上位法修改，须在年底前施行"


def test_closing_before_opening_is_refused(world):
    with pytest.raises(ValidationError, match="不能早于开始日"):
        make_draft(world.users["city"], opens=OPENS, closes=OPENS - timedelta(days=1), short_period_reason="x")


def test_the_setting_changes_the_minimum(world, settings):
    settings.WUYE_CONSULTATION_MIN_DAYS = 45
    with pytest.raises(ValidationError, match="45"):
        make_draft(world.users["city"], opens=OPENS, days=44)
    assert make_draft(world.users["city"], opens=OPENS, days=45).pk


def test_working_days_setting_counts_working_days(world, settings):
    """With working days, the closing day must be the 30th working day after the opening day
    (holidays do not count, make-up weekends do): core.calendar.period_last_day."""
    settings.WUYE_CONSULTATION_PERIOD_UNIT = "working_days"
    city = world.users["city"]
    last = period_last_day(OPENS, 30, PeriodUnit.WORKING_DAYS)
    assert last > OPENS + timedelta(days=30)  # the National Day holiday makes it longer than 30 calendar days
    assert sum(1 for i in range(1, (last - OPENS).days + 1) if is_workday(OPENS + timedelta(days=i))) == 30
    with pytest.raises(ValidationError, match="工作日"):
        make_draft(city, opens=OPENS, closes=last - timedelta(days=1))
    d = make_draft(city, opens=OPENS, closes=last)
    assert d.period_unit == PeriodUnit.WORKING_DAYS
    assert sel.earliest_close(OPENS, unit=PeriodUnit.CALENDAR_DAYS) == OPENS + timedelta(days=30)


# ---- the window's boundaries ------------------------------------------------------------------


@pytest.mark.parametrize(("when", "accepted"), [
    (local(OPENS - timedelta(days=1), 23, 59, 59, 999999), False),  # the evening before
    (local(OPENS, 0, 0), True),  # the opening day's first instant, local time
    (local(OPENS + timedelta(days=30), 23, 59, 59, 999999), True),  # the closing day's last instant
    (local(OPENS + timedelta(days=31), 0, 0), False),  # the day after
])
def test_window_boundaries_in_local_time(world, when, accepted):
    city = world.users["city"]
    d = make_draft(city, opens=OPENS, days=30)
    if accepted:
        c = svc.comment_add(actor=world.users["resident"], draft=d, article="第一条", text="同意", now=when)
        assert c.pk
    else:
        with pytest.raises(ValidationError) as exc:
            svc.comment_add(actor=world.users["resident"], draft=d, article="第一条", text="同意", now=when)
        assert ("尚未开始" if when < local(OPENS, 0) else "已于") in exc.value.messages[0]


def test_utc_midnight_is_not_the_boundary(world):
    """16:00 UTC on the day before the opening day is 00:00 in Shanghai: already open."""
    from datetime import UTC, datetime

    d = make_draft(world.users["city"], opens=OPENS, days=30)
    utc = datetime(OPENS.year, OPENS.month, OPENS.day - 1, 16, 0, tzinfo=UTC)
    assert sel.window_state(d, utc) == "open"
    assert sel.window_state(d, utc - timedelta(microseconds=1)) == "before"


def test_working_day_window_closing_day_and_the_day_after(world, settings):
    settings.WUYE_CONSULTATION_PERIOD_UNIT = "working_days"
    last = period_last_day(OPENS, 30, PeriodUnit.WORKING_DAYS)
    d = make_draft(world.users["city"], opens=OPENS, closes=last)
    assert svc.comment_add(actor=world.users["resident"], draft=d, article="第二条", text="建议",
                           now=local(last, 23, 59)).pk
    with pytest.raises(ValidationError, match="已于"):
        svc.comment_add(actor=world.users["resident"], draft=d, article="第二条", text="建议",
                        now=local(last + timedelta(days=1), 0, 0))


def test_a_draft_not_yet_published_takes_no_comment(world):
    d = make_draft(world.users["city"], opens=OPENS, publish=False)
    with pytest.raises(ValidationError, match="尚未公开征求意见"):
        svc.comment_add(actor=world.users["resident"], draft=d, article="第一条", text="x", now=local(OPENS))


# ---- who comments as whom ---------------------------------------------------------------------


def test_units_comment_in_their_units_name(world):
    d = make_draft(world.users["city"], opens=OPENS)
    now = local(OPENS + timedelta(days=1))
    by_dept = svc.comment_add(actor=world.users["department"], draft=d, article="第二条", text="建议增加消防条款", now=now)
    by_company = svc.comment_add(actor=world.users["manager_a"], draft=d, article="第二条", text="x", now=now)
    by_committee = svc.comment_add(actor=world.users["committee"], draft=d, article="", text="y", now=now)
    by_resident = svc.comment_add(actor=world.users["resident"], draft=d, article="第十二条", text="z", now=now)
    assert (by_dept.source, by_dept.author_name, by_dept.unit_kind) == ("unit", "东城区市场监管局", "department")
    assert by_company.author_name == "安居物业服务有限公司"
    assert by_committee.author_name == "幸福里小区业主委员会" and by_committee.article == "总体意见"
    assert by_resident.source == "account" and by_resident.unit_kind == ""
    groups = sel.grouped_by_article(sel.comments_public(d))
    assert [a for a, _ in groups] == ["总体意见", "第二条", "第十二条"]


def test_an_account_without_a_role_cannot_comment(world):
    d = make_draft(world.users["city"], opens=OPENS)
    with pytest.raises(ValidationError):
        svc.comment_add(actor=world.users["outsider"], draft=d, article="第一条", text="x", now=local(OPENS))


def test_a_public_comment_needs_the_sms_code(world, settings):
    settings.DEMO_MODE = True  # sms_code_send returns the code
    from wuye.notifications.sms_codes import sms_code_send

    d = make_draft(world.users["city"], opens=OPENS)
    now = local(OPENS + timedelta(days=2))
    code = sms_code_send(phone="13900001111", purpose=svc.SMS_PURPOSE)
    with pytest.raises(ValidationError, match="验证码不正确"):
        svc.comment_add_public(draft=d, article="第一条", text="x", name="张三", phone="13900001111",
                               code="000000" if code != "000000" else "111111", now=now)
    c = svc.comment_add_public(draft=d, article="第一条", text="建议写明公示期", name="张三", phone="139 0000 1111",
                               code=code, now=now)
    assert (c.source, c.phone, c.user) == ("public", "13900001111", None)
    assert sel.shown_author(c) != "张三" and sel.shown_phone(c) == "139****1111"


def test_a_closed_window_does_not_use_up_the_code(world, settings):
    settings.DEMO_MODE = True
    from wuye.notifications.models import SmsCode
    from wuye.notifications.sms_codes import sms_code_send

    d = make_draft(world.users["city"], opens=OPENS)
    code = sms_code_send(phone="13900002222", purpose=svc.SMS_PURPOSE)
    with pytest.raises(ValidationError, match="已于"):
        svc.comment_add_public(draft=d, article="第一条", text="x", name="李四", phone="13900002222", code=code,
                               now=local(OPENS + timedelta(days=40)))
    assert SmsCode.objects.get(phone="13900002222").used_at is None


# ---- moderation, answers, publishing ------------------------------------------------------------


def _consulted(world):
    city = world.users["city"]
    d = make_draft(city, opens=OPENS)
    now = local(OPENS + timedelta(days=3))
    good = svc.comment_add(actor=world.users["resident"], draft=d, article="第一条", text="建议", now=now)
    abuse = svc.comment_add(actor=world.users["manager_a"], draft=d, article="第二条", text="广告：某某装修", now=now)
    return city, d, good, abuse


def test_moderation_hides_with_a_reason_and_deletes_nothing(world):
    city, d, good, abuse = _consulted(world)
    with pytest.raises(ValidationError, match="屏蔽理由"):
        svc.comment_hide(actor=city, comment=abuse, reason=" ")
    with pytest.raises(ValidationError):
        svc.comment_hide(actor=world.users["district"], comment=abuse, reason="广告")
    svc.comment_hide(actor=city, comment=abuse, reason="广告内容")
    abuse.refresh_from_db()
    assert abuse.hidden and abuse.hidden_reason == "广告内容" and abuse.hidden_by == city
    assert Comment.objects.filter(pk=abuse.pk).exists()
    assert list(sel.comments_public(d)) == [good]
    assert set(sel.comments_for_office(d)) == {good, abuse}
    row = AuditLog.objects.filter(object_type="rulemaking.comment", object_id=str(abuse.pk), action="update").latest("seq")
    assert row.changes == {"hidden": [False, True]} and "广告内容" in row.detail
    svc.comment_unhide(actor=city, comment=abuse, reason="误操作")
    abuse.refresh_from_db()
    assert not abuse.hidden


def test_answers_need_reasons_unless_adopted(world):
    city, d, good, abuse = _consulted(world)
    with pytest.raises(ValidationError, match="须说明理由"):
        svc.comment_answer(actor=city, comment=good, answer="not_adopted")
    with pytest.raises(ValidationError):
        svc.comment_answer(actor=city, comment=good, answer="maybe", reason="x")
    with pytest.raises(ValidationError):
        svc.comment_answer(actor=world.users["street"], comment=good, answer="adopted")
    svc.comment_answer(actor=city, comment=good, answer="adopted")
    svc.comment_answer(actor=city, comment=abuse, answer="partly", reason="部分内容已在第五条体现")
    good.refresh_from_db()
    assert good.answer == "adopted" and good.answered_by == city
    assert sel.answer_counts(d) == {"adopted": 1, "partly": 1, "not_adopted": 0, "": 0, "total": 2}


def test_close_only_after_the_closing_day_then_publish_the_summary(world):
    city, d, good, abuse = _consulted(world)
    with pytest.raises(ValidationError, match="截止前不能结束"):
        svc.draft_close(actor=city, draft=d, now=local(OPENS + timedelta(days=30), 23))
    svc.draft_close(actor=city, draft=d, now=local(OPENS + timedelta(days=31), 0))
    d.refresh_from_db()
    assert d.status == Draft.Status.CLOSED
    svc.comment_hide(actor=city, comment=abuse, reason="广告")
    with pytest.raises(ValidationError, match="1 条意见未答复"):
        svc.draft_publish(actor=city, draft=d, final_text="第一条　……")
    svc.comment_answer(actor=city, comment=good, answer="not_adopted", reason="与上位法不符")
    svc.draft_publish(actor=city, draft=d, final_text="第一条　定稿", summary="共收到意见 1 条")
    d.refresh_from_db()
    assert d.status == Draft.Status.PUBLISHED and d.final_text == "第一条　定稿" and d.published_at
    assert list(DraftEvent.objects.filter(draft=d).values_list("action", flat=True)) == ["open", "close", "publish"]
    assert Notification.objects.filter(user=world.users["resident"], subject__contains="意见采纳情况").exists()
    with pytest.raises(ValidationError, match="已公布"):
        svc.comment_answer(actor=city, comment=good, answer="adopted")


def test_publishing_into_the_library_repeals_the_previous_version(world):
    city = world.users["city"]
    doc = svc.document_create(actor=city, code="wytl", title="X市物业管理条例", kind="regulation", issuer="X市人大常委会")
    v1 = svc.version_add(actor=city, document=doc, text="旧条例", effective_on=date(2015, 1, 1))
    d = make_draft(city, opens=OPENS, document=doc)
    svc.draft_close(actor=city, draft=d, now=local(OPENS + timedelta(days=31)))
    svc.draft_publish(actor=city, draft=d, final_text="新条例", effective_on=date(2027, 1, 1))
    v1.refresh_from_db()
    v2 = doc.versions.get(version=2)
    assert v2.draft == d and v2.text == "新条例" and v1.repealed_on == date(2027, 1, 1)


def test_the_periodic_job_closes_what_has_ended_once(world):
    city = world.users["city"]
    d = make_draft(city, opens=OPENS)
    assert svc.drafts_close_due(now=local(OPENS + timedelta(days=30), 23)) == 0
    assert svc.drafts_close_due(now=local(OPENS + timedelta(days=31), 1)) == 1
    assert svc.drafts_close_due(now=local(OPENS + timedelta(days=31), 2)) == 0
    d.refresh_from_db()
    assert d.status == Draft.Status.CLOSED
    assert DraftEvent.objects.get(draft=d, action="close").actor is None


def test_article_order():
    keys = ["第十二条", "第二条", "总体意见", "附则", "第一百零一条", "第10条"]
    assert sorted(keys, key=sel.article_sort_key) == ["总体意见", "第二条", "第10条", "第十二条", "第一百零一条", "附则"]
