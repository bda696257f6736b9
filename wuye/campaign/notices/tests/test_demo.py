"""The demo's notices and training (issue 16 item 13): a live notice with part of its receipts, a
closed one with overdue units, and a year of training; the same rows for the same seed."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import transaction

from wuye.accounts.models import Role
from wuye.campaign.notices import selectors as sel
from wuye.campaign.notices.models import Notice, Receipt
from wuye.campaign.training.hours import manager_hours
from wuye.campaign.training.models import Enrolment
from wuye.conftest import make_user
from wuye.demo.notices import build_demo_notices
from wuye.demo.training import build_demo_training

pytestmark = pytest.mark.django_db
NOW = datetime.fromisoformat("2026-11-15T10:00:00+08:00")


class _Rollback(Exception):
    pass


def _snapshot(world) -> list[tuple]:
    rows: list[tuple] = []
    try:
        with transaction.atomic():
            build_demo_notices(scale="small", seed=7, now=NOW, city_id=world.city.pk)
            build_demo_training(scale="small", seed=7, now=NOW, city_id=world.city.pk)
            rows = list(Receipt.objects.order_by("unit_kind", "unit_id", "notice__title").values_list(
                "notice__title", "unit_name", "status", "read_at", "acknowledged_at", "feedback_figure"))
            rows += list(Enrolment.objects.order_by("session__course__title", "name", "session__starts_at").values_list(
                "session__course__title", "name", "signed_in_at", "exam_score", "certificate_no"))
            raise _Rollback
    except _Rollback:
        pass
    return rows


def test_demo_notices_and_training(world):
    make_user("company", Role.COMPANY_MANAGER, company=world.company_a)
    counts = build_demo_notices(scale="small", seed=7, now=NOW, city_id=world.city.pk)
    assert counts["notice"] == 2
    live = Notice.objects.get(title__contains="消防安全检查")
    assert Receipt.objects.get(notice=live, unit_id=world.company_a.pk).status == "pending"  # the demo login signs
    past = Notice.objects.get(title__contains="疫情防控")
    c = sel.receipt_counts(past, NOW)
    assert c["total"] == c["acknowledged"] + c["overdue"] and c["pending"] == 0
    t = build_demo_training(scale="small", seed=7, now=NOW, city_id=world.city.pk)
    assert t["training_session"] >= 8 and t["training_enrolment"] > 0
    assert manager_hours(2026)  # project managers have hours from attendance
    assert Enrolment.objects.filter(signed_in_at__isnull=False).exists()


def test_same_rows_for_the_same_seed(world):
    assert _snapshot(world) == _snapshot(world)
