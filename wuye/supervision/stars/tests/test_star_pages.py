"""Star-rating pages: the public list, estate page and notices with the objection form; the
applications list, detail and actions; ratings with export; reviews; settings; the estate panel."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wuye.core.models import AuditAction, AuditLog
from wuye.supervision.models import (
    DowngradeReview,
    StarApplication,
    StarObjection,
    StarRating,
    SupervisionSettings,
)
from wuye.supervision.stars import services as stars
from wuye.supervision.stars.tests.test_stars import (
    apply,
    closed_survey,
    effective,
    evaluated,
    grade,
    in_notice,
    make_inspection,
    png,
)

S = StarApplication.Status


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def denied(object_type: str) -> int:
    return AuditLog.objects.filter(action=AuditAction.DENIED, object_type=object_type).count()


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


# ---- public ----------------------------------------------------------------------------------------


def test_public_list_shows_active_ratings_with_filters(world, client):
    effective(world, 4)
    url = reverse("supervision:star_public_list")
    r = client.get(url)
    assert r.status_code == 200 and "幸福里小区" in r.content.decode()
    assert "幸福里小区" not in client.get(url, {"level": 5}).content.decode()
    assert "幸福里小区" not in client.get(url, {"district": world.d2.pk}).content.decode()
    assert "幸福里小区" in client.get(url, {"district": world.d1.pk, "level": 4}).content.decode()
    assert client.post(url).status_code == 405


def test_public_list_queries_do_not_grow(world, client):
    effective(world, 4)
    url = reverse("supervision:star_public_list")
    one = queries(client, url)
    with grade("AA"):
        app = stars.star_apply(actor=world.users["manager_b"], estate=world.estate_b, target_level=3)
    app = stars.star_evaluate(actor=world.users["district2"], application=app, survey=closed_survey_b(world),
                              inspection=make_inspection(world, "90", estate=world.estate_b))
    now = timezone.now()
    stars.star_publish(actor=world.users["district2"], application=app, now=now - timedelta(days=30))
    app.refresh_from_db()
    stars.star_make_effective(actor=None, application=app, now=now)
    assert StarRating.objects.filter(status="active").count() == 2
    assert queries(client, url) == one


def closed_survey_b(world):
    """Estate B has no verified owner account: bind one and answer, so the survey has a result."""
    from wuye.accounts.models import Role
    from wuye.conftest import make_user
    from wuye.supervision.surveys import services as surveys
    from wuye.supervision.surveys.tests.test_surveys import all_answers, open_survey

    owner_b = make_user("owner_b_user", Role.RESIDENT, owner=world.owner_b)
    survey = open_survey(world, actor=world.users["district2"], estate=world.estate_b)
    surveys.survey_respond(user=owner_b, survey=survey, unit=world.unit_b, answers=all_answers(survey, 5))
    surveys.survey_close(actor=world.users["district2"], survey=survey)
    survey.refresh_from_db()
    return survey


def test_public_estate_page_shows_the_current_level_and_history(world, client):
    first = effective(world, 3)
    effective(world, 4)
    r = client.get(reverse("supervision:star_public_estate", args=[world.estate_a.pk]))
    html = r.content.decode()
    assert r.status_code == 200 and "四星级" in html and "被新的评定结果取代" in html
    assert first.estate_id == world.estate_a.pk
    assert client.get(reverse("supervision:star_public_estate", args=[99999])).status_code == 404


def test_anonymous_objection_on_the_notice_page(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    app = in_notice(world)
    assert client.get(reverse("supervision:star_notice_list")).status_code == 200
    url = reverse("supervision:star_notice_detail", args=[app.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"name": "张三", "phone": "", "text": "绿化差，与四星级不符。请核实。"})
    assert r.status_code == 400 and "绿化差" in r.content.decode()
    assert not StarObjection.objects.exists()
    r = client.post(url, {"name": "张三", "phone": "13812345678", "text": "绿化差，与四星级不符。请核实。", "photos": [png()]})
    assert r.status_code == 302
    o = StarObjection.objects.get()
    assert o.user is None and len(o.photos) == 1
    assert AuditLog.objects.filter(object_type="supervision.starobjection", action=AuditAction.CREATE).exists()
    # the objector's phone and photos are not on the public page
    assert "13812345678" not in client.get(url).content.decode()


def test_objections_are_rate_limited(world, client, settings):
    settings.WUYE_STAR_OBJECTION_RATE_IP_HOUR = 1
    app = in_notice(world)
    url = reverse("supervision:star_notice_detail", args=[app.pk])
    data = {"name": "张三", "phone": "13812345678", "text": "这是一个足够长的异议内容说明。"}
    assert client.post(url, data).status_code == 302
    r = client.post(url, data)
    assert r.status_code == 429 and r["Retry-After"]
    assert "过于频繁" in r.content.decode()
    assert StarObjection.objects.count() == 1


def test_a_notice_page_exists_only_during_the_notice(world, client):
    app = evaluated(world)
    assert client.get(reverse("supervision:star_notice_detail", args=[app.pk])).status_code == 404


# ---- applications ---------------------------------------------------------------------------------------


def test_company_applies_on_the_form_and_sees_the_gate(world, login, client):
    login(world.users["manager_a"])
    url = reverse("supervision:star_apply")
    assert client.get(url).status_code == 200
    with grade("C"):
        r = client.post(url, {"estate": world.estate_a.pk, "target_level": "4", "statement": "申报"})
    app = StarApplication.objects.get()
    assert r.url == reverse("supervision:star_application_detail", args=[app.pk])
    assert app.status == S.GATE_FAILED
    html = client.get(r.url).content.decode()
    assert "低于申报要求的 B" in html and "bi-x-circle-fill" in html
    r = client.post(url, {"estate": world.estate_b.pk, "target_level": "4"})
    assert r.status_code == 200 and StarApplication.objects.count() == 1


@pytest.mark.parametrize("who", ["staff_a", "district", "resident"])
def test_only_managers_apply(world, login, client, who):
    login(world.users[who])
    assert client.get(reverse("supervision:star_apply")).status_code == 403


@pytest.mark.parametrize("who, sees", [("manager_a", True), ("staff_a", True), ("manager_b", False), ("district", True),
                                       ("district2", False), ("city", True)])
def test_who_sees_an_application(world, login, client, who, sees):
    app = apply(world)
    login(world.users[who])
    assert client.get(reverse("supervision:star_application_detail", args=[app.pk])).status_code == (200 if sees else 404)
    html = client.get(reverse("supervision:star_application_list")).content.decode()
    assert ("幸福里小区" in html) is sees


def test_application_list_refuses_others_and_queries_do_not_grow(world, login, client):
    login(world.users["resident"])
    assert client.get(reverse("supervision:star_application_list")).status_code == 403
    apply(world)
    login(world.users["city"])
    url = reverse("supervision:star_application_list")
    one = queries(client, url)
    with grade("AA"):
        stars.star_apply(actor=world.users["manager_b"], estate=world.estate_b, target_level=2)
    assert queries(client, url) == one


def test_district_evaluates_publishes_and_makes_effective_on_the_page(world, login, client):
    from wuye.supervision.stars.tests.test_stars import credit_rules

    credit_rules()
    app = apply(world)
    inspection = make_inspection(world, "95")
    survey = closed_survey(world)
    login(world.users["district"])
    detail = reverse("supervision:star_application_detail", args=[app.pk])
    assert "evaluate-form" in client.get(detail).content.decode()
    act = lambda a: reverse("supervision:star_application_act", args=[app.pk, a])  # noqa: E731
    r = client.post(act("evaluate"), {"inspection": inspection.pk, "survey": survey.pk, "note": ""})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.combined_score is not None and app.awarded_level == 4
    assert client.get(act("publish")).status_code == 405
    client.post(act("publish"), {"note": ""})
    app.refresh_from_db()
    assert app.status == S.NOTICE
    # too early: a message, nothing changes
    client.post(act("make_effective"))
    app.refresh_from_db()
    assert app.status == S.NOTICE
    StarApplication.objects.filter(pk=app.pk).update(notice_end=timezone.now() - timedelta(minutes=1))
    client.post(act("make_effective"))
    app.refresh_from_db()
    assert app.status == S.EFFECTIVE
    html = client.get(detail).content.decode()
    for label in ("提交申报", "条件审查通过", "录入评定", "发布公示", "公示期满，评定生效"):
        assert label in html
    assert StarRating.objects.get(application=app).level == 4


def test_the_company_may_not_decide_and_unknown_actions_are_404(world, login, client):
    app = evaluated(world)
    login(world.users["manager_a"])
    r = client.post(reverse("supervision:star_application_act", args=[app.pk, "publish"]), {"note": ""})
    assert r.status_code == 302  # told on the page: not theirs to take
    app.refresh_from_db()
    assert app.status == S.EVALUATING
    login(world.users["staff_a"])
    before = denied("supervision.starapplication")
    assert client.post(reverse("supervision:star_application_act", args=[app.pk, "publish"])).status_code == 403
    assert denied("supervision.starapplication") == before + 1
    login(world.users["district"])
    assert client.post(reverse("supervision:star_application_act", args=[app.pk, "explode"])).status_code == 404
    login(world.users["district2"])
    assert client.post(reverse("supervision:star_application_act", args=[app.pk, "publish"])).status_code == 404


def test_official_decides_an_objection_and_sees_its_photo(world, login, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    app = in_notice(world)
    o = stars.star_objection_file(application=app, name="张三", phone="13812345678", text="这是一个足够长的异议内容说明。",
                                  photos=[png()])
    photo = reverse("supervision:star_objection_photo", args=[o.pk, 0])
    login(world.users["manager_a"])
    assert client.get(photo).status_code == 404
    assert "13812345678" not in client.get(reverse("supervision:star_application_detail", args=[app.pk])).content.decode()
    login(world.users["district"])
    html = client.get(reverse("supervision:star_application_detail", args=[app.pk])).content.decode()
    assert "138****5678" in html and "这是一个足够长的异议内容说明" in html
    r = client.get(photo)
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    r = client.post(reverse("supervision:star_objection_decide", args=[o.pk]), {"upheld": "0", "reason": "经核实不属实"})
    assert r.status_code == 302
    o.refresh_from_db()
    assert o.status == StarObjection.Status.REJECTED and o.decided_by == world.users["district"]


# ---- ratings, reviews, settings -----------------------------------------------------------------------------


def test_ratings_list_and_export(world, login, client):
    effective(world, 3)
    effective(world, 4)
    login(world.users["district"])
    url = reverse("supervision:star_rating_list")
    r = client.get(url)
    assert r.status_code == 200 and "已到期" in r.content.decode()
    one = queries(client, url)
    effective(world, 5)
    assert queries(client, url) == one
    r = client.get(reverse("supervision:star_rating_export"))
    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(b"".join(r.streaming_content))).active.values)
    assert rows[0][0] == "小区" and len(rows) == 4
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, object_type="supervision.starrating").exists()
    login(world.users["manager_b"])
    assert "幸福里小区" not in client.get(url).content.decode()
    login(world.users["resident"])
    assert client.get(url).status_code == 403


def test_review_opened_and_decided_on_the_pages(world, login, client):
    from wuye.supervision.stars.tests.test_stars import credit_rules

    credit_rules()
    rating = effective(world, 4)
    login(world.users["manager_a"])
    assert client.post(reverse("supervision:star_review_open", args=[rating.pk]), {"detail": "x"}).status_code == 403
    login(world.users["district"])
    r = client.post(reverse("supervision:star_review_open", args=[rating.pk]), {"detail": "多次投诉保洁不到位"})
    review = DowngradeReview.objects.get()
    assert r.url == reverse("supervision:star_review_detail", args=[review.pk])
    assert client.get(reverse("supervision:star_review_list")).status_code == 200
    url = reverse("supervision:star_review_detail", args=[review.pk])
    r = client.post(url, {"decision": "downgrade", "new_level": "", "reason": "保洁不达标"})
    assert r.status_code == 400 and "须低于现星级" in r.content.decode()
    r = client.post(url, {"decision": "downgrade", "new_level": "3", "reason": "保洁不达标"})
    assert r.status_code == 302
    assert StarRating.objects.get(status="active").level == 3
    login(world.users["manager_a"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"decision": "keep", "reason": "x"}).status_code == 403
    login(world.users["manager_b"])
    assert client.get(url).status_code == 404


def test_settings_page_for_the_city_only(world, login, client):
    url = reverse("supervision:star_settings")
    login(world.users["district"])
    assert client.get(url).status_code == 404
    login(world.users["city"])
    assert client.get(url).status_code == 200
    data = {"star1_min": "60", "star2_min": "70", "star3_min": "80", "star4_min": "88", "star5_min": "95",
            "weight_inspection": "70", "weight_survey": "20", "notice_workdays": "7", "rating_valid_years": "2",
            "gate_service_years": "1", "gate_min_grade": "B", "downgrade_complaints": "5", "downgrade_window_days": "90",
            "survey_min_response_rate": "20"}
    r = client.post(url, data)
    assert r.status_code == 400 and "之和须为 100%" in r.content.decode()
    r = client.post(url, {**data, "weight_survey": "30", "notice_workdays": "10"})
    assert r.status_code == 302
    s = SupervisionSettings.current()
    assert s.weight_inspection == 70 and s.notice_workdays == 10
    row = AuditLog.objects.filter(object_type="supervision.supervisionsettings", action=AuditAction.UPDATE).last()
    assert row.changes["notice_workdays"] == [7, 10]


def test_estate_panel_on_the_registry_page(world, login, client):
    login(world.users["district"])
    url = reverse("registry:estate_detail", args=[world.estate_a.pk])
    html = client.get(url).content.decode()
    assert 'data-testid="star-panel"' in html and "暂无有效星级" in html
    one = queries(client, url)
    effective(world, 4)
    apply(world, 5)
    html = client.get(url).content.decode()
    assert "四星级物业服务小区" in html and 'data-testid="star-in-progress"' in html
    assert queries(client, url) == one
