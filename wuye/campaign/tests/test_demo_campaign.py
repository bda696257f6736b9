"""The demo city's work plan (issue 16 item 13): 24 tasks across 13 member units, reports in
every status, every task status, the same rows for the same seed."""

from __future__ import annotations

import pytest

from wuye.campaign.models import MemberUnit, Report, StaffingPost, Task
from wuye.campaign.selectors import task_rows
from wuye.demo.generator import build_demo_city
from wuye.territory.models import District

pytestmark = pytest.mark.django_db


def test_demo_plan():
    build_demo_city(scale="small", seed=1)
    tasks = Task.objects.all()
    assert tasks.count() == 24
    assert MemberUnit.objects.count() == 14  # the city bureau leads 13 member units
    assert len({(t.lead_kind, t.lead_id) for t in tasks}) == 13
    assert set(Report.objects.values_list("status", flat=True)) == set(Report.Status.values)
    statuses = {r.status for r in task_rows(tasks)}
    assert statuses == {"not_started", "on_track", "behind", "done", "overdue"}, statuses
    assert StaffingPost.objects.exists()
    assert Task.objects.get(number="1").quotas.count() == District.objects.count()
