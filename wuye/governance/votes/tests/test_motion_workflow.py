"""The motion's state machine (``votes/workflow.py``) on the workflow core: the stored state follows
the clock through the sweep, closing and cancelling are its transitions, and a rival loses cleanly."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wuye.core.errors import ConflictError, ServiceError
from wuye.governance.models import Motion, MotionEvent
from wuye.governance.votes import services as svc
from wuye.governance.votes.selectors import motion_status
from wuye.governance.votes.workflow import MOTION

from .test_vote_support import AFTER, DURING, NOTICE, OPENS, call


def test_the_sweep_records_the_opening_and_the_close(world):
    m = call(world)
    assert m.status == Motion.Status.NOTICE and motion_status(m, NOTICE) == Motion.Status.NOTICE
    assert svc.motions_open_due(now=OPENS - timedelta(seconds=1)) == 0
    assert svc.motions_open_due(now=DURING) == 1
    assert svc.motions_open_due(now=DURING) == 0
    m.refresh_from_db()
    assert m.status == Motion.Status.VOTING
    assert svc.motions_close_due(now=AFTER) == 1
    m.refresh_from_db()
    assert m.status == Motion.Status.CLOSED and m.final_result["final"] is True
    rows = list(MotionEvent.objects.filter(motion=m).order_by("id").values_list("action", "from_status", "to_status"))
    assert rows == [("call", "", ""), ("open_voting", "notice", "voting"), ("close", "voting", "closed")]


def test_cancel_is_the_machines_transition_and_needs_the_runner(world):
    m = call(world)
    with pytest.raises(ServiceError, match="只有本小区业主委员会或所在街道办事处"):
        svc.motion_cancel(actor=world.users["community"], motion=m, reason="x")
    svc.motion_cancel(actor=world.users["committee"], motion=m, reason="公告有误", now=DURING)
    m.refresh_from_db()
    assert m.status == Motion.Status.CANCELLED and motion_status(m) == Motion.Status.CANCELLED
    ev = MotionEvent.objects.get(motion=m, action="cancel")
    assert (ev.from_status, ev.to_status, ev.note) == ("notice", "cancelled", "公告有误")
    assert svc.motions_open_due(now=DURING) == 0 and svc.motions_close_due(now=AFTER) == 0


def test_a_stale_close_loses_to_a_cancel(world):
    """The close and the cancel race on the stored state: whoever comes second is told, nothing is overwritten."""
    m = call(world)
    stale = Motion.objects.get(pk=m.pk)
    svc.motion_cancel(actor=world.users["street"], motion=m, reason="撤回", now=DURING)
    with pytest.raises(ConflictError, match="已被他人处理"):
        MOTION.apply(stale, "open_voting", actor=None)
    assert svc.motion_close(motion=stale, now=AFTER) is False
    stale.refresh_from_db()
    assert stale.final_result is None and stale.status == Motion.Status.CANCELLED


def test_cancel_after_the_result_is_refused(world):
    m = call(world)
    svc.motions_close_due(now=AFTER)
    with pytest.raises(ConflictError, match="已结束或已被取消"):
        svc.motion_cancel(actor=world.users["committee"], motion=m, reason="太晚了", now=AFTER)
