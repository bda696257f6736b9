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
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from wuye.accounts.models import Role
from wuye.core.workflow import SYSTEM, Machine, T, Transition

from .models import Complaint, Event, Status, SupervisionLevel

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
    # issue 14 §6: the company never sees the resident's number; it asks for a masked call-back
    # (an SMS relay tells the resident whom to call back; the desk is told to connect them).
    "request_callback": T(_("请求回拨"), {S.SIGNED, S.IN_PROGRESS}, None, {"lead", "joint"}),
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
    # The units whose co-handling or joint task is still open (the lead replies after them).
    open_joint_units: tuple[str, ...] = ()
    # The clock deciding time-bound conditions (an extension after the deadline); None: not checked.
    now: datetime | None = None


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

# Friendlier words than "当前为…，不能…" for the states next to an action's own (issue 14 §4).
STATE_REASONS: dict[tuple[str, str], object] = {
    ("contact", S.DISPATCHED): _("签收后可登记首次联系"),
    ("reply", S.DISPATCHED): _("签收并首次联系诉求人后可答复"),
    ("reply", S.SIGNED): _("首次联系诉求人后可答复"),
    ("reply", S.RETURN_REVIEW): _("退单审核中，审核结果出来前不能答复"),
    ("reply", S.REPLY_REVIEW): _("答复已提交，等待审核"),
    ("request_callback", S.DISPATCHED): _("签收后可请求回拨"),
    ("request_return", S.RETURN_REVIEW): _("退单申请审核中"),
    ("request_extension", S.RETURN_REVIEW): _("退单审核中，不能申请延期"),
    ("callback", S.SUBMITTED): _("办理答复发布后可评价"),
    ("callback", S.ACCEPTED): _("办理答复发布后可评价"),
    ("callback", S.DISPATCHED): _("办理答复发布后可评价"),
    ("callback", S.SIGNED): _("办理答复发布后可评价"),
    ("callback", S.IN_PROGRESS): _("办理答复发布后可评价"),
    ("callback", S.RETURN_REVIEW): _("办理答复发布后可评价"),
    ("callback", S.REPLY_REVIEW): _("答复审核通过并发布后可评价"),
    ("callback", S.EVALUATED): _("您已评价，等待复核"),
    ("withdraw", S.REPLIED): _("答复已发布，不能撤回"),
    ("withdraw", S.EVALUATED): _("答复已发布，不能撤回"),
}

# Where a blocked action is still shown with its reason (issue 14 §4), beyond the states it starts
# from: (states, the actor kinds it is shown to). Elsewhere an action the actor cannot take is not
# listed at all, and never to an actor who could not take it in any state (a resident never sees 派单).
FAMILY: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "contact": (frozenset({S.DISPATCHED}), frozenset({"lead"})),
    "reply": (frozenset({S.DISPATCHED, S.SIGNED, S.RETURN_REVIEW, S.REPLY_REVIEW}), frozenset({"lead"})),
    "request_callback": (frozenset({S.DISPATCHED}), frozenset({"lead"})),
    "request_return": (frozenset({S.RETURN_REVIEW}), frozenset({"lead"})),
    "request_extension": (frozenset({S.RETURN_REVIEW}), frozenset({"lead"})),
    "callback": (frozenset(BEFORE_REPLY | {S.EVALUATED}), frozenset({"reporter"})),
    "withdraw": (frozenset({S.REPLIED, S.EVALUATED}), frozenset({"reporter"})),
}
# What a joint (co-handling or called-in) unit does on its own task.
JOINT_ACTIONS = frozenset({"sign", "reply", "request_callback"})
# Blocked in their own states only by a condition that is no news to anyone: not listed then.
QUIET = frozenset({"decide_extension"})


def _joint_reason(action: str, complaint, ctx: Context) -> str:
    """A joint unit signs, replies and asks for a call-back on its own task, which has its own state."""
    task = ctx.joint_task
    if task is None:
        return str(_("本单位没有待办理的协办任务"))
    if complaint.status in FINAL_OR_REVIEW:
        return MACHINE.why_not(action, complaint, {"joint"}) or str(_("该诉求已进入回访或已结束"))
    if action == "sign":
        return "" if task.state == "pending" else str(_("本单位已签收"))
    if task.state == "pending":
        return str(_("签收后可答复")) if action == "reply" else str(_("签收后可请求回拨"))
    if action == "request_callback" and complaint.status not in TRANSITIONS[action].sources:
        return MACHINE.why_not(action, complaint, {"joint"})
    return "" if task.state == "signed" else str(_("本单位已答复"))


