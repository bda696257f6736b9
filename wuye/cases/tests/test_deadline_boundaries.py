"""Deadlines at their edges (issue 12 items 15 and 16).

- 民法典 第二百零三条第二款: a period in days ends at 24:00 of its last day, so an action in the
  last second of the due day (23:59:59.5) is on time, and one at the next day's 00:00:00 is late —
  for the services, the sweep and stored rows alike (the data migration moves old 23:59:59.000
  deadlines to 23:59:59.999999).
- Nothing waits untimed: a complaint back at the desk in "accepted" (accepted, or after an
  approved return with no new unit) runs the dispatch clock, and the sweep warns the desk, marks
  it overdue and escalates it as time passes.
"""

from __future__ import annotations

import importlib
from datetime import timedelta

from django.apps import apps

from wuye.cases import services
from wuye.cases.models import CaseSettings, Complaint, Event, Status, SupervisionLevel, Task
from wuye.cases.serializers import ComplaintListSerializer, TaskSerializer
from wuye.cases.sweep import sweep
from wuye.notifications.models import Notification

from .conftest import act, file
from .metrics_support import clock_fixture, local  # noqa: F401

S = Status
T0 = local(2026, 3, 2, 9, 0)  # a Monday morning
# cleaning_greening resolves within 3 working days: dispatched Monday, due Thursday at 24:00.
DUE_DAY_LAST_HALF_SECOND = local(2026, 3, 5, 23, 59, 59, 500000)
NEXT_MIDNIGHT = local(2026, 3, 6, 0, 0, 0)


def in_progress(w, clock):
    clock.at(T0)
    c = file(w, "cleaning_greening", at=T0)
    act(w.users["city"], c, "dispatch")
    clock.advance(minutes=30)
    act(w.users["manager_a"], c, "sign")
    clock.advance(minutes=30)
    act(w.users["manager_a"], c, "contact")
    c.refresh_from_db()
    assert c.resolve_due == local(2026, 3, 5, 23, 59, 59, 999999)
    return c


def test_a_reply_in_the_last_second_of_the_due_day_is_on_time(cworld, clock):
    c = in_progress(cworld, clock)
    clock.at(DUE_DAY_LAST_HALF_SECOND)
    act(cworld.users["manager_a"], c, "reply", note="已清运")
    c.refresh_from_db()
    assert c.status == S.REPLY_REVIEW and not c.resolve_overdue
    assert Task.objects.get(complaint=c, role=Task.Role.LEAD).done_in_time is True


def test_a_reply_at_the_next_midnight_is_late(cworld, clock):
    c = in_progress(cworld, clock)
    clock.at(NEXT_MIDNIGHT)
    act(cworld.users["manager_a"], c, "reply", note="已清运")
    c.refresh_from_db()
    assert c.resolve_overdue
    assert Task.objects.get(complaint=c, role=Task.Role.LEAD).done_in_time is False


def test_the_sweep_marks_a_day_deadline_overdue_only_from_the_next_midnight(cworld, clock):
    c = in_progress(cworld, clock)
    sweep(now=DUE_DAY_LAST_HALF_SECOND)
    c.refresh_from_db()
    assert not c.resolve_overdue
    sweep(now=NEXT_MIDNIGHT)
    c.refresh_from_db()
    assert c.resolve_overdue
    assert Event.objects.filter(complaint=c, action="overdue", note="办结超期", created_at=NEXT_MIDNIGHT).exists()


def test_the_api_still_shows_a_day_deadline_as_235959(cworld, clock):
    c = in_progress(cworld, clock)
    assert ComplaintListSerializer(c).data["resolve_due"] == "2026-03-05T23:59:59+08:00"
    task = Task.objects.get(complaint=c, role=Task.Role.LEAD)
    assert TaskSerializer(task).data["due"] == "2026-03-05T23:59:59+08:00"
    assert TaskSerializer(task).data["sign_due"] == "2026-03-02T13:00:00+08:00"  # an hour period: unchanged


def test_the_data_migration_moves_stored_day_deadlines_to_the_last_microsecond(cworld, clock):
    c = in_progress(cworld, clock)
    old = local(2026, 3, 5, 23, 59, 59)
    Complaint.objects.filter(pk=c.pk).update(resolve_due=old)
    Task.objects.filter(complaint=c, role=Task.Role.LEAD).update(due=old)
    migration = importlib.import_module("wuye.cases.migrations.0009_day_deadlines_last_microsecond")
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # a second run changes nothing
    c.refresh_from_db()
    task = Task.objects.get(complaint=c, role=Task.Role.LEAD)
    assert c.resolve_due == task.due == local(2026, 3, 5, 23, 59, 59, 999999)
    assert c.sign_due == T0 + timedelta(hours=4)  # an hour period's end is left alone
    migration.backwards(apps, None)
    c.refresh_from_db()
    assert c.resolve_due == old


# ---- item 16: nothing waits untimed --------------------------------------------------------------


def test_an_approved_return_without_a_new_unit_is_warned_then_escalated_by_the_sweep(cworld, clock):
    u = cworld.users
    cs = CaseSettings.current()
    cs.warn_before_hours = 1
    cs.save()
    services.settings_changed()
    c = in_progress(cworld, clock)
    act(u["manager_a"], c, "request_return", note="不属于物业职责", legal_basis="《物业管理条例》第三十五条")
    back = local(2026, 3, 2, 11, 0)
    clock.at(back)
    act(u["district"], c, "decide_return", approve=True)
    c.refresh_from_db()
    # The desk's clock: the category's accept limit (2 h) from the approval.
    assert c.status == S.ACCEPTED and c.dispatch_due == back + timedelta(hours=2)
    assert c.next_check_at == back + timedelta(hours=1)  # the warning, 1 h before

    stats = sweep(now=back + timedelta(hours=1, minutes=5))
    assert stats["warned"] == 1 and stats["overdue"] == 0
    assert Notification.objects.filter(user=u["district"], subject="即将到期").exists()
    assert not Notification.objects.filter(user=u["manager_a"], subject="即将到期").exists()

    stats = sweep(now=back + timedelta(hours=2, minutes=1))
    c.refresh_from_db()
    assert stats["overdue"] == 1 and c.dispatch_overdue
    assert c.supervision_level == SupervisionLevel.REMIND  # 催办 as soon as it is overdue (rule: 0 h)
    assert Event.objects.filter(complaint=c, action="overdue", note="派单超期").exists()

    sweep(now=back + timedelta(hours=4, minutes=1))
    c.refresh_from_db()
    assert c.supervision_level == SupervisionLevel.SUPERVISE  # 督办 after 2 h overdue
    assert c.next_check_at is not None  # the next escalation (挂牌督办) is still ahead

    clock.at(back + timedelta(hours=5))
    act(u["district"], c, "dispatch")
    c.refresh_from_db()
    assert c.status == S.DISPATCHED and c.dispatch_overdue  # frozen when the stage ends


def test_an_accepted_complaint_waits_on_the_dispatch_clock(cworld, clock):
    clock.at(T0)
    c = file(cworld, "cleaning_greening", at=T0)
    act(cworld.users["district"], c, "accept")
    c.refresh_from_db()
    assert c.status == S.ACCEPTED and c.dispatch_due == T0 + timedelta(hours=2)
    assert c.next_check_at is not None
    sweep(now=T0 + timedelta(hours=2, minutes=1))
    c.refresh_from_db()
    assert c.dispatch_overdue and c.supervision_level >= SupervisionLevel.REMIND
