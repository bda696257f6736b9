"""The motion's state machine on the workflow core (``core/workflow.py``; rules.md §1).

A motion is called in its notice period (``notice``: the roll is frozen then); voting opens when
``voting_opens_at`` comes (at least ``GovernanceSettings.notice_days`` after the notice date) and the
sweep records it (``open_voting``); after ``voting_closes_at`` the sweep writes the result once
(``close``). The estate's owners' committee or its street office (``runner``) may cancel it, with a
reason, until the result is written.

The clock decides whether ballots are accepted (``votes.selectors.motion_status``); the stored state
follows it through this table, so that closing and cancelling are race-safe conditional UPDATEs.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import SYSTEM, Machine, T
from wuye.governance.models import Motion, MotionEvent

S = Motion.Status

RUNNER = "runner"  # the estate's owners' committee or its street office (``selectors.can_run``)

MOTION = Machine(
    name="motion",
    model=Motion,
    noun=_("该表决"),
    states=S.values,
    initial={S.NOTICE},
    terminal={S.CLOSED, S.CANCELLED},
    version_field=None,
    event_model=MotionEvent,
    event_fk="motion",
    transitions={
        "open_voting": T(_("开始投票"), {S.NOTICE}, S.VOTING, {SYSTEM}),
        "close": T(_("计票"), {S.VOTING}, S.CLOSED, {SYSTEM}),
        "cancel": T(_("取消表决"), {S.NOTICE, S.VOTING}, S.CANCELLED, {RUNNER}, needs_note=True),
    },
)
