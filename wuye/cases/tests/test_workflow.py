"""The workflow table and its services (issue §7–8, rules.md §7)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wuye.cases.models import Event, Request, Status, SupervisionLevel, Task, UnitMonthStat
from wuye.cases.selectors import actions_for
from wuye.cases.workflow import ACTION_NAMES, TRANSITIONS
from wuye.core.errors import ServiceError
from wuye.core.models import AuditLog

from .conftest import act, file

S = Status


def dispatched(w, code="cleaning_greening", **kw):
    c = file(w, code, **kw)
    act(w.users["city"], c, "dispatch")
    return c


def in_progress(w, code="cleaning_greening", **kw):
    c = dispatched(w, code, **kw)
    act(w.users["manager_a"], c, "sign")
    act(w.users["manager_a"], c, "contact", note="电话联系")
    return c


def test_action_names_are_the_issue_list():
    assert set(ACTION_NAMES) == {
        "accept", "refuse", "duplicate", "dispatch", "sign", "contact", "reply", "approve_reply", "reject_reply",
        "callback", "close", "reopen", "request_return", "decide_return", "request_extension", "decide_extension",
        "withdraw", "call_departments", "supervise", "request_callback",
    }


def test_every_action_appends_an_event_and_an_audit_row(cworld):
    u = cworld.users
    c = file(cworld)
    before_events, before_audit = Event.objects.count(), AuditLog.objects.count()
    act(u["district"], c, "accept")
    assert Event.objects.count() == before_events + 1
    assert AuditLog.objects.filter(object_type="cases.complaint", object_id=str(c.pk)).count() == 2  # create + accept
    assert AuditLog.objects.count() == before_audit + 1
    ev = Event.objects.filter(complaint=c).last()
    assert (ev.action, ev.from_status, ev.to_status, ev.actor) == ("accept", S.SUBMITTED, S.ACCEPTED, u["district"])


@pytest.mark.parametrize("who", ["manager_a", "street", "community", "department", "resident", "outsider", "district2"])
def test_only_dispatchers_accept(cworld, who):
    c = file(cworld)
    assert "accept" not in actions_for(cworld.users[who], c)
    with pytest.raises(ServiceError):
        act(cworld.users[who], c, "accept")
    c.refresh_from_db()
    assert c.status == S.SUBMITTED


def test_district_dispatches_only_its_district(cworld):
    c = file(cworld, estate=cworld.estate_b)  # district 2
    assert actions_for(cworld.users["district"], c) == []
    assert "dispatch" in actions_for(cworld.users["district2"], c)


def test_refuse_needs_a_reason_and_tells_the_resident(cworld):
    from wuye.notifications.models import OutboxMessage

    c = file(cworld)
    with pytest.raises(ServiceError, match="理由"):
        act(cworld.users["city"], c, "refuse")
    act(cworld.users["city"], c, "refuse", note="不属于物业服务范围")
    assert c.status == S.REFUSED and c.closed_at
    assert OutboxMessage.objects.filter(recipient="13812345678", body__contains="不予受理").exists()
    assert actions_for(cworld.users["city"], c) == []


def test_duplicate_links_the_original_and_tells_the_reporter(cworld):
    from wuye.notifications.models import OutboxMessage

    first = file(cworld)
    second = file(cworld)
    act(cworld.users["city"], second, "duplicate", of=first.tracking_code)
    assert second.status == S.DUPLICATE and second.duplicate_of_id == first.pk
    assert OutboxMessage.objects.filter(recipient="13812345678", body__contains=first.tracking_code).exists()
    with pytest.raises(ServiceError):
        act(cworld.users["city"], file(cworld), "duplicate", of="TS000000NOPE")


def test_dispatch_without_unit_goes_to_the_routed_unit_and_can_be_rerouted(cworld):
    c = dispatched(cworld)
    assert (c.unit_kind, c.unit_id) == ("company", cworld.company_a.pk)
    assert c.accepted_at and c.sign_due and c.contact_due and c.resolve_due
    c2 = file(cworld)
    act(cworld.users["district"], c2, "dispatch", unit=f"street:{cworld.s1.pk}", co_units=[f"community:{cworld.c1.pk}"])
    assert (c2.unit_kind, c2.unit_id) == ("street", cworld.s1.pk)
    assert set(Task.objects.filter(complaint=c2).values_list("role", "unit_kind")) == {("lead", "street"), ("co", "community")}
    # A unit of another district is refused.
    c3 = file(cworld)
    with pytest.raises(ServiceError, match="不在诉求所在区县"):
        act(cworld.users["city"], c3, "dispatch", unit=f"street:{cworld.s2.pk}")


def test_sign_by_another_unit_is_refused_and_second_signer_is_told(cworld):
    c = dispatched(cworld)
    with pytest.raises(ServiceError):
        act(cworld.users["manager_b"], c, "sign")
    act(cworld.users["staff_a"], c, "sign")
    with pytest.raises(ServiceError, match="已被他人签收"):
        act(cworld.users["manager_a"], c, "sign")
    assert Event.objects.filter(complaint=c, action="sign").count() == 1


def test_stale_conditional_update_loses(cworld):
    """The conditional UPDATE: an actor holding an old version cannot overwrite a newer one."""
    from wuye.cases.workflow import MACHINE
    from wuye.core.errors import ConflictError
    from wuye.core.workflow import conditional_update

    c = dispatched(cworld)
    stale = type(c).objects.get(pk=c.pk)
    act(cworld.users["staff_a"], c, "sign")
    with pytest.raises(ConflictError, match="该诉求已被他人处理，请刷新页面后重试"):
        conditional_update(type(c), stale, conflict=MACHINE.conflict_text(), status=S.SIGNED)


def test_reply_review_reject_then_approve(cworld):
    u = cworld.users
    c = in_progress(cworld)
    with pytest.raises(ServiceError, match="答复内容"):
        act(u["manager_a"], c, "reply")
    act(u["manager_a"], c, "reply", note="已清运")
    assert c.status == S.REPLY_REVIEW and c.public_reply == ""
    act(u["district"], c, "reject_reply", note="请附照片")
    assert c.status == S.IN_PROGRESS
    act(u["manager_a"], c, "reply", note="已清运，附照片")
    act(u["district"], c, "approve_reply")
    assert c.status == S.REPLIED and c.public_reply == "已清运，附照片"
    assert Event.objects.get(complaint=c, action="approve_reply").public


def test_unsatisfied_callback_reopens_or_is_ruled_unreasonable(cworld):
    u = cworld.users
    c = in_progress(cworld)
    act(u["manager_a"], c, "reply", note="已处理")
    act(u["city"], c, "approve_reply")
    act(None, c, "callback", reporter=True, resolved=False, satisfaction="dissatisfied", note="没有解决")
    assert c.status == S.EVALUATED
    act(u["city"], c, "reopen", note="未解决，重办")
    assert c.status == S.DISPATCHED and c.reopen_count == 1
    assert Task.objects.filter(complaint=c, reopened=True).count() == 1
    assert Task.objects.filter(complaint=c, state=Task.State.PENDING).count() == 1
    # Second round: dissatisfied again; the reviewer rules the demand unreasonable.
    act(u["manager_a"], c, "sign")
    act(u["manager_a"], c, "contact")
    act(u["manager_a"], c, "reply", note="再次处理")
    act(u["city"], c, "approve_reply")
    act(None, c, "callback", reporter=True, resolved=False, satisfaction="dissatisfied")
    with pytest.raises(ServiceError, match="理由"):
        act(u["city"], c, "close", unreasonable=True)
    act(u["city"], c, "close", unreasonable=True, note="诉求人要求免除全部物业费，不合理")
    assert c.status == S.CLOSED and c.unreasonable
    assert not Task.objects.filter(complaint=c, excluded=False).exists()
    assert AuditLog.objects.filter(object_id=str(c.pk), detail__contains="不合理诉求").exists()
    stat = UnitMonthStat.objects.get(unit_kind="company", unit_id=cworld.company_a.pk)
    assert stat.assigned == 0 and stat.excluded == 2


def test_reopen_only_after_unresolved_or_unsatisfied(cworld):
    u = cworld.users
    c = in_progress(cworld)
    act(u["manager_a"], c, "reply", note="已处理")
    act(u["city"], c, "approve_reply")
    act(u["city"], c, "callback", resolved=True, satisfaction="basically_satisfied")
    assert c.status == S.CLOSED
    assert "reopen" not in actions_for(u["city"], c)


def test_return_approved_redispatches_and_rejected_is_final(cworld):
    """Scenario 2: the company returns a 只售不租 case citing 民法典 276; the district approves and
    re-dispatches to the housing department. And a rejected return is final."""
    u = cworld.users
    c = file(cworld, "parking_sale_only", description="开发商200个车位空置不租")
    act(u["district"], c, "dispatch", unit=f"company:{cworld.company_a.pk}")
    with pytest.raises(ServiceError, match="依据"):
        act(u["manager_a"], c, "request_return", note="车位由开发商持有")
    act(u["manager_a"], c, "request_return", note="车位由开发商持有", legal_basis="《民法典》第二百七十六条")
    assert c.status == S.RETURN_REVIEW
    resolve_due = c.resolve_due
    act(u["district"], c, "decide_return", approve=True, unit=f"department:{u['housing'].department_id}")
    assert c.status == S.DISPATCHED and c.unit_kind == "department" and c.return_count == 1
    assert Request.objects.get(complaint=c).state == Request.State.APPROVED
    assert c.resolve_due >= resolve_due
    # Rejected return: final, the unit must handle it.
    c2 = dispatched(cworld)
    act(u["manager_a"], c2, "sign")
    act(u["manager_a"], c2, "request_return", note="不归我们管", legal_basis="物业服务合同")
    with pytest.raises(ServiceError):
        act(u["district"], c2, "decide_return", approve=False)
    act(u["district"], c2, "decide_return", approve=False, note="属于物业服务范围，须办理")
    assert c2.status == S.SIGNED and c2.return_final
    assert "request_return" not in actions_for(u["manager_a"], c2)


def test_resolve_clock_keeps_running_during_return_review(cworld):
    u = cworld.users
    c = dispatched(cworld)
    due = c.resolve_due
    act(u["manager_a"], c, "request_return", note="不是我们的", legal_basis="合同")
    c.refresh_from_db()
    assert c.resolve_due == due and c.next_check_at is not None


def test_extension_requested_before_deadline_and_decided(cworld):
    from wuye.notifications.models import OutboxMessage

    u = cworld.users
    c = in_progress(cworld)
    old_due = c.resolve_due
    act(u["manager_a"], c, "request_extension", note="需采购配件", amount=3, unit="working_days")
    assert "request_extension" not in actions_for(u["manager_a"], c)
    assert "decide_extension" in actions_for(u["district"], c)
    act(u["district"], c, "decide_extension", approve=True)
    assert c.resolve_due > old_due and c.extension_count == 1
    assert OutboxMessage.objects.filter(recipient="13812345678", body__contains="延期").exists()


def test_withdraw_by_the_reporter_only(cworld):
    c = dispatched(cworld)
    with pytest.raises(ServiceError):
        act(cworld.users["manager_a"], c, "withdraw")
    act(None, c, "withdraw", reporter=True, note="已自行解决")
    assert c.status == S.WITHDRAWN
    assert not Task.objects.filter(complaint=c, state=Task.State.PENDING).exists()


def test_joint_enforcement_each_department_has_its_own_task_and_the_lead_replies_last(cworld):
    """Scenario 3: a blocked fire lane and roof construction; the street calls fire and urban
    management; each gets its own task and deadline; the street answers when both are done."""
    u = cworld.users
    c = file(cworld, "fire_safety", description="消防通道被堵，楼顶私搭乱建")
    act(u["district"], c, "dispatch", unit=f"street:{cworld.s1.pk}")
    act(u["street"], c, "sign")
    act(u["street"], c, "contact")
    fire, urban = u["fire"].department_id, u["urban"].department_id
    act(u["street"], c, "call_departments", departments=[fire, urban], amount=3, unit="working_days", note="联合处置")
    joint = Task.objects.filter(complaint=c, role=Task.Role.JOINT)
    assert joint.count() == 2 and all(t.due for t in joint)
    assert "reply" not in actions_for(u["street"], c)  # departments first
    assert actions_for(u["fire"], c) == ["sign"]
    act(u["fire"], c, "sign")
    act(u["fire"], c, "reply", note="已清理消防通道")
    act(u["urban"], c, "sign")
    act(u["urban"], c, "reply", note="违建已拆除")
    assert set(joint.values_list("state", flat=True)) == {"replied"}
    assert c.status == S.IN_PROGRESS
    act(u["street"], c, "reply", note="消防通道已清理，违建已拆除")
    assert c.status == S.REPLY_REVIEW
    # Departments outside the district cannot be called in.
    c2 = file(cworld, "fire_safety")
    act(u["district"], c2, "dispatch", unit=f"street:{cworld.s1.pk}")
    act(u["street"], c2, "sign")
    from wuye.territory.models import Department

    other = Department.objects.create(district=cworld.d2, kind="fire", name="西城区消防救援支队")
    with pytest.raises(ServiceError, match="所在区县"):
        act(u["street"], c2, "call_departments", departments=[other.pk])


def test_manual_supervision_only_escalates(cworld):
    u = cworld.users
    c = dispatched(cworld)
    act(u["street"], c, "supervise", level=SupervisionLevel.SUPERVISE, note="请尽快处理")
    assert c.supervision_level == SupervisionLevel.SUPERVISE
    with pytest.raises(ServiceError, match="只能升级"):
        act(u["district"], c, "supervise", level=SupervisionLevel.REMIND)
    assert "supervise" not in actions_for(u["manager_a"], c)


def test_overdue_flags_freeze_at_the_milestone(cworld):
    u = cworld.users
    c = dispatched(cworld)
    type(c).objects.filter(pk=c.pk).update(sign_due=timezone.now() - timedelta(hours=1))
    c.refresh_from_db()
    act(u["manager_a"], c, "sign")
    assert c.sign_overdue is True
    task = Task.objects.get(complaint=c)
    assert task.signed_in_time is False


def test_callback_validates_its_input(cworld):
    u = cworld.users
    c = in_progress(cworld)
    act(u["manager_a"], c, "reply", note="已处理")
    act(u["city"], c, "approve_reply")
    with pytest.raises(ServiceError, match="是否已解决"):
        act(None, c, "callback", reporter=True, satisfaction="satisfied")
    with pytest.raises(ServiceError, match="满意度"):
        act(None, c, "callback", reporter=True, resolved=True, satisfaction="great")
    assert c.status == S.REPLIED


def test_unknown_action_is_refused(cworld):
    with pytest.raises(ServiceError, match="未知的操作"):
        act(cworld.users["city"], file(cworld), "teleport")


def test_every_transition_has_a_chinese_label():
    for t in TRANSITIONS.values():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(t.label))