def _condition_reason(action: str, complaint, ctx: Context) -> str:
    """The conditions kept beside the table, for an action whose state and actor the table allows."""
    if action == "request_return":
        if complaint.return_final:
            return str(_("退单已被驳回（终局决定），须继续办理，不能再次退单"))
        if "return" in ctx.pending:
            return str(_("退单申请审核中"))
    elif action == "request_extension":
        if "extension" in ctx.pending:
            return str(_("已有延期申请待审核"))
        if ctx.now is not None and complaint.resolve_due and ctx.now > complaint.resolve_due:
            return str(_("已超过办结期限，不能再申请延期"))
    elif action == "decide_extension":
        if "extension" not in ctx.pending:
            return str(_("没有待审核的延期申请"))
    elif action == "reopen":
        if not (complaint.callback_resolved is False or complaint.satisfaction == "dissatisfied"):
            return str(_("诉求人表示已解决且未评不满意，无需重办"))
    elif action == "reply":
        if ctx.open_joint_tasks:
            # The lead unit answers the resident once every unit called in has replied (rules.md §7).
            units = "、".join(ctx.open_joint_units) or str(_("协办单位"))
            return str(_("等待协办单位%(units)s答复后可答复")) % {"units": units}
    elif action == "supervise" and complaint.supervision_level >= max(SupervisionLevel.values):
        return str(_("已是最高督办等级（%(level)s）")) % {"level": SupervisionLevel(complaint.supervision_level).label}
    return ""


def why_not(action: str, complaint, kinds: set[str], ctx: Context) -> str:
    """Why these actors may not take the action now ("" when they may) — the ONE place that
    decides both (issue 14 §4): ``permits`` and the services ask it, the detail page and the API
    show its words on the blocked button."""
    t = TRANSITIONS[action]
    if not (t.actors & kinds):
        return MACHINE.why_not(action, complaint, kinds)
    if action in JOINT_ACTIONS and "lead" not in kinds:
        return _joint_reason(action, complaint, ctx)
    if complaint.status not in t.sources:
        reason = STATE_REASONS.get((action, complaint.status))
        return str(reason) if reason else MACHINE.why_not(action, complaint, kinds)
    return _condition_reason(action, complaint, ctx)


def permits(action: str, complaint, kinds: set[str], ctx: Context) -> bool:
    """Does the table (and the conditions kept beside it in ``why_not``) let these actors take the action now?"""
    return not why_not(action, complaint, kinds, ctx)


def allowed_actions(user, complaint, ctx: Context) -> list[str]:
    """Names of the actions the user may take on the complaint now."""
    kinds = actor_kinds(user, complaint, ctx)
    if not kinds:
        return []
    return [name for name in TRANSITIONS if permits(name, complaint, kinds, ctx)]


def _shown(action: str, complaint, kinds: set[str], ctx: Context, reason: str) -> bool:
    """Is the action listed for these actors now: allowed, or blocked in its family of states."""
    t = TRANSITIONS[action]
    if not (t.actors & kinds):
        return False
    if not reason:
        return True
    if action in QUIET:
        return False
    if action in JOINT_ACTIONS and "lead" not in kinds:
        task = ctx.joint_task
        return (action != "sign" and task is not None and task.state == "pending"
                and complaint.status not in FINAL_OR_REVIEW)
    if complaint.status in t.sources:
        return True
    states, who = FAMILY.get(action, (frozenset(), frozenset()))
    return complaint.status in states and bool(who & kinds)


def action_states(user, complaint, ctx: Context) -> list[dict]:
    """Each action this user could take on the complaint in its present family of states, allowed
    or not: ``{"action", "label", "allowed", "reason"}`` in the table's order (issue 14 §4). A
    blocked action says why ("等待协办单位书香社区答复后可答复") instead of disappearing."""
    kinds = actor_kinds(user, complaint, ctx)
    if not kinds:
        return []
    out = []
    for name, t in TRANSITIONS.items():
        reason = why_not(name, complaint, kinds, ctx)
        if _shown(name, complaint, kinds, ctx, reason):
            out.append({"action": name, "label": str(t.label), "allowed": not reason, "reason": reason})
    return out
