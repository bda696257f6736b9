"""Star ratings (issue 4 §6; rules.md §8): the gate, evaluation, notice with objections, effect,
history, downgrade reviews, expiry and the credit events they put on record."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from wuye.cases.models import Complaint, SupervisionLevel
from wuye.core.calendar import add_years
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditLog
from wuye.credit.models import CreditEvent, CreditRule
from wuye.notifications.models import Notification
from wuye.supervision.models import (
    DowngradeReview,
    Inspection,
    Standard,
    StarApplication,
    StarApplicationEvent,
    StarObjection,
    StarRating,
    SupervisionSettings,
    Survey,
)
from wuye.supervision.stars import reviews
from wuye.supervision.stars import services as stars
from wuye.supervision.stars.workflow import TRANSITIONS, permits
from wuye.supervision.surveys import services as surveys
from wuye.supervision.surveys.tests.test_surveys import all_answers, open_survey

S = StarApplication.Status


@contextmanager
def grade(value: str):
    with mock.patch("wuye.supervision.stars.services.company_grade", return_value=value):
        yield


def credit_rules():
    for code, klass, points in (("XJ04", "good", "3"), ("XJ05", "good", "5"), ("XJ90", "bad", "3")):
        CreditRule.objects.get_or_create(code=code, defaults={"name": code, "klass": klass, "points": Decimal(points),
                                                              "recorder": "system"})


def make_inspection(world, score: str, *, estate=None, status=Inspection.Status.SUBMITTED) -> Inspection:
    """An inspection with a submitted score (the inspections part owns the form that produces it)."""
    estate = estate or world.estate_a
    standard = Standard.objects.first() or Standard.objects.create(code="T", name="测试标准", status="published")
    return Inspection.objects.create(
        estate=estate, company_id=estate.company_id, district_id=estate.district_id, street_id=estate.street_id,
        community_id=estate.community_id, standard=standard, status=status, inspected_on=timezone.localdate(),
        submitted_at=timezone.now(), total_score=Decimal(score), max_score=Decimal("100"),
    )


def closed_survey(world, *, score=5, estate=None) -> Survey:
    estate = estate or world.estate_a
    actor = world.users["district" if estate == world.estate_a else "district2"]
    survey = open_survey(world, actor=actor, estate=estate)
    if estate == world.estate_a:
        surveys.survey_respond(user=world.users["resident"], survey=survey, unit=world.unit_a,
                               answers=all_answers(survey, score))
    surveys.survey_close(actor=actor, survey=survey)
    survey.refresh_from_db()
    return survey


def apply(world, level=4, *, actor=None, estate=None) -> StarApplication:
    with grade("AA"):
        return stars.star_apply(actor=actor or world.users["manager_a"], estate=estate or world.estate_a,
                                target_level=level, statement="创建四星级服务小区")


def evaluated(world, level=4, *, inspection="95", score=5) -> StarApplication:
    app = apply(world, level)
    return stars.star_evaluate(actor=world.users["district"], application=app,
                               inspection=make_inspection(world, inspection), survey=closed_survey(world, score=score))


def in_notice(world, level=4, now=None) -> StarApplication:
    app = evaluated(world, level)
    return stars.star_publish(actor=world.users["district"], application=app, now=now)


def effective(world, level=4) -> StarRating:
    credit_rules()
    now = timezone.now()
    app = in_notice(world, level, now=now - timedelta(days=30))
    return stars.star_make_effective(actor=world.users["district"], application=app, now=now)


# ---- applying and the gate ---------------------------------------------------------------------


def test_a_passing_application_goes_to_evaluation_with_the_checks_recorded(world):
    app = apply(world)
    assert app.status == S.EVALUATING
    assert [c["check"] for c in app.gate_results] == ["service_years", "credit_grade", "listed_complaints"]
    assert all(c["passed"] for c in app.gate_results)
    actions = list(app.events.values_list("action", flat=True))
    assert actions == ["submit", "gate_pass"]
    assert AuditLog.objects.filter(object_type="supervision.starapplication", object_id=str(app.pk)).count() == 2
    assert Notification.objects.filter(user=world.users["district"], subject__contains="待评定").exists()


def test_service_years_gate_fails_with_the_date_it_would_pass(world):
    s = SupervisionSettings.current()
    s.gate_service_years = 10
    s.save()
    app = apply(world)
    assert app.status == S.GATE_FAILED
    failed = [c for c in app.gate_results if not c["passed"]]
    assert [c["check"] for c in failed] == ["service_years"]
    assert "2033-01-01" in failed[0]["detail"]
    assert Notification.objects.filter(user=world.users["manager_a"], subject__contains="不符合申报条件").exists()


@pytest.mark.parametrize("value, passes", [("AAA", True), ("AA", True), ("A", True), ("B", True), ("C", False)])
def test_credit_grade_gate_at_the_boundary(world, value, passes):
    with grade(value):
        app = stars.star_apply(actor=world.users["manager_a"], estate=world.estate_a, target_level=3)
    check = next(c for c in app.gate_results if c["check"] == "credit_grade")
    assert check["passed"] is passes
    assert app.status == (S.EVALUATING if passes else S.GATE_FAILED)


def test_a_listed_supervision_complaint_blocks_until_it_is_closed(world):
    from wuye.cases.models import Category
    from wuye.cases.services import complaint_file

    c = complaint_file(estate=world.estate_a, category=Category.objects.filter(active=True).first(),
                       description="电梯长期停运无人维修", reporter_name="王秀英", reporter_phone="13812345678")
    Complaint.objects.filter(pk=c.pk).update(supervision_level=SupervisionLevel.SUPERVISE)
    assert apply(world).status == S.EVALUATING
    StarApplication.objects.all().delete()
    Complaint.objects.filter(pk=c.pk).update(supervision_level=SupervisionLevel.LISTED)
    app = apply(world)
    assert app.status == S.GATE_FAILED
    assert c.tracking_code in next(x for x in app.gate_results if x["check"] == "listed_complaints")["detail"]
    Complaint.objects.filter(pk=c.pk).update(status="closed")
    assert apply(world).status == S.EVALUATING


@pytest.mark.parametrize("who", ["staff_a", "manager_b", "district", "city", "resident"])
def test_only_the_serving_companys_manager_applies(world, who):
    with pytest.raises(ServiceError, match="物业企业负责人"):
        apply(world, actor=world.users[who])
    assert not StarApplication.objects.exists()


def test_one_application_in_progress_per_estate(world):
    apply(world)
    with pytest.raises(ServiceError, match="正在办理"):
        apply(world)


# ---- evaluation ------------------------------------------------------------------------------------


def test_combined_score_is_weighted_and_the_level_capped_at_the_target(world):
    app = evaluated(world, level=3, inspection="96.5", score=5)
    # 96.5 × 60% + 100 × 40% = 97.90 → 5★ by the thresholds, capped at the 3★ applied for
    assert app.inspection_score == Decimal("96.50") and app.satisfaction == Decimal("100.00")
    assert app.combined_score == Decimal("97.90")
    assert app.awarded_level == 3
    assert app.status == S.EVALUATING
    assert app.events.filter(action="evaluate").exists()


def test_evaluation_needs_a_scored_inspection_and_a_closed_survey_of_the_estate(world):
    app = apply(world)
    district = world.users["district"]
    survey = closed_survey(world)
    with pytest.raises(ServiceError, match="尚未提交得分"):
        stars.star_evaluate(actor=district, application=app, survey=survey,
                            inspection=make_inspection(world, "90", status=Inspection.Status.ASSIGNED))
    with pytest.raises(ServiceError, match="该小区的现场检查"):
        stars.star_evaluate(actor=district, application=app, survey=survey,
                            inspection=make_inspection(world, "90", estate=world.estate_b))
    with pytest.raises(ServiceError, match="您无权"):
        stars.star_evaluate(actor=world.users["district2"], application=app, survey=survey,
                            inspection=make_inspection(world, "90"))


def test_a_survey_below_the_minimum_response_rate_is_refused(world):
    app = apply(world)
    s = SupervisionSettings.current()
    s.survey_min_response_rate = Decimal("100.01")
    s.save()
    with pytest.raises(ServiceError, match="低于有效最低参与率"):
        stars.star_evaluate(actor=world.users["district"], application=app, inspection=make_inspection(world, "90"),
                            survey=closed_survey(world))


def test_below_target_the_official_chooses_lower_level_with_reasons_or_rejects(world):
    app = evaluated(world, level=5, inspection="85", score=5)  # 85×.6+100×.4 = 91 → 4★
    assert app.awarded_level == 4
    assert "低于申报的五星级" in stars.evaluation_advice(app)
    with pytest.raises(ServiceError, match="须填写理由"):
        stars.star_publish(actor=world.users["district"], application=app)
    app = stars.star_publish(actor=world.users["district"], application=app, note="检查得分未达五星级标准，按四星级公示")
    assert app.status == S.NOTICE and app.notice_end > app.notice_start


def test_below_one_star_only_rejection_is_possible(world):
    app = evaluated(world, level=2, inspection="40", score=1)  # 24 + 0 = 24
    assert app.awarded_level is None
    with pytest.raises(ServiceError, match="未达到任何星级"):
        stars.star_publish(actor=world.users["district"], application=app)
    with pytest.raises(ServiceError, match="理由"):
        stars.star_reject(actor=world.users["district"], application=app, note="")
    app = stars.star_reject(actor=world.users["district"], application=app, note="综合得分 24 分，未达一星级")
    assert app.status == S.REJECTED
    assert Notification.objects.filter(user=world.users["manager_a"], subject__contains="未通过评定").exists()


def test_notice_lasts_the_working_days_of_the_settings(world):
    from wuye.core.calendar import PeriodUnit, add_period

    now = timezone.now()
    app = in_notice(world, now=now)
    assert app.notice_end == add_period(now, 7, PeriodUnit.WORKING_DAYS)


def test_two_officials_at_once_one_wins(world):
    app = evaluated(world)
    stale = StarApplication.objects.get(pk=app.pk)
    stars.star_publish(actor=world.users["district"], application=app)
    with pytest.raises(ConflictError):
        stars.star_reject(actor=world.users["city"], application=stale, note="不通过")
    assert StarApplication.objects.get(pk=app.pk).status == S.NOTICE


# ---- objections --------------------------------------------------------------------------------


def png() -> SimpleUploadedFile:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, format="PNG")
    return SimpleUploadedFile("p.png", buf.getvalue(), content_type="image/png")


def test_anyone_objects_during_notice_with_name_phone_and_photos(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    app = in_notice(world)
    o = stars.star_objection_file(application=app, name="张三", phone="138-1234-5678", text="小区电梯多次困人，物业迟迟不到场。",
                                  photos=[png()])
    assert o.status == StarObjection.Status.PENDING and o.phone == "13812345678"
    assert len(o.photos) == 1 and (tmp_path / o.photos[0]).exists()
    assert app.events.filter(action="objection").exists()
    with pytest.raises(ServiceError, match="联系电话"):
        stars.star_objection_file(application=app, name="李四", phone="123", text="这是一个足够长的异议内容说明。")
    with pytest.raises(ServiceError, match="姓名"):
        stars.star_objection_file(application=app, name=" ", phone="13812345678", text="这是一个足够长的异议内容说明。")


def test_no_objection_after_the_notice(world):
    now = timezone.now()
    app = in_notice(world, now=now)
    with pytest.raises(ServiceError, match="不在公示期内"):
        stars.star_objection_file(application=app, name="张三", phone="13812345678", text="这是一个足够长的异议内容说明。",
                                  now=app.notice_end + timedelta(seconds=1))


def test_rejected_objection_keeps_the_notice_and_upheld_sends_it_back(world):
    app = in_notice(world)
    text = "小区绿化长期无人养护，与四星级不符。"
    o1 = stars.star_objection_file(application=app, name="张三", phone="13812345678", text=text)
    with pytest.raises(ServiceError):
        stars.star_objection_decide(actor=world.users["district2"], objection=o1, upheld=False, reason="x")
    stars.star_objection_decide(actor=world.users["district"], objection=o1, upheld=False, reason="经现场核实绿化养护正常")
    app.refresh_from_db()
    assert app.status == S.NOTICE
    with pytest.raises(ConflictError):
        stars.star_objection_decide(actor=world.users["district"], objection=o1, upheld=True, reason="again")
    o2 = stars.star_objection_file(application=app, name="李四", phone="13912345678", text=text)
    stars.star_objection_decide(actor=world.users["district"], objection=o2, upheld=True, reason="核实属实", outcome="reevaluate")
    app.refresh_from_db()
    assert app.status == S.EVALUATING and app.notice_end is None
    assert app.events.filter(action="reevaluate", from_status=S.NOTICE, to_status=S.EVALUATING).exists()


def test_upheld_objection_may_reject(world):
    app = in_notice(world)
    o = stars.star_objection_file(application=app, name="张三", phone="13812345678", text="存在严重安全隐患未整改到位。")
    stars.star_objection_decide(actor=world.users["city"], objection=o, upheld=True, reason="核实属实", outcome="reject")
    app.refresh_from_db()
    assert app.status == S.REJECTED


# ---- effect, history, credit ----------------------------------------------------------------------


def test_effective_after_notice_creates_the_rating_and_a_good_credit_item(world):
    rating = effective(world, 4)
    assert rating.status == StarRating.Status.ACTIVE and rating.level == 4
    assert rating.valid_until == add_years(rating.valid_from, 2)
    ev = CreditEvent.objects.get(source_key=f"star:{rating.pk}")
    assert ev.rule.code == "XJ04" and ev.company_id == world.company_a.pk
    assert StarApplication.objects.get(pk=rating.application_id).status == S.EFFECTIVE
    assert Notification.objects.filter(user=world.users["manager_a"], subject__contains="生效").exists()


def test_not_effective_before_the_notice_ends_or_with_an_objection_pending(world):
    now = timezone.now()
    app = in_notice(world, now=now)
    with pytest.raises(ServiceError, match="期满后方可生效"):
        stars.star_make_effective(actor=world.users["district"], application=app, now=now + timedelta(days=1))
    stars.star_objection_file(application=app, name="张三", phone="13812345678", text="这是一个足够长的异议内容说明。", now=now)
    later = app.notice_end + timedelta(minutes=1)
    with pytest.raises(ServiceError, match="未处理的异议"):
        stars.star_make_effective(actor=world.users["district"], application=app, now=later)
    assert reviews.star_notices_due(now=later) == 0


def test_the_sweep_makes_due_notices_effective_once(world):
    credit_rules()
    now = timezone.now()
    app = in_notice(world, 5, now=now)
    later = app.notice_end + timedelta(minutes=1)
    assert reviews.star_sweep(now=later)["effective"] == 1
    assert reviews.star_sweep(now=later)["effective"] == 0
    rating = StarRating.objects.get(application=app)
    assert rating.level == 5
    assert CreditEvent.objects.get(source_key=f"star:{rating.pk}").rule.code == "XJ05"
    assert app.events.filter(action="make_effective", actor__isnull=True).exists()


def test_a_new_rating_replaces_the_active_one_and_history_is_kept(world):
    first = effective(world, 3)
    assert not CreditEvent.objects.filter(source_key=f"star:{first.pk}").exists()  # 3★ earns no credit item
    second = effective(world, 4)
    first.refresh_from_db()
    assert first.status == StarRating.Status.EXPIRED and first.ended_at and "取代" in first.end_reason
    assert second.previous_id == first.pk
    assert StarRating.objects.filter(estate=world.estate_a).count() == 2


def test_ratings_expire_after_their_validity(world):
    rating = effective(world, 2)
    day_after = timezone.now() + timedelta(days=2 * 366 + 1)
    assert reviews.star_ratings_expire(now=day_after) == 1
    assert reviews.star_ratings_expire(now=day_after) == 0
    rating.refresh_from_db()
    assert rating.status == StarRating.Status.EXPIRED


# ---- downgrade reviews ----------------------------------------------------------------------------


def test_substantiated_complaints_over_the_threshold_open_one_review(world):
    from wuye.cases.models import Category
    from wuye.cases.services import complaint_file

    rating = effective(world, 4)
    s = SupervisionSettings.current()
    s.downgrade_complaints = 2
    s.save()
    cat = Category.objects.filter(active=True).first()
    for i in range(3):
        c = complaint_file(estate=world.estate_a, category=cat, description=f"楼道垃圾无人清理 {i}",
                           reporter_name="王秀英", reporter_phone="13812345678")
        Complaint.objects.filter(pk=c.pk).update(callback_resolved=i != 2, unreasonable=i == 2)
    later = timezone.now() + timedelta(minutes=5)
    assert reviews.star_downgrade_scan(now=later) == 1
    assert reviews.star_downgrade_scan(now=later) == 0
    review = DowngradeReview.objects.get(rating=rating)
    assert review.trigger == DowngradeReview.Trigger.COMPLAINTS and "2 件" in review.detail


def test_a_reopened_rectification_order_opens_a_review(world):
    from wuye.supervision.models import RectificationOrder

    rating = effective(world, 4)
    order = RectificationOrder.objects.create(
        number="ZG-TEST-1", estate=world.estate_a, company=world.company_a, district=world.d1, street=world.s1,
        defect="消防通道堵塞", deadline=timezone.now(), issued_by=world.users["district"], reopen_count=1)
    assert reviews.star_downgrade_scan() == 1
    assert reviews.star_downgrade_scan() == 0
    assert DowngradeReview.objects.get(rating=rating).source_key == f"order:{order.pk}"


def test_downgrade_creates_a_new_rating_and_a_bad_credit_item(world):
    rating = effective(world, 4)
    review = reviews.downgrade_review_open(rating=rating, trigger=DowngradeReview.Trigger.MANUAL, actor=world.users["district"],
                                         detail="多次投诉保洁不到位")
    with pytest.raises(ServiceError, match="须低于现星级"):
        reviews.downgrade_review_decide(actor=world.users["district"], review=review, decision="downgrade", new_level=4,
                                      reason="x")
    with pytest.raises(ServiceError):
        reviews.downgrade_review_decide(actor=world.users["district2"], review=review, decision="keep", reason="x")
    reviews.downgrade_review_decide(actor=world.users["district"], review=review, decision="downgrade", new_level=2,
                                  reason="保洁、绿化不达标")
    rating.refresh_from_db()
    assert rating.status == StarRating.Status.DOWNGRADED and rating.ended_at
    new = StarRating.objects.get(estate=world.estate_a, status=StarRating.Status.ACTIVE)
    assert new.level == 2 and new.previous_id == rating.pk and new.valid_until == rating.valid_until
    ev = CreditEvent.objects.get(source_key=f"star-review:{review.pk}")
    assert ev.rule.code == "XJ90"
    review.refresh_from_db()
    assert review.status == DowngradeReview.Status.DOWNGRADED and review.new_level == 2
    with pytest.raises(ServiceError, match="已经作出结论"):
        reviews.downgrade_review_decide(actor=world.users["district"], review=review, decision="keep", reason="x")


def test_revoke_ends_the_rating_and_keep_changes_nothing(world):
    rating = effective(world, 4)
    r1 = reviews.downgrade_review_open(rating=rating, trigger="manual", actor=world.users["city"], detail="复查")
    reviews.downgrade_review_decide(actor=world.users["city"], review=r1, decision="keep", reason="经复核维持")
    rating.refresh_from_db()
    assert rating.status == StarRating.Status.ACTIVE
    assert not CreditEvent.objects.filter(source_key=f"star-review:{r1.pk}").exists()
    r2 = reviews.downgrade_review_open(rating=rating, trigger="manual", actor=world.users["city"], detail="再次复查")
    reviews.downgrade_review_decide(actor=world.users["city"], review=r2, decision="revoke", reason="严重违规")
    rating.refresh_from_db()
    assert rating.status == StarRating.Status.REVOKED
    assert not StarRating.objects.filter(estate=world.estate_a, status="active").exists()
    assert CreditEvent.objects.filter(source_key=f"star-review:{r2.pk}", rule__code="XJ90").exists()


def test_company_withdraws_with_a_reason(world):
    app = apply(world)
    with pytest.raises(ServiceError, match="理由"):
        stars.star_withdraw(actor=world.users["manager_a"], application=app, note="")
    with pytest.raises(ServiceError, match="您无权"):
        stars.star_withdraw(actor=world.users["staff_a"], application=app, note="撤回")
    app = stars.star_withdraw(actor=world.users["manager_a"], application=app, note="准备不充分")
    assert app.status == S.WITHDRAWN
    assert StarApplicationEvent.objects.filter(application=app, action="withdraw").exists()


# ---- the tables --------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(TRANSITIONS)), st.sampled_from(list(S.values)),
       st.sets(st.sampled_from(["company", "official", "system"])))
def test_the_table_allows_exactly_its_sources_and_actors(action, status, kinds):
    t = TRANSITIONS[action]
    assert permits(action, status, kinds) == (status in t.sources and bool(t.actors & kinds))
    if status in (S.EFFECTIVE, S.REJECTED, S.WITHDRAWN, S.GATE_FAILED):
        assert not permits(action, status, {"company", "official", "system"})


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=100, places=2), st.decimals(min_value=0, max_value=100, places=2),
       st.integers(min_value=0, max_value=100))
def test_combined_score_stays_between_its_parts(inspection, satisfaction, weight):
    cs = SupervisionSettings(weight_inspection=weight, weight_survey=100 - weight)
    c = stars.combined_score(inspection, satisfaction, cs)
    assert min(inspection, satisfaction) <= c <= max(inspection, satisfaction)
    assert c == c.quantize(Decimal("0.01"))
    level = cs.star_for(c)
    assert 0 <= level <= 5


def test_add_years_on_29_february():
    assert add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)
    assert add_years(date(2024, 3, 1), 2) == date(2026, 3, 1)
