"""Satisfaction surveys (issue 4 §5): the default questionnaire, who may open and answer, one
answer per unit, and the exact figures."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from wuye.accounts.models import Role
from wuye.conftest import make_user
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction, AuditLog
from wuye.notifications.models import Notification
from wuye.registry import services as rs
from wuye.supervision.models import Survey, SurveyDimension, SurveyQuestion, SurveyResponse, SurveyTemplate
from wuye.supervision.surveys import seed as seed_survey
from wuye.supervision.surveys import selectors as sel
from wuye.supervision.surveys import services as svc


def default_template() -> SurveyTemplate:
    seed_survey.seed()
    return SurveyTemplate.objects.get(name=seed_survey.DEFAULT_NAME, version=1)


def open_survey(world, *, actor=None, estate=None, now=None) -> Survey:
    now = now or timezone.now()
    return svc.survey_open(actor=actor or world.users["district"], estate=estate or world.estate_a,
                           template=default_template(), closes_at=now + timedelta(days=14), now=now)


def all_answers(survey, score=5, overrides=None) -> dict:
    qs = SurveyQuestion.objects.filter(dimension__template_id=survey.template_id).values_list("pk", flat=True)
    out = {pk: score for pk in qs}
    out.update(overrides or {})
    return out


# ---- the default questionnaire --------------------------------------------------------------


@pytest.mark.django_db
def test_default_questionnaire_has_eight_dimensions_of_two_or_three_questions_and_seeding_is_idempotent():
    seed_survey.seed()
    seed_survey.seed()
    t = SurveyTemplate.objects.get(name=seed_survey.DEFAULT_NAME, version=1)
    assert SurveyTemplate.objects.filter(name=seed_survey.DEFAULT_NAME).count() == 1
    assert t.is_default and t.active
    names = list(t.dimensions.order_by("order").values_list("name", flat=True))
    assert names == ["服务态度", "保洁", "绿化", "秩序维护", "维修服务", "设施设备", "收费与公开", "投诉处理"]
    for d in t.dimensions.all():
        assert 2 <= d.questions.count() <= 3
    assert SurveyQuestion.objects.filter(dimension__template=t).count() == sum(len(q) for _n, q in seed_survey.DIMENSIONS)


@pytest.mark.django_db
def test_seed_restores_a_missing_question_and_keeps_edits():
    t = default_template()
    q = SurveyQuestion.objects.filter(dimension__template=t).first()
    q.delete()
    extra = SurveyQuestion.objects.create(dimension=SurveyDimension.objects.filter(template=t).first(), text="新增题目", order=9)
    seed_survey.seed()
    assert SurveyQuestion.objects.filter(dimension__template=t, text=q.text).exists()
    assert SurveyQuestion.objects.filter(pk=extra.pk).exists()


def test_seed_works_with_migration_apps(db):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    apps = executor.loader.project_state(("supervision", "0002_seed_defaults")).apps
    SurveyTemplate.objects.all().delete()
    seed_survey.seed(apps)
    assert SurveyTemplate.objects.get(name=seed_survey.DEFAULT_NAME).dimensions.count() == 8


# ---- opening -----------------------------------------------------------------------------------


def test_district_opens_a_survey_for_its_estate(world):
    survey = open_survey(world)
    assert survey.status == Survey.Status.OPEN
    assert survey.unit_count == 1  # delivered units of estate A
    assert survey.company_id == world.company_a.pk
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="supervision.survey", object_id=str(survey.pk)).exists()
    assert Notification.objects.filter(user=world.users["resident"], subject__contains="满意度测评").exists()


@pytest.mark.parametrize("who", ["district2", "street", "manager_a", "resident", "committee"])
def test_others_may_not_open_a_survey(world, who):
    with pytest.raises(ServiceError):
        open_survey(world, actor=world.users[who])
    assert not Survey.objects.exists()


def test_city_opens_anywhere_but_only_one_running_survey_per_estate(world):
    open_survey(world, actor=world.users["city"], estate=world.estate_b)
    with pytest.raises(ServiceError, match="未结束"):
        open_survey(world, actor=world.users["city"], estate=world.estate_b)


def test_undelivered_units_do_not_count(world):
    rs.unit_create(actor=world.users["city"], building=world.building_a, number="3-1-102", exclusive_area=Decimal("80"),
                   sale_status="unsold")
    assert open_survey(world).unit_count == 1


# ---- answering -----------------------------------------------------------------------------------


def test_owner_answers_once_per_unit_and_the_counters_follow(world):
    survey = open_survey(world)
    answers = all_answers(survey, 5)
    qids = list(answers)
    answers[qids[0]] = 3
    answers[qids[1]] = 1
    answers[qids[2]] = 4
    svc.survey_respond(user=world.users["resident"], survey=survey, unit=world.unit_a, answers=answers, comment="总体不错")
    survey.refresh_from_db()
    assert survey.response_count == 1
    assert survey.answer_count == len(qids)
    assert survey.satisfied_answers == len(qids) - 2
    r = SurveyResponse.objects.get(survey=survey)
    assert r.owner_id == world.owner_a.pk and r.answers.count() == len(qids)
    assert AuditLog.objects.filter(object_type="supervision.surveyresponse", object_id=str(r.pk)).exists()
    with pytest.raises(ServiceError, match="每套房屋只能提交一份答卷"):
        svc.survey_respond(user=world.users["resident"], survey=survey, unit=world.unit_a, answers=answers)


def test_a_second_owner_of_the_same_unit_is_refused_with_a_clear_message(world):
    survey = open_survey(world)
    root = world.users["city"]
    spouse = rs.owner_create(actor=root, name="李建国", phone="13811112222")
    rs.ownership_create(actor=root, unit=world.unit_a, owner=spouse)
    spouse_user = make_user("spouse", Role.RESIDENT, owner=spouse)
    svc.survey_respond(user=world.users["resident"], survey=survey, unit=world.unit_a, answers=all_answers(survey))
    with pytest.raises(ServiceError) as exc:
        svc.survey_respond(user=spouse_user, survey=survey, unit=world.unit_a, answers=all_answers(survey))
    assert "已有业主参加了本次测评" in exc.value.messages[0]
    survey.refresh_from_db()
    assert survey.response_count == 1


def test_an_owner_of_two_units_answers_for_each(world):
    root = world.users["city"]
    unit2 = rs.unit_create(actor=root, building=world.building_a, number="3-1-201", exclusive_area=Decimal("89.50"), floor=2)
    rs.ownership_create(actor=root, unit=unit2, owner=world.owner_a)
    survey = open_survey(world)
    assert survey.unit_count == 2
    assert len(sel.owner_units(world.users["resident"], survey)) == 2
    svc.survey_respond(user=world.users["resident"], survey=survey, unit=world.unit_a, answers=all_answers(survey, 5))
    svc.survey_respond(user=world.users["resident"], survey=survey, unit=unit2, answers=all_answers(survey, 2))
    survey.refresh_from_db()
    assert survey.response_count == 2
    assert sel.survey_results(survey).response_rate == Decimal("100.00")
    assert sel.survey_results(survey).satisfaction == Decimal("50.00")


@pytest.mark.parametrize("who", ["staff_a", "manager_a", "committee", "district", "city"])
def test_staff_officials_and_a_committee_without_owner_binding_may_not_answer(world, who):
    survey = open_survey(world)
    with pytest.raises(ServiceError, match="经核实的业主"):
        svc.survey_respond(user=world.users[who], survey=survey, unit=world.unit_a, answers=all_answers(survey))
    assert not SurveyResponse.objects.exists()


def test_an_owner_may_not_answer_for_someone_elses_unit(world):
    survey = open_survey(world)
    other = open_survey(world, actor=world.users["district2"], estate=world.estate_b)
    with pytest.raises(ServiceError, match="不是该房屋登记的业主"):
        svc.survey_respond(user=world.users["resident"], survey=other, unit=world.unit_b, answers=all_answers(other))
    with pytest.raises(ServiceError, match="不是该房屋登记的业主"):
        svc.survey_respond(user=world.users["resident"], survey=survey, unit=world.unit_b, answers=all_answers(survey))


def test_every_question_must_be_answered_on_the_five_point_scale(world):
    survey = open_survey(world)
    answers = all_answers(survey)
    first = next(iter(answers))
    with pytest.raises(ServiceError, match="没有作答"):
        svc.survey_respond(user=world.users["resident"], survey=survey, unit=world.unit_a,
                           answers={k: v for k, v in answers.items() if k != first})
    with pytest.raises(ServiceError, match="1（非常不满意）到 5"):
        svc.survey_respond(user=world.users["resident"], survey=survey, unit=world.unit_a, answers={**answers, first: 6})
    assert not SurveyResponse.objects.exists()


def test_closed_survey_takes_no_answers_and_the_sweep_closes_on_time(world):
    now = timezone.now()
    survey = open_survey(world, now=now)
    assert svc.survey_sweep(now=now + timedelta(days=1)) == {"opened": 0, "closed": 0}
    assert svc.survey_sweep(now=now + timedelta(days=15)) == {"opened": 0, "closed": 1}
    assert svc.survey_sweep(now=now + timedelta(days=16)) == {"opened": 0, "closed": 0}  # idempotent
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED
    with pytest.raises(ServiceError, match="不在进行中"):
        svc.survey_respond(user=world.users["resident"], survey=survey, unit=world.unit_a, answers=all_answers(survey))


def test_a_survey_opening_later_is_opened_by_the_sweep(world):
    now = timezone.now()
    survey = svc.survey_open(actor=world.users["district"], estate=world.estate_a, template=default_template(),
                             opens_at=now + timedelta(days=2), closes_at=now + timedelta(days=9), now=now)
    assert survey.status == Survey.Status.DRAFT
    assert svc.survey_sweep(now=now + timedelta(days=2, minutes=1))["opened"] == 1
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN


def test_the_official_closes_early_and_a_second_close_is_refused(world):
    survey = open_survey(world)
    with pytest.raises(ServiceError):
        svc.survey_close(actor=world.users["district2"], survey=survey)
    svc.survey_close(actor=world.users["district"], survey=survey)
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED
    with pytest.raises(ServiceError, match="已经结束"):
        svc.survey_close(actor=world.users["district"], survey=survey)


# ---- figures --------------------------------------------------------------------------------------


def test_results_per_dimension_are_exact(world):
    root = world.users["city"]
    units = [world.unit_a]
    for i in range(2):
        u = rs.unit_create(actor=root, building=world.building_a, number=f"3-2-{i}01", exclusive_area=Decimal("70"))
        rs.ownership_create(actor=root, unit=u, owner=world.owner_a)
        units.append(u)
    survey = open_survey(world)
    first_dim = SurveyDimension.objects.filter(template=survey.template).order_by("order").first()
    first_qs = list(first_dim.questions.values_list("pk", flat=True))
    svc.survey_respond(user=world.users["resident"], survey=survey, unit=units[0], answers=all_answers(survey, 4))
    svc.survey_respond(user=world.users["resident"], survey=survey, unit=units[1],
                       answers=all_answers(survey, 5, {first_qs[0]: 3}))
    survey.refresh_from_db()
    res = sel.survey_results(survey)
    assert res.response_rate == Decimal("66.67")  # 2 of 3 units
    d = res.dimensions[0]
    assert d.name == "服务态度"
    assert d.answers == 2 * len(first_qs)
    assert d.satisfied == 2 * len(first_qs) - 1
    assert d.satisfaction == sel.percent(d.satisfied, d.answers)
    assert res.dimensions[1].satisfaction == Decimal("100.00")
    assert res.chart["names"][0] == "服务态度"
    assert res.chart["values"][1] == "100.00"
    assert res.valid  # 66.67 % ≥ 20 %


def test_percent_rounds_half_up_to_cents():
    assert sel.percent(1, 3) == Decimal("33.33")
    assert sel.percent(2, 3) == Decimal("66.67")
    assert sel.percent(1, 8) == Decimal("12.50")
    assert sel.percent(1, 16) == Decimal("6.25")
    assert sel.percent(1, 32) == Decimal("3.13")  # 3.125 → half up
    assert sel.percent(0, 0) is None


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=10**6), st.data())
def test_percent_is_the_exact_ratio_rounded_half_up(whole, data):
    part = data.draw(st.integers(min_value=0, max_value=whole))
    exact = Fraction(part * 100, whole)
    got = sel.percent(part, whole)
    assert abs(Fraction(got) - exact) <= Fraction(1, 200)
    # half up (四舍五入), by integer arithmetic: hundredths of a percent, and a remainder of half or more rounds up
    hundredths, rest = divmod(part * 10_000, whole)
    assert got == Decimal(hundredths + (2 * rest >= whole)).scaleb(-2)
    assert isinstance(got, Decimal)


# ---- templates -------------------------------------------------------------------------------------


def test_a_template_in_use_is_frozen_and_copied_into_a_new_version(world):
    city = world.users["city"]
    survey = open_survey(world)
    t = survey.template
    dim = t.dimensions.first()
    with pytest.raises(ServiceError, match="复制为新版本"):
        svc.survey_question_add(actor=city, dimension=dim, text="新题")
    new = svc.survey_template_copy(actor=city, template=t)
    assert new.version == 2 and new.name == t.name
    assert SurveyQuestion.objects.filter(dimension__template=new).count() == SurveyQuestion.objects.filter(dimension__template=t).count()
    d = svc.survey_dimension_add(actor=city, template=new, name="停车管理")
    svc.survey_question_add(actor=city, dimension=d, text="车位管理规范有序")
    svc.survey_template_set_default(actor=city, template=new)
    t.refresh_from_db()
    assert not t.is_default and SurveyTemplate.objects.get(pk=new.pk).is_default


def test_only_the_city_edits_templates(world):
    t = default_template()
    with pytest.raises(ServiceError, match="市住房保障房产局"):
        svc.survey_template_copy(actor=world.users["district"], template=t)
