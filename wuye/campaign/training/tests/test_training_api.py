"""Training API (optional part of issue 16 §12): list the sessions open to a user and enrol."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from wuye.campaign.training import services as svc
from wuye.campaign.training.models import Enrolment

pytestmark = pytest.mark.django_db


def test_list_and_enrol(world, login):
    course = svc.course_create(by=world.users["district"], title="街道物业培训", topic="业委会指导")
    s = svc.session_create(by=world.users["district"], course=course, starts_at=timezone.now() + timedelta(days=3),
                           hours=Decimal("3"), trainer="赵老师", capacity=1, place="东城区")
    ids = [r["id"] for r in login(world.users["street"]).get("/api/v1/training/sessions/").json()["results"]]
    assert s.pk in ids
    assert s.pk not in [r["id"] for r in login(world.users["district2"]).get("/api/v1/training/sessions/").json()["results"]]
    r = login(world.users["manager_a"]).post(f"/api/v1/training/sessions/{s.pk}/enrol/", {"staff": world.staff_a.pk},
                                             content_type="application/json")
    assert r.status_code == 201 and r.json()["name"] == world.staff_a.name
    r = login(world.users["street"]).post(f"/api/v1/training/sessions/{s.pk}/enrol/", {}, content_type="application/json")
    assert r.status_code == 400 and "名额已满" in r.content.decode()
    r = login(world.users["manager_b"]).post(f"/api/v1/training/sessions/{s.pk}/enrol/", {}, content_type="application/json")
    assert r.status_code == 404  # company B serves no estate in 东城区
    assert Enrolment.objects.filter(session=s).count() == 1
    assert "/api/v1/training/sessions/{id}/enrol/" in login(world.users["city"]).get("/api/schema/").content.decode()
