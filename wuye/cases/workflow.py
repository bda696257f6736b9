"""The one table of the complaint workflow (DESIGN.md: workflows are explicit tables).

For every action: the states it may start from, the state it leads to, and which actor, in which
scope, may take it — a :class:`wuye.core.workflow.Machine` named "complaint". ``allowed_actions``
reads this table (and the few conditions kept beside it in ``permits``) and nothing else; the
services check it again inside their transaction before the conditional UPDATE
(``core.workflow.conditional_update``).

Actors (rules.md §7, issue §8):
- ``dispatcher``: the city bureau's complaint desk (the whole city) and each district authority
  (its district; never confidential clue reports, which only the city bureau and police see);
- ``lead``: a user of the unit leading the complaint (company staff, community, street,
  department or district, whichever it was dispatched to);
- ``joint``: a user of a unit holding an open co-handling or joint-enforcement task;
- ``caller``: the street or community the estate lies in (吹哨报到: they call departments in);
- ``reporter``: the resident who filed it (logged in, or proven by tracking code and phone);
- ``supervisor``: dispatchers, and the street for complaints in its area (催办/督办 by hand).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from wuye.accounts.models import Role
from wuye.core.workflow import SYSTEM, Machine, T, Transition

from .models import Complaint, Event, Status

S = Status

HANDLING = {S.DISPATCHED, S.SIGNED, S.IN_PROGRESS}
BEFORE_REPLY = {S.SUBMITTED, S.ACCEPTED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.RETURN_REVIEW, S.REPLY_REVIEW}
OPEN = BEFORE_REPLY | {S.REPLIED, S.EVALUATED}

TRANSITIONS: dict[str, Transition] = {
    "accept": T(_("受理"), {S.SUBMITTED}, S.ACCEPTED, {"dispatcher"}),
    "refuse": T(_("不予受理"), {S.SUBMITTED}, S.REFUSED, {"dispatcher"}, needs_note=True),
    "duplicate": T(_("标记重复"), {S.SUBMITTED, S.ACCEPTED}, S.DUPLICATE, {"dispatcher"}),
    "dispatch": T(_("派单"), {S.SUBMITTED, S.ACCEPTED}, S.DISPATCHED, {"dispatcher"}),
    "sign": T(_("签收"), {S.DISPATCHED}, S.SIGNED, {"lead", "joint"}),
    "contact": T(_("首次联系"), {S.SIGNED}, S.IN_PROGRESS, {"lead"}),
    "reply": T(_("答复"), {S.IN_PROGRESS}, S.REPLY_REVIEW, {"lead", "joint"}, needs_note=True),
    "approve_reply": T(_("审核通过答复"), {S.REPLY_REVIEW}, S.REPLIED, {"dispatcher"}),
    "reject_reply": T(_("退回答复"), {S.REPLY_REVIEW}, S.IN_PROGRESS, {"dispatcher"}, needs_note=True),
    "callback": T(_("回访评价"), {S.REPLIED}, None, {"reporter", "dispatcher"}, outcomes={S.CLOSED, S.EVALUATED}),
    "close": T(_("办结"), {S.REPLIED, S.EVALUATED}, S.CLOSED, {"dispatcher"}),
    "reopen": T(_("重办"), {S.EVALUATED}, S.DISPATCHED, {"dispatcher"}, needs_note=True),
    "request_return": T(_("申请退单"), HANDLING, S.RETURN_REVIEW, {"lead"}, needs_note=True),
    # Approved: back to the desk (accepted), or straight to a new unit (dispatched); rejected: back
    # to the stage the unit was in (rules.md §7: the rejection is final, the unit must handle it).
    "decide_return": T(_("审核退单"), {S.RETURN_REVIEW}, None, {"dispatcher"},
                       outcomes={S.ACCEPTED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS}),
    "request_extension": T(_("申请延期"), HANDLING, None, {"lead"}, needs_note=True),
    "decide_extension": T(_("审核延期"), HANDLING | {S.RETURN_REVIEW}, None, {"dispatcher"}),
    "withdraw": T(_("撤回"), BEFORE_REPLY, S.WITHDRAWN, {"reporter"}),
    "call_departments": T(_("吹哨报到"), {S.SIGNED, S.IN_PROGRESS}, None, {"caller"}),
    # The sweep (SYSTEM) escalates by the city's EscalationRule table; people supervise by hand.
    "supervise": T(_("督办"), OPEN - {S.SUBMITTED}, None, {"supervisor", SYSTEM}),
}
ACTION_NAMES = tuple(TRANSITIONS)

TERMINAL = frozenset({S.CLOSED, S.REFUSED, S.DUPLICATE, S.WITHDRAWN})

MACHINE = Machine(
    name="complaint", model=Complaint, transitions=TRANSITIONS, states=Status.values, initial={S.SUBMITTED},
    terminal=TERMINAL, noun=_("该诉求"), event_model=Event, event_fk="complaint",
)


def is_dispatcher(user, complaint) -> bool:
    role = getattr(user, "role", None)
    if role == Role.CITY:
        return True
    if role == Role.DISTRICT:
        return complaint.district_id == user.district_id and not complaint.confidential
    return False


def is_lead(user, complaint, unit_key) -> bool:
    return unit_key is not None and complaint.unit_kind == unit_key[0] and complaint.unit_id == unit_key[1]


def is_caller(user, complaint) -> bool:
    role = getattr(user, "role", None)
    if complaint.confidential:
        return False
    if role == Role.STREET:
        return complaint.street_id == user.street_id
    if role == Role.COMMUNITY:
        return complaint.community_id == user.community_id
    return False


def is_reporter(user, complaint) -> bool:
    return bool(user is not None and getattr(user, "pk", None) and complaint.reporter_user_id == user.pk)


@dataclass
class Context:
    """What besides the complaint decides the actions: the user's unit, their open joint task,
    pending requests, whether joint tasks are still open, and whether the reporter is proven."""

    unit_key: tuple[str, int] | None = None
    joint_task: object | None = None
    pending: frozenset[str] = frozenset()
    open_joint_tasks: bool = False
    reporter: bool = False


def actor_kinds(user, complaint, ctx: Context) -> set[str]:
    """The actor kinds the user counts as for this complaint."""
    kinds: set[str] = set()
    if ctx.reporter or is_reporter(user, complaint):
        kinds.add("reporter")
    if user is None or not getattr(user, "is_authenticated", False):
        return kinds
    if is_dispatcher(user, complaint):
        kinds |= {"dispatcher", "supervisor"}
    if is_lead(user, complaint, ctx.unit_key):
        kinds.add("lead")
    if ctx.joint_task is not None:
        kinds.add("joint")
    if is_caller(user, complaint):
        kinds.add("caller")
        if getattr(user, "role", None) == Role.STREET:
            kinds.add("supervisor")
    return kinds


FINAL_OR_REVIEW = frozenset({S.CLOSED, S.REFUSED, S.DUPLICATE, S.WITHDRAWN, S.REPLIED, S.EVALUATED})


def permits(action: str, complaint, kinds: set[str], ctx: Context) -> bool:
    """Does the table (and the conditions kept beside it) let these actors take the action now?"""
    if not (TRANSITIONS[action].actors & kinds):
        return False
    if action in ("sign", "reply") and "lead" not in kinds:
        # A joint unit signs or replies on its own task, which has its own state.
        task = ctx.joint_task
        if task is None or complaint.status in FINAL_OR_REVIEW:
            return False
        return task.state == ("pending" if action == "sign" else "signed")
    if not MACHINE.permits(action, complaint, kinds):
        return False
    if action == "request_return":
        return not complaint.return_final and "return" not in ctx.pending
    if action == "request_extension":
        return "extension" not in ctx.pending
    if action == "decide_extension":
        return "extension" in ctx.pending
    if action == "reopen":
        return complaint.callback_resolved is False or complaint.satisfaction == "dissatisfied"
    if action == "reply":
        # The lead unit answers the resident once every department called in has replied.
        return not ctx.open_joint_tasks
    return True


def allowed_actions(user, complaint, ctx: Context) -> list[str]:
    """Names of the actions the user may take on the complaint now."""
    kinds = actor_kinds(user, complaint, ctx)
    if not kinds:
        return []
    return [name for name in TRANSITIONS if permits(name, complaint, kinds, ctx)]
