"""Training (issue 16 item 11): sessions, enrolment within capacity, sign-in, and a project
manager's yearly hours from attendance driving the training-hours credit item (MG02) and the
manager's score; each district sees who in its area lacks hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from wuye.campaign.training import selectors as sel
from wuye.campaign.training import services as svc
from wuye.campaign.training.hours import manager_hours
from wuye.campaign.training.models import Enrolment
from wuye.core.errors import ServiceError
from wuye.core.models import AuditLog
from wuye.credit.catalogue import seed
from wuye.credit.managers import manager_training_check, training_record_add
from wuye.credit.models import CreditEvent, ManagerCredit
from wuye.registry.models import Staff

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def _session(world, *, when=None, hours="8", capacity=30, by="city"):
    course = svc.course_create(by=world.users[by], title="物业项目经理继续教育", topic="消防安全与应急处置",
                               audience="managers")
    return svc.session_create(by=world.users[by], course=course, starts_at=when or timezone.now() + timedelta(days=3),
                              hours=Decimal(hours), trainer="王教授", capacity=capacity, place="市住房保障房产局三楼会议室")


def test_attendance_drives_the_managers_yearly_hours_and_score(world):
    seed()
    s = _session(world)
    e = svc.enrol(by=world.users["manager_a"], session=s, staff=world.staff_a)
    assert ManagerCredit.objects.filter(manager=world.staff_a, training_hours__gt=0).count() == 0
    svc.attendance_record(by=world.users["city"], enrolment=e, exam_score=Decimal("88"), certificate_no="PX2026-001")
    year = timezone.localtime(s.starts_at).year
    assert manager_hours(year)[world.staff_a.pk] == Decimal("8.0")
    if year == timezone.localdate().year:
        assert ManagerCredit.objects.get(manager=world.staff_a).training_hours == Decimal("8.0")
    # the hand-recorded hours add to the same sum (one home)
    training_record_add(user=world.users["district"], manager=world.staff_a, course="电梯安全",
                        attended_on=timezone.localdate(), hours=Decimal("4"))
    assert ManagerCredit.objects.get(manager=world.staff_a).training_hours == Decimal("12.0") or year != timezone.localdate().year
    assert AuditLog.objects.filter(object_type="training.enrolment", object_id=str(e.pk)).count() == 2


def test_year_end_check_reads_attendance(world):
    """MG02 (rules.md §9, −10 for missing yearly hours): 24 hours attended in 2025 spare manager A;
    manager B attended 8 and gets the item."""
    seed()
    Staff.objects.filter(pk__in=[world.staff_a.pk, world.staff_b.pk]).update(post_started=date(2024, 6, 1))
    for when in (datetime(2025, 3, 2, 9, tzinfo=SH), datetime(2025, 6, 8, 9, tzinfo=SH), datetime(2025, 11, 9, 9, tzinfo=SH)):
        s = _session(world)
        people = [svc.enrol(by=world.users["manager_a"], session=s, staff=world.staff_a)]
        if when.month == 3:
            people.append(svc.enrol(by=world.users["manager_b"], session=s, staff=world.staff_b))
        type(s).objects.filter(pk=s.pk).update(starts_at=when)  # a session of last year
        for e in people:
            e.session.refresh_from_db()
            svc.attendance_record(by=world.users["city"], enrolment=e)
    hours = manager_hours(2025)
    assert hours[world.staff_a.pk] == Decimal("24.0") and hours[world.staff_b.pk] == Decimal("8.0")
    assert manager_training_check(year=2025, today=date(2026, 1, 5)) == 1
    ev = CreditEvent.objects.get(rule__code="MG02")
    assert ev.manager_id == world.staff_b.pk
    assert manager_training_check(year=2025, today=date(2026, 1, 5)) == 0  # idempotent


def test_capacity_permissions_and_lacking_list(world):
    seed()
    s = _session(world, capacity=1, by="district")
    with pytest.raises(ServiceError):
        svc.enrol(by=world.users["manager_b"], session=s, staff=world.staff_a)  # not B's staff
    e = svc.enrol(by=world.users["street"], session=s)
    assert e.user == world.users["street"] and e.district_id == world.d1.pk
    with pytest.raises(ServiceError, match="名额已满"):
        svc.enrol(by=world.users["community"], session=s)
    with pytest.raises(ServiceError):
        svc.attendance_record(by=world.users["district2"], enrolment=e)
    with pytest.raises(ServiceError):
        svc.attendance_record(by=world.users["manager_a"], enrolment=e)
    svc.attendance_record(by=world.users["district"], enrolment=e)
    assert Enrolment.objects.get(pk=e.pk).signed_in_at is not None
    # district 2 does not see district 1's session; the city and district 1 do
    assert not sel.sessions_visible_to(world.users["district2"]).filter(pk=s.pk).exists()
    assert sel.sessions_visible_to(world.users["street"]).filter(pk=s.pk).exists()
    # who lacks hours: district 1 sees its manager (A), not B
    year = timezone.localdate().year
    rows = sel.managers_lacking_hours(world.users["district"], year)
    assert [r["staff"].pk for r in rows] == [world.staff_a.pk]
    assert {r["staff"].pk for r in sel.managers_lacking_hours(world.users["city"], year)} == {world.staff_a.pk, world.staff_b.pk}
    assert sel.managers_lacking_hours(world.users["manager_a"], year) == []
