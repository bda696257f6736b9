"""Owners answering one survey at the same moment (issue 4 §5: one answer per unit per survey;
the survey's counters stay exact). PostgreSQL only: it needs two connections at once.

Two co-owners of one unit submit together: exactly one answer sheet is stored and the other owner
gets the clear message. Owners of two different units submit together: both are stored and the
counters add up, because they move with F() in the same transaction as the answer sheet.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from wuye.accounts.models import Role
from wuye.conftest import build_world, make_user
from wuye.core.testing import race
from wuye.registry import services as rs
from wuye.supervision.models import Survey, SurveyAnswer, SurveyResponse
from wuye.supervision.surveys import services as svc
from wuye.supervision.surveys.tests.test_surveys import all_answers, open_survey

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two connections at once (PostgreSQL)"),
]


def test_two_co_owners_at_once_one_sheet(transactional_db):
    world = build_world()
    survey = open_survey(world)
    root = world.users["city"]
    spouse = rs.owner_create(actor=root, name="李建国", phone="13811112222")
    rs.ownership_create(actor=root, unit=world.unit_a, owner=spouse)
    spouse_user = make_user("spouse", Role.RESIDENT, owner=spouse)
    answers = all_answers(survey, 5)

    def answer(user):
        return lambda: svc.survey_respond(user=user, survey=Survey.objects.get(pk=survey.pk), unit=world.unit_a,
                                          answers=answers)

    results = race(answer(world.users["resident"]), answer(spouse_user))
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    refused = next(r[1] for r in results if r[0] == "refused")
    assert "每套房屋只能提交一份答卷" in " ".join(refused.messages)
    survey.refresh_from_db()
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert (survey.response_count, survey.answer_count, survey.satisfied_answers) == (1, len(answers), len(answers))


def test_owners_of_two_units_at_once_both_count(transactional_db):
    world = build_world()
    survey = open_survey(world)
    root = world.users["city"]
    neighbour_unit = rs.unit_create(actor=root, building=world.building_a, number="3-1-102",
                                    exclusive_area=Decimal("90.00"), floor=1)
    neighbour = rs.owner_create(actor=root, name="周敏", phone="13822223333")
    rs.ownership_create(actor=root, unit=neighbour_unit, owner=neighbour)
    neighbour_user = make_user("neighbour", Role.RESIDENT, owner=neighbour)
    answers = all_answers(survey, 4)

    def answer(user, unit):
        return lambda: svc.survey_respond(user=user, survey=Survey.objects.get(pk=survey.pk), unit=unit, answers=answers)

    results = race(answer(world.users["resident"], world.unit_a), answer(neighbour_user, neighbour_unit))
    assert [r[0] for r in results] == ["ok", "ok"]
    survey.refresh_from_db()
    assert survey.response_count == 2 == SurveyResponse.objects.filter(survey=survey).count()
    assert survey.answer_count == 2 * len(answers) == SurveyAnswer.objects.filter(response__survey=survey).count()
    assert survey.satisfied_answers == 2 * len(answers)
