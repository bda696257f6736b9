"""Rectification orders (issue 4 §4): issued for each defect with a working-day deadline and a
number, the company's evidence, the re-inspection that closes or reopens, the conclusion of the
inspection with credit repair, and the overdue sweep with its credit event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from wuye.core.calendar import PeriodUnit, add_period
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditLog
from wuye.credit.models import CreditEvent
from wuye.notifications.models import Notification
from wuye.supervision.models import Inspection, OrderEvent, RectificationEvidence, RectificationOrder
from wuye.supervision.orders import services as so
from wuye.supervision.orders.sweep import sweep_orders
from wuye.supervision.orders.workflow import ORDER, ORDER_TRANSITIONS, order_actor_kinds
from wuye.supervision.tests.inspection_support import (  # noqa: F401
    drawn_inspection,
    inspector_user_of,
    iworld,
    png,
    record,
)

DEFECTS = {"BJ03": "3 号楼垃圾桶周边散落垃圾", "XF03": "2 单元消防通道堆放杂物"}


@pytest.fixture
def rectifying(iworld):  # noqa: F811
    insp = record(drawn_inspection(iworld), deductions={"BJ03": 2, "XF03": 1}, defects=DEFECTS)
    return iworld, insp


def test_each_defect_becomes_an_order_for_the_company(rectifying):
    iw, insp = rectifying
    orders = list(RectificationOrder.objects.filter(inspection=insp).order_by("id"))
    assert [o.defect for o in orders] == list(DEFECTS.values())
    month = timezone.localtime().strftime("%Y%m")
    assert [o.number for o in orders] == [f"ZG{month}0001", f"ZG{month}0002"]
    for o in orders:
        assert o.company_id == iw.w.company_a.pk and o.estate_id == iw.w.estate_a.pk and o.district_id == iw.w.d1.pk
        assert o.status == RectificationOrder.Status.OPEN and o.issued_by == inspector_user_of(insp)
        expected = add_period(o.created_at, 10, PeriodUnit.WORKING_DAYS)
        assert o.deadline.date() == expected.date()
        assert OrderEvent.objects.filter(order=o, action="issue").count() == 1
        assert AuditLog.objects.filter(object_type="supervision.rectificationorder", object_id=str(o.pk), action="create").exists()
    note = Notification.objects.filter(user=iw.w.users["manager_a"], subject="整改通知")
    assert note.count() == 2
    assert not Notification.objects.filter(user=iw.w.users["manager_b"], subject="整改通知").exists()


def test_evidence_then_close_concludes_the_inspection(rectifying):
    iw, insp = rectifying
    manager = iw.w.users["manager_a"]
    inspector = inspector_user_of(insp)
    o1, o2 = RectificationOrder.objects.filter(inspection=insp).order_by("id")
    with pytest.raises(ServiceError, match="至少一张"):
        so.order_submit(actor=manager, order=o1, note="已清理")
    so.order_submit(actor=manager, order=o1, note="已清理并增加清运频次", files=[png("after.png")])
    o1.refresh_from_db()
    assert o1.status == RectificationOrder.Status.SUBMITTED and o1.submitted_at
    assert RectificationEvidence.objects.filter(order=o1).count() == 1
    assert Notification.objects.filter(user=inspector, subject="整改待复查").exists()
    so.order_reinspect(actor=inspector, order=o1, passed=True, note="现场复查已整改")
    o1.refresh_from_db()
    assert o1.status == RectificationOrder.Status.CLOSED and o1.closed_at and o1.reinspected_by == inspector
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.RECTIFYING  # o2 still open
    so.order_submit(actor=iw.w.users["staff_a"], order=o2, note="杂物已清走", files=[png()])
    so.order_reinspect(actor=iw.w.users["district"], order=RectificationOrder.objects.get(pk=o2.pk), passed=True)
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.CONCLUDED and insp.concluded_at
    actions = list(OrderEvent.objects.filter(order=o1).values_list("action", flat=True))
    assert actions == ["issue", "submit", "close"]


def test_reopen_needs_a_reason_and_counts(rectifying):
    iw, insp = rectifying
    o1 = RectificationOrder.objects.filter(inspection=insp).order_by("id").first()
    so.order_submit(actor=iw.w.users["manager_a"], order=o1, note="已清理", files=[png()])
    o1.refresh_from_db()
    with pytest.raises(ServiceError, match="理由"):
        so.order_reinspect(actor=inspector_user_of(insp), order=o1, passed=False, note="")
    so.order_reinspect(actor=inspector_user_of(insp), order=o1, passed=False, note="垃圾桶周边仍有散落")
    o1.refresh_from_db()
    assert o1.status == RectificationOrder.Status.OPEN and o1.reopen_count == 1 and o1.submitted_at is None
    ev = OrderEvent.objects.filter(order=o1).last()
    assert ev.action == "reopen" and ev.note == "垃圾桶周边仍有散落"
    assert Notification.objects.filter(user=iw.w.users["manager_a"], subject="整改复查未通过").exists()


def test_who_may_act_on_an_order(rectifying):
    iw, insp = rectifying
    w = iw.w
    o1 = RectificationOrder.objects.filter(inspection=insp).order_by("id").first()
    for outsider in (w.users["manager_b"], w.users["district2"], w.users["street"], w.users["resident"]):
        with pytest.raises(ServiceError, match="无权"):
            so.order_submit(actor=outsider, order=o1, note="x", files=[png()])
    so.order_submit(actor=w.users["manager_a"], order=o1, note="x", files=[png()])
    o1.refresh_from_db()
    assigned = set(insp.inspectors.values_list("user_id", flat=True))
    other_inspector = next(u for u in iw.inspector_users if u.pk not in assigned)
    for outsider in (w.users["manager_a"], other_inspector, w.users["district2"]):
        with pytest.raises(ServiceError, match="无权"):
            so.order_reinspect(actor=outsider, order=o1, passed=True)
    with pytest.raises(ServiceError, match="不能"):
        so.order_submit(actor=w.users["manager_a"], order=o1, note="again", files=[png()])


def test_two_reinspections_at_once_one_wins(rectifying):
    iw, insp = rectifying
    o1 = RectificationOrder.objects.filter(inspection=insp).order_by("id").first()
    so.order_submit(actor=iw.w.users["manager_a"], order=o1, note="x", files=[png()])
    a = RectificationOrder.objects.get(pk=o1.pk)
    b = RectificationOrder.objects.get(pk=o1.pk)
    so.order_reinspect(actor=iw.w.users["district"], order=a, passed=True)
    with pytest.raises((ConflictError, ServiceError)):
        so.order_reinspect(actor=inspector_user_of(insp), order=b, passed=False, note="未整改")
    assert RectificationOrder.objects.get(pk=o1.pk).status == RectificationOrder.Status.CLOSED


def test_cancel_by_an_official(rectifying):
    iw, insp = rectifying
    o1, o2 = RectificationOrder.objects.filter(inspection=insp).order_by("id")
    with pytest.raises(ServiceError, match="无权"):
        so.order_cancel(actor=iw.w.users["manager_a"], order=o1, note="x")
    so.order_cancel(actor=iw.w.users["district"], order=o1, note="误判，非物业责任")
    so.order_cancel(actor=iw.w.users["city"], order=RectificationOrder.objects.get(pk=o2.pk), note="重复下达")
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.CONCLUDED


def _low_score_inspection(iw):
    big = {"JB02": 3, "SB01": 3, "SB02": 3, "ZX01": 3, "ZX02": 3, "BJ01": 3, "BJ03": 3, "MY01": 4, "XF01": "2.5",
           "XF02": "2.5", "XF03": "1"}
    insp = record(drawn_inspection(iw), deductions=big, defects={"ZX01": "主出入口夜间无人值守"})
    ev = CreditEvent.objects.get(source_key=f"inspection:{insp.pk}")
    assert ev.rule.code == "XC01" and ev.repaired_at is None
    return insp, ev


def _close_all(iw, insp):
    order = RectificationOrder.objects.get(inspection=insp)
    so.order_submit(actor=iw.w.users["manager_a"], order=order, note="已安排 24 小时值守", files=[png()])
    so.order_reinspect(actor=inspector_user_of(insp), order=RectificationOrder.objects.get(pk=order.pk), passed=True)


def test_concluding_repairs_a_confirmed_low_score_credit_item(iworld):  # noqa: F811
    from wuye.credit.sweep import credit_sweep

    insp, ev = _low_score_inspection(iworld)
    credit_sweep(now=ev.notice_end + timedelta(minutes=1))
    ev.refresh_from_db()
    assert ev.status == CreditEvent.Status.CONFIRMED
    _close_all(iworld, insp)
    ev.refresh_from_db()
    assert ev.repaired_at is not None and "整改" in ev.repair_reason


def test_concluding_during_the_notice_withdraws_the_low_score_item(iworld):  # noqa: F811
    insp, ev = _low_score_inspection(iworld)
    _close_all(iworld, insp)
    ev.refresh_from_db()
    assert ev.status == CreditEvent.Status.WITHDRAWN


# ---- the overdue sweep ---------------------------------------------------------------------------------


def test_sweep_marks_overdue_once_notifies_the_district_and_records_credit(rectifying):
    iw, insp = rectifying
    o1, o2 = RectificationOrder.objects.filter(inspection=insp).order_by("id")
    # o2 is closed in time; o1 is left.
    so.order_submit(actor=iw.w.users["manager_a"], order=o2, note="x", files=[png()])
    so.order_reinspect(actor=iw.w.users["district"], order=RectificationOrder.objects.get(pk=o2.pk), passed=True)
    assert sweep_orders(now=o1.deadline - timedelta(minutes=1)) == 0
    later = o1.deadline + timedelta(minutes=1)
    assert sweep_orders(now=later) == 1
    assert sweep_orders(now=later + timedelta(hours=1)) == 0
    o1.refresh_from_db()
    assert o1.overdue_at == later and o1.is_overdue
    assert OrderEvent.objects.filter(order=o1, action="overdue").count() == 1
    assert Notification.objects.filter(user=iw.w.users["district"], subject="整改逾期").count() == 1
    assert not Notification.objects.filter(user=iw.w.users["district2"], subject="整改逾期").exists()
    ev = CreditEvent.objects.get(source_key=f"order-overdue:{o1.pk}")
    assert ev.rule.code == "XC03" and ev.company_id == iw.w.company_a.pk
    assert not CreditEvent.objects.filter(source_key=f"order-overdue:{o2.pk}").exists()


def test_sweep_is_idempotent_when_a_row_was_claimed_meanwhile(rectifying):
    iw, insp = rectifying
    o1 = RectificationOrder.objects.filter(inspection=insp).order_by("id").first()
    later = o1.deadline + timedelta(days=1)
    RectificationOrder.objects.filter(pk=o1.pk).update(overdue_at=later)  # another worker got there first
    assert sweep_orders(now=later) == 1  # only the second order
    assert not CreditEvent.objects.filter(source_key=f"order-overdue:{o1.pk}").exists()


# ---- the transition table ----------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(status=st.sampled_from(RectificationOrder.Status.values),
       kinds=st.sets(st.sampled_from(["company", "reinspector", "official"])),
       action=st.sampled_from(list(ORDER_TRANSITIONS)))
def test_order_table_property(status, kinds, action):
    order = RectificationOrder(status=status)
    t = ORDER_TRANSITIONS[action]
    assert ORDER.permits(action, order, kinds) == (status in t.sources and bool(kinds & t.actors))
    # Nothing leaves a closed or cancelled order.
    if status in (RectificationOrder.Status.CLOSED, RectificationOrder.Status.CANCELLED):
        assert not ORDER.permits(action, order, kinds)


def test_actor_kinds(rectifying):
    iw, insp = rectifying
    o = RectificationOrder.objects.filter(inspection=insp).first()
    ids = set(insp.inspectors.values_list("user_id", flat=True))
    u = iw.w.users
    assert order_actor_kinds(u["manager_a"], o, inspector_ids=ids) == {"company"}
    assert order_actor_kinds(u["manager_b"], o, inspector_ids=ids) == set()
    assert order_actor_kinds(u["district"], o, inspector_ids=ids) == {"official", "reinspector"}
    assert order_actor_kinds(u["district2"], o, inspector_ids=ids) == set()
    assert order_actor_kinds(inspector_user_of(insp), o, inspector_ids=ids) == {"reinspector"}
