"""Training pages: organise a session, enrol, sign in with a score, and the hours report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from wuye.campaign.training.models import Enrolment, Session
from wuye.core.calendar import local_text

pytestmark = pytest.mark.django_db


def test_organise_enrol_sign_in_and_hours(world, login):
    client = login(world.users["district"])
    assert client.get("/training/").status_code == 200
    r = client.post("/training/new/", {"title": "街道物业管理业务培训", "topic": "业主委员会指导", "audience": "street",
                                       "starts_at": local_text(timezone.now() + timedelta(days=2), "%Y-%m-%dT%H:%M"),
                                       "hours": "3", "trainer": "赵老师", "capacity": "2", "place": "东城区会议中心"})
    assert r.status_code == 302
    s = Session.objects.get(course__title="街道物业管理业务培训")
    assert s.district_id == world.d1.pk
    street = login(world.users["street"])
    assert "街道物业管理业务培训" in street.get("/training/").content.decode()
    street.post(f"/training/{s.pk}/enrol/")
    e = Enrolment.objects.get(session=s, user=world.users["street"])
    manager = login(world.users["manager_a"])
    manager.post(f"/training/{s.pk}/enrol/", {"staff": world.staff_a.pk})
    assert Enrolment.objects.filter(session=s, staff=world.staff_a).exists()
    assert login(world.users["manager_b"]).get(f"/training/{s.pk}/").status_code == 404  # serves no estate in 东城区
    client = login(world.users["district"])
    assert "赵老师" in client.get(f"/training/{s.pk}/").content.decode()
    client.post(f"/training/enrolments/{e.pk}/attendance/", {"present": "on", "exam_score": "92", "certificate_no": "DC-1"})
    e.refresh_from_db()
    assert e.signed_in_at and str(e.exam_score) == "92.0" and e.certificate_no == "DC-1"
    assert login(world.users["district2"]).post(f"/training/enrolments/{e.pk}/attendance/", {"present": ""}).status_code == 404
    page = login(world.users["district"]).get(f"/training/hours/?year={timezone.localtime(s.starts_at).year}").content.decode()
    assert world.staff_a.name in page  # lacks hours
    assert login(world.users["resident"]).get("/training/").status_code == 403
