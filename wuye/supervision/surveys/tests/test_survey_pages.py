"""Survey pages: the officials' list, opening, results with the chart and export, closing; the
owner's "我的测评" and the answer sheet; the questionnaire templates."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wuye.core.models import AuditAction, AuditLog
from wuye.registry import services as rs
from wuye.supervision.models import Survey, SurveyQuestion, SurveyResponse, SurveyTemplate
from wuye.supervision.surveys import services as svc
from wuye.supervision.surveys.tests.test_surveys import all_answers, default_template, open_survey


def denied(object_type: str) -> int:
    return AuditLog.objects.filter(action=AuditAction.DENIED, object_type=object_type).count()


def post_answers(survey, score=5, skip=0) -> dict:
    qs = list(SurveyQuestion.objects.filter(dimension__template_id=survey.template_id).values_list("pk", flat=True))
    return {f"q{pk}": str(score) for pk in qs[skip:]} | {"comment": "保洁要加强"}


# ---- list ---------------------------------------------------------------------------------------


def test_list_shows_the_district_its_surveys_with_a_fixed_number_of_queries(world, login, client):
    open_survey(world)
    open_survey(world, actor=world.users["district2"], estate=world.estate_b)
    login(world.users["district"])
    url = reverse("supervision:survey_list")
    r = client.get(url)
    assert r.status_code == 200
    assert "幸福里小区" in r.content.decode() and "翠湖花园" not in r.content.decode()
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    # more surveys in the district: same number of queries
    root = world.users["city"]
    for i in range(3):
        e = rs.estate_create(actor=root, name=f"新小区{i}", address="东城区某路", community=world.c1)
        rs.estate_set_contract(actor=root, estate=e, company=world.company_a, start_date=timezone.localdate() - timedelta(days=800),
                               end_date=timezone.localdate() + timedelta(days=800), contracted_grade="3", fee_rate=Decimal("2"))
        b = rs.building_create(actor=root, estate=e, name="1号楼")
        rs.unit_create(actor=root, building=b, number="101", exclusive_area=Decimal("80"))
        e.refresh_from_db()
        open_survey(world, estate=e)
    with CaptureQueriesContext(connection) as many:
        r = client.get(url)
    assert r.content.decode().count("supervision/surveys/") >= 4
    assert len(many) == len(one)


def test_list_refuses_roles_without_surveys_and_wrong_method(world, login, client):
    login(world.users["outsider"])
    before = denied("supervision.survey")
    assert client.get(reverse("supervision:survey_list")).status_code == 403
    assert denied("supervision.survey") == before + 1
    login(world.users["district"])
    assert client.post(reverse("supervision:survey_list")).status_code == 405
    login(world.users["resident"])
    assert client.get(reverse("supervision:survey_list")).url == reverse("supervision:survey_mine")


def test_company_sees_its_estates_surveys_only(world, login, client):
    open_survey(world)
    b = open_survey(world, actor=world.users["district2"], estate=world.estate_b)
    login(world.users["manager_a"])
    assert client.get(reverse("supervision:survey_list")).status_code == 200
    assert client.get(reverse("supervision:survey_detail", args=[b.pk])).status_code == 404


# ---- opening --------------------------------------------------------------------------------------


def test_district_opens_a_survey_on_the_form(world, login, client):
    default_template()
    login(world.users["district"])
    url = reverse("supervision:survey_create")
    assert client.get(url).status_code == 200
    closes = (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(url, {"estate": world.estate_a.pk, "template": SurveyTemplate.objects.get(is_default=True).pk,
                          "title": "", "opens_at": "", "closes_at": closes})
    survey = Survey.objects.get()
    assert r.status_code == 302 and r.url == reverse("supervision:survey_detail", args=[survey.pk])
    assert survey.status == Survey.Status.OPEN and survey.created_by == world.users["district"]
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="supervision.survey").exists()


def test_the_form_keeps_input_and_refuses_another_districts_estate(world, login, client):
    default_template()
    login(world.users["district"])
    closes = (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(reverse("supervision:survey_create"), {"estate": world.estate_b.pk, "closes_at": closes, "title": "我的标题",
                                                           "template": SurveyTemplate.objects.get(is_default=True).pk})
    assert r.status_code == 200 and "我的标题" in r.content.decode()
    assert not Survey.objects.exists()


@pytest.mark.parametrize("who", ["manager_a", "street", "resident"])
def test_only_officials_open_surveys(world, login, client, who):
    login(world.users[who])
    assert client.get(reverse("supervision:survey_create")).status_code == 403


# ---- results, close, export ---------------------------------------------------------------------------


def test_results_page_shows_figures_and_the_chart_data(world, login, client):
    survey = open_survey(world)
    svc.survey_respond(user=world.users["resident"], survey=survey, unit=world.unit_a, answers=all_answers(survey, 4))
    login(world.users["district"])
    r = client.get(reverse("supervision:survey_detail", args=[survey.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    assert 'id="wy-survey-data"' in html and "vendor/echarts/echarts.min.js" in html
    assert "100.00" in html and "服务态度" in html
    login(world.users["district2"])
    before = denied("supervision.survey")
    assert client.get(reverse("supervision:survey_detail", args=[survey.pk])).status_code == 404
    assert denied("supervision.survey") == before + 1


def test_close_by_the_official_only(world, login, client):
    survey = open_survey(world)
    url = reverse("supervision:survey_close", args=[survey.pk])
    login(world.users["manager_a"])
    assert client.post(url).status_code == 403
    login(world.users["district"])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED


def test_export_is_an_audited_workbook(world, login, client):
    survey = open_survey(world)
    svc.survey_respond(user=world.users["resident"], survey=survey, unit=world.unit_a, answers=all_answers(survey, 5))
    login(world.users["district"])
    r = client.get(reverse("supervision:survey_export", args=[survey.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.values)
    assert rows[0][0] == "测评维度" and rows[1][0] == "服务态度"
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, object_type="supervision.survey").exists()
    login(world.users["resident"])
    assert client.get(reverse("supervision:survey_export", args=[survey.pk])).status_code == 403


# ---- the owner's pages ---------------------------------------------------------------------------------


def test_my_surveys_lists_units_to_answer(world, login, client):
    survey = open_survey(world)
    login(world.users["resident"])
    r = client.get(reverse("supervision:survey_mine"))
    assert r.status_code == 200
    assert reverse("supervision:survey_answer", args=[survey.pk, world.unit_a.pk]) in r.content.decode()
    login(world.users["staff_a"])
    assert client.get(reverse("supervision:survey_mine")).status_code == 403


def test_owner_answers_on_the_phone_page(world, login, client):
    survey = open_survey(world)
    login(world.users["resident"])
    url = reverse("supervision:survey_answer", args=[survey.pk, world.unit_a.pk])
    r = client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'name="viewport"' in html and "wy-scale" in html and "非常满意" in html
    # a missing answer: 400, what was chosen is kept
    r = client.post(url, post_answers(survey, 4, skip=1))
    assert r.status_code == 400 and "请选择一项" in r.content.decode()
    assert r.content.decode().count("checked") >= len(post_answers(survey)) - 2  # the answers given are kept
    assert not SurveyResponse.objects.exists()
    r = client.post(url, post_answers(survey, 4))
    assert r.status_code == 302 and r.url == reverse("supervision:survey_mine")
    survey.refresh_from_db()
    assert survey.response_count == 1 and survey.satisfied_answers == survey.answer_count
    assert SurveyResponse.objects.get().comment == "保洁要加强"
    r = client.get(url)
    assert "已经提交过答卷" in r.content.decode()
    r = client.post(url, post_answers(survey, 2))
    assert r.status_code == 400 and "每套房屋只能提交一份答卷" in r.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_owner_cannot_open_another_units_sheet(world, login, client):
    survey = open_survey(world)
    other = open_survey(world, actor=world.users["district2"], estate=world.estate_b)
    login(world.users["resident"])
    assert client.get(reverse("supervision:survey_answer", args=[survey.pk, world.unit_b.pk])).status_code == 404
    assert client.get(reverse("supervision:survey_answer", args=[other.pk, world.unit_b.pk])).status_code == 404
    login(world.users["manager_a"])
    assert client.get(reverse("supervision:survey_answer", args=[survey.pk, world.unit_a.pk])).status_code == 403


# ---- templates ------------------------------------------------------------------------------------------


def test_city_edits_a_copy_of_the_default_questionnaire(world, login, client):
    t = default_template()
    login(world.users["city"])
    assert client.get(reverse("supervision:survey_template_list")).status_code == 200
    url = reverse("supervision:survey_template_detail", args=[t.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"action": "copy", "name": "老旧小区满意度问卷"})
    new = SurveyTemplate.objects.get(name="老旧小区满意度问卷")
    assert r.url == reverse("supervision:survey_template_detail", args=[new.pk])
    dim = new.dimensions.first()
    client.post(reverse("supervision:survey_template_detail", args=[new.pk]),
                {"action": "add_question", "dimension": dim.pk, "text": "楼道堆物及时清理"})
    assert dim.questions.filter(text="楼道堆物及时清理").exists()
    assert AuditLog.objects.filter(object_type="supervision.surveyquestion", action=AuditAction.CREATE).exists()


def test_district_reads_templates_but_may_not_edit(world, login, client):
    t = default_template()
    url = reverse("supervision:survey_template_detail", args=[t.pk])
    login(world.users["district"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "copy"}).status_code == 403
    assert SurveyTemplate.objects.count() == 1
    login(world.users["resident"])
    assert client.get(url).status_code == 403
