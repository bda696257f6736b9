"""Owners' votes, the services (issue 5 item 5): calling, the notice period, online and paper
ballots, changes, cancelling and closing — with the events, audit rows and notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditLog
from wuye.governance.models import Ballot, GovernanceSettings, Motion, MotionEvent, RollEntry
from wuye.governance.votes import services as svc
from wuye.governance.votes.tally import motion_result
from wuye.notifications.models import Notification
from wuye.registry import services as rs

from .test_vote_support import AFTER, CLOSES, DURING, NOTICE, OPENS, add_owners, call

pytestmark = pytest.mark.django_db


def _entry(motion, owner):
    return RollEntry.objects.get(motion=motion, owners=owner)


def test_committee_calls_a_vote(world):
    add_owners(world, 3)
    m = call(world)
    assert m.rule == "ordinary" and m.total_heads == 4 and str(m.total_area) == "389.50"
    assert m.called_by == world.users["committee"] and m.called_at == NOTICE
    assert list(MotionEvent.objects.filter(motion=m).values_list("action", flat=True)) == ["call"]
    assert AuditLog.objects.filter(action="create", object_type="governance.motion", object_id=str(m.pk)).count() == 1
    told = set(Notification.objects.filter(category="governance").values_list("user__username", flat=True))
    assert {"p_street", "p_community", "p_resident"} <= told and "p_committee" not in told
    assert "p_manager_a" not in told


def test_major_matter_and_street_office(world):
    m = call(world, actor=world.users["street"], matter="rebuild")
    assert m.rule == "major"


@pytest.mark.parametrize("who", ["manager_a", "resident", "district", "community", "outsider", "city"])
def test_only_committee_or_street_call(world, who):
    with pytest.raises(ServiceError, match="业主委员会或所在街道"):
        call(world, actor=world.users[who])
    assert not Motion.objects.exists()


def test_other_estates_street_and_committee_refused(world):
    with pytest.raises(ServiceError):
        call(world, actor=world.users["street"], estate=world.estate_b)
    with pytest.raises(ServiceError):
        call(world, estate=world.estate_b)


def test_notice_period_boundary(world):
    """Voting may open only ≥ 15 days (setting) after the notice date."""
    with pytest.raises(ServiceError, match="至少 15 天"):
        call(world, opens=OPENS - timedelta(days=1))
    assert call(world, opens=OPENS).pk
    gs = GovernanceSettings.current()
    gs.notice_days = 20
    gs.save()
    with pytest.raises(ServiceError, match="至少 20 天"):
        call(world)


def test_dates_checked(world):
    with pytest.raises(ServiceError, match="晚于投票开始"):
        call(world, closes=OPENS)
    with pytest.raises(ServiceError, match="请选择"):
        call(world, matter="anything")


def test_online_ballot_only_while_open(world):
    m = call(world)
    resident = world.users["resident"]
    with pytest.raises(ServiceError, match="尚未开始"):
        svc.ballot_cast(actor=resident, motion=m, choice="yes", now=OPENS - timedelta(seconds=1))
    b = svc.ballot_cast(actor=resident, motion=m, choice="yes", now=OPENS)
    assert (b.entry, b.channel, b.ballot_no, b.changes) == (_entry(m, world.owner_a), "online", "", 0)
    with pytest.raises(ServiceError, match="已截止"):
        svc.ballot_cast(actor=resident, motion=m, choice="no", now=CLOSES)
    assert MotionEvent.objects.filter(motion=m, action="ballot").count() == 1
    assert AuditLog.objects.filter(action="create", object_type="governance.ballot").count() == 1


def test_online_ballot_needs_a_verified_owner_on_the_roll(world):
    m = call(world)
    with pytest.raises(ServiceError, match="经核实的业主"):
        svc.ballot_cast(actor=world.users["committee"], motion=m, choice="yes", now=DURING)
    [(_u, _o, late)] = add_owners(world, 1, accounts=True)  # registered after the roll was frozen
    with pytest.raises(ServiceError, match="名册"):
        svc.ballot_cast(actor=late, motion=m, choice="yes", now=DURING)
    assert not Ballot.objects.exists()


def test_changed_ballot_counted_and_audited(world):
    m = call(world)
    resident = world.users["resident"]
    svc.ballot_cast(actor=resident, motion=m, choice="yes", now=DURING)
    b = svc.ballot_cast(actor=resident, motion=m, choice="no", now=DURING + timedelta(hours=1))
    b2 = svc.ballot_cast(actor=resident, motion=m, choice="abstain", now=DURING + timedelta(hours=2))
    assert Ballot.objects.count() == 1 and b.pk == b2.pk
    assert (b2.choice, b2.changes, b2.changed_at) == ("abstain", 2, DURING + timedelta(hours=2))
    assert MotionEvent.objects.filter(motion=m, action="ballot_change").count() == 2
    rows = AuditLog.objects.filter(action="update", object_type="governance.ballot").order_by("seq")
    assert [r.changes["choice"] for r in rows] == [["yes", "no"], ["no", "abstain"]]
    r = motion_result(m)
    assert (r["participating_heads"], r["yes_heads"], r["abstain_heads"]) == (1, 0, 1)


def test_changes_refused_when_the_setting_says_so(world):
    GovernanceSettings.objects.update_or_create(pk=1, defaults={"ballots_changeable": False})
    m = call(world)
    svc.ballot_cast(actor=world.users["resident"], motion=m, choice="yes", now=DURING)
    with pytest.raises(ServiceError, match="不允许修改"):
        svc.ballot_cast(actor=world.users["resident"], motion=m, choice="no", now=DURING)
    with pytest.raises(ServiceError, match="投票（网上投票），本次表决不允许修改"):
        svc.ballot_cast(actor=world.users["committee"], motion=m, entry=_entry(m, world.owner_a), channel="paper",
                        ballot_no="P-001", choice="no", now=DURING)
    assert Ballot.objects.get().choice == "yes"


def test_paper_ballots_numbers_unique_per_motion(world):
    [(_u1, o1, _), (_u2, o2, _)] = add_owners(world, 2)
    m = call(world)
    committee = world.users["committee"]
    with pytest.raises(ServiceError, match="选票编号"):
        svc.ballot_cast(actor=committee, motion=m, entry=_entry(m, o1), channel="paper", choice="yes", now=DURING)
    b = svc.ballot_cast(actor=committee, motion=m, entry=_entry(m, o1), channel="paper", ballot_no=" P-001 ",
                        choice="yes", now=DURING)
    assert (b.ballot_no, b.channel, b.cast_by) == ("P-001", "paper", committee)
    with pytest.raises(ServiceError, match="P-001 已录入"):
        svc.ballot_cast(actor=world.users["street"], motion=m, entry=_entry(m, o2), channel="paper",
                        ballot_no="P-001", choice="no", now=DURING)
    svc.ballot_cast(actor=world.users["street"], motion=m, entry=_entry(m, o2), channel="paper", ballot_no="P-002",
                    choice="no", now=DURING)
    # the same number may be used again in another motion
    m2 = call(world, title="第二个表决")
    svc.ballot_cast(actor=committee, motion=m2, entry=RollEntry.objects.get(motion=m2, owners=o1), channel="paper",
                    ballot_no="P-001", choice="yes", now=DURING)
    assert Ballot.objects.filter(ballot_no="P-001").count() == 2


def test_paper_entry_checks(world):
    m = call(world)
    other = call(world, title="另一个表决")
    foreign = RollEntry.objects.filter(motion=other).first()
    with pytest.raises(ServiceError, match="名册"):
        svc.ballot_cast(actor=world.users["committee"], motion=m, entry=foreign, channel="paper", ballot_no="X",
                        choice="yes", now=DURING)
    with pytest.raises(ServiceError, match="录入纸质选票"):
        svc.ballot_cast(actor=world.users["manager_a"], motion=m, entry=_entry(m, world.owner_a), channel="paper",
                        ballot_no="X", choice="yes", now=DURING)
    with pytest.raises(ServiceError, match="同意、反对或弃权"):
        svc.ballot_cast(actor=world.users["resident"], motion=m, choice="maybe", now=DURING)


def test_paper_after_online_is_a_change_when_allowed(world):
    m = call(world)
    svc.ballot_cast(actor=world.users["resident"], motion=m, choice="yes", now=DURING)
    b = svc.ballot_cast(actor=world.users["committee"], motion=m, entry=_entry(m, world.owner_a), channel="paper",
                        ballot_no="P-009", choice="no", now=DURING + timedelta(hours=1))
    assert (b.channel, b.ballot_no, b.choice, b.changes) == ("paper", "P-009", "no", 1)
    assert "原为网上投票" in MotionEvent.objects.get(motion=m, action="ballot_change").note


def test_cancel(world):
    m = call(world)
    with pytest.raises(ServiceError, match="取消原因"):
        svc.motion_cancel(actor=world.users["committee"], motion=m, reason=" ")
    with pytest.raises(ServiceError):
        svc.motion_cancel(actor=world.users["manager_a"], motion=m, reason="x")
    svc.motion_cancel(actor=world.users["street"], motion=m, reason="公告张贴有误，重新发起", now=DURING)
    m.refresh_from_db()
    assert m.cancelled_at == DURING and m.cancel_reason == "公告张贴有误，重新发起"
    with pytest.raises(ConflictError):
        svc.motion_cancel(actor=world.users["committee"], motion=m, reason="again")
    with pytest.raises(ServiceError, match="已取消"):
        svc.ballot_cast(actor=world.users["resident"], motion=m, choice="yes", now=DURING)
    assert MotionEvent.objects.filter(motion=m, action="cancel").count() == 1
    assert svc.motions_close_due(now=AFTER) == 0


def test_close_writes_the_result_once(world):
    people = add_owners(world, 2, accounts=True)
    m = call(world)
    svc.ballot_cast(actor=world.users["resident"], motion=m, choice="yes", now=DURING)
    svc.ballot_cast(actor=people[0][2], motion=m, choice="yes", now=DURING)
    svc.ballot_cast(actor=people[1][2], motion=m, choice="no", now=DURING)
    before = motion_result(m)
    assert before["final"] is False and before["passed"] is True
    with pytest.raises(ServiceError, match="尚未截止"):
        svc.motion_close(motion=m, now=CLOSES - timedelta(seconds=1))
    assert svc.motions_close_due(now=AFTER) == 1
    assert svc.motions_close_due(now=AFTER) == 0
    assert svc.motion_close(motion=m, now=AFTER + timedelta(hours=1)) is False
    m.refresh_from_db()
    assert m.closed_at == AFTER and m.final_result["final"] is True and m.final_result["passed"] is True
    r = motion_result(m)
    assert r["final"] is True and r["yes_heads"] == 2 and r["participation_head_ratio"] == "1/1"
    assert MotionEvent.objects.filter(motion=m, action="close").count() == 1
    # Two transitions of the motion's machine: voting opened (recorded by the sweep), then closed.
    assert list(AuditLog.objects.filter(action="update", object_type="governance.motion", object_id=str(m.pk))
                .order_by("id").values_list("changes__status", flat=True)) == [["notice", "voting"], ["voting", "closed"]]
    assert Notification.objects.filter(category="governance", subject="业主大会表决结果").count() >= 3


def test_a_vote_with_no_units_is_refused(world):
    empty = rs.estate_create(actor=world.users["city"], name="空小区", address="多福巷 9 号", community=world.c1)
    with pytest.raises(ServiceError, match="没有登记房屋"):
        call(world, actor=world.users["street"], estate=empty)
    assert not RollEntry.objects.exists() and not Motion.objects.exists()
