"""The demo step of old compounds: the register at the scale's size, projects in every state, the
plan's enclosure task bound to the indicator and split by district, and the same rows from the
same seed."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from wuye.campaign import services as camp_svc
from wuye.campaign.models import TargetQuota, Task
from wuye.campaign.selectors import task_row
from wuye.demo.transition_oldcompounds import MODELS, build_demo_oldcompounds
from wuye.registry.models import Estate
from wuye.transition.oldcompounds.models import CompoundProfile, Milestone, ProjectEvent, RenovationProject
from wuye.transition.oldcompounds.selectors import enclosures_accepted

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.get_default_timezone())


def _signature():
    return (list(Estate.objects.filter(kind="old_compound").order_by("id").values_list("name", "district_id")),
            list(RenovationProject.objects.order_by("id").values_list("estate__name", "kind", "status", "accepted_on",
                                                                       "budget")),
            list(TargetQuota.objects.order_by("district_id").values_list("district_id", "quota")))


def test_demo_register_projects_and_target(world):
    plan = camp_svc.plan_create(actor=world.users["city"], year=2026, title="2026年工作方案")
    counts = build_demo_oldcompounds(scale="small", seed=7, now=NOW, city_id=world.city.pk)
    assert Estate.objects.filter(kind="old_compound").count() == 30
    assert CompoundProfile.objects.count() == 30 == counts["oldcompounds.CompoundProfile"]
    assert {s for s in RenovationProject.objects.values_list("status", flat=True)} == set(RenovationProject.Status.values)
    assert {k for k in RenovationProject.objects.values_list("kind", flat=True)} >= {"enclosure"}
    assert Milestone.objects.exists() and ProjectEvent.objects.filter(action="accept").exists()
    for p in RenovationProject.objects.filter(status="accepted"):
        assert p.accepted_on <= NOW.date() and (p.started_on is None or p.started_on <= p.accepted_on)
    task = Task.objects.get(plan=plan, indicator="enclosures_completed")
    assert task.target_quantity == 30
    assert sum(TargetQuota.objects.filter(task=task).values_list("quota", flat=True)) == 30
    done, _by = enclosures_accepted(2026)
    row = task_row(task, now=NOW)
    assert row.progress.done == done and 0 < done < 30
    assert set(MODELS) >= {f"oldcompounds.{m}" for m in ("CompoundProfile", "RenovationProject", "ProjectEvent")}
    first = _signature()
    # the same seed gives the same rows
    RenovationProject.objects.all().delete()
    CompoundProfile.objects.all().delete()
    Estate.objects.filter(kind="old_compound", units__isnull=True, renovations__isnull=True,
                          pk__gt=world.estate_b.pk).delete()
    build_demo_oldcompounds(scale="small", seed=7, now=NOW, city_id=world.city.pk)
    again = _signature()
    assert again[1] == first[1] and again[2] == first[2]
