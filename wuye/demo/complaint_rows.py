"""The rows of the demo complaints while they are played forward in memory (``complaint_workflow``):
their columns, the records, the plan of one complaint's life and the codes of the choices.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from wuye.cases.models import Category, Request, Status, Task, UnitKind


def _plain(choices) -> type:
    """The codes of a choices enum as plain strings: enum members are slow in a loop run millions of times."""
    return type(choices.__name__, (), {m.name: m.value for m in choices})


S = _plain(Status)
TS = _plain(Task.State)
TR = _plain(Task.Role)
RK = _plain(Request.Kind)
RS = _plain(Request.State)
U = _plain(UnitKind)
R = _plain(Category.Responsible)
SH = ZoneInfo("Asia/Shanghai")
UTC_OFFSET = timedelta(hours=8)
MIN = 60
HOUR = 3600
DAY = 86400

CITY_DESK = "市住房保障房产局"
SYSTEM = "系统"
REPORTER = "诉求人"
# Events written at megacity scale (~4 a complaint): what a resident's timeline needs most.
LEAN_ACTIONS = frozenset({"submit", "dispatch", "approve_reply", "callback", "close", "refuse", "duplicate", "withdraw",
                          "reopen", "decide_return"})

C_FIELDS = [
    "id", "tracking_code", "source", "source_ticket", "estate_id", "district_id", "street_id", "community_id",
    "company_id", "category_id", "title", "description", "location", "search_tokens", "reporter_user_id",
    "reporter_name", "reporter_phone", "anonymous", "created_by_id", "confidential", "emergency", "status", "version",
    "routed_unit_kind", "routed_unit_id", "unit_kind", "unit_id", "unit_name", "accept_due", "sign_due", "contact_due",
    "resolve_due", "dispatch_due", "dispatch_overdue", "created_at", "accepted_at", "dispatched_at", "signed_at", "contacted_at", "replied_at",
    "published_at", "callback_at", "closed_at", "accept_overdue", "sign_overdue", "contact_overdue", "resolve_overdue",
    "supervision_level", "next_check_at", "duplicate_of_id", "return_final", "reply", "public_reply",
    "callback_resolved", "satisfaction", "callback_comment", "unreasonable", "reopen_count", "return_count",
    "extension_count",
]
C_TIMES = [i for i, f in enumerate(C_FIELDS) if f.endswith(("_due", "_at"))]
T_FIELDS = [
    "id", "complaint_id", "role", "unit_kind", "unit_id", "unit_name", "state", "version", "month", "dispatched_at",
    "sign_due", "contact_due", "due", "signed_at", "contacted_at", "replied_at", "reply", "urgency", "signed_in_time",
    "contacted_in_time", "done_in_time", "resolved", "satisfaction", "returned", "reopened", "excluded", "called_by_id",
    "contact_method", "contact_made_at", "contact_person", "contact_result",
]
T_TIMES = [i for i, f in enumerate(T_FIELDS) if f.endswith(("_due", "_at")) or f == "due"]
E_FIELDS = ["id", "complaint_id", "task_id", "action", "from_status", "to_status", "actor_id", "actor_label", "note",
            "data", "public", "created_at"]
R_FIELDS = ["id", "complaint_id", "task_id", "kind", "state", "reason", "legal_basis", "amount", "unit",
            "status_before", "requested_by_id", "requested_at", "decided_by_id", "decided_at", "decision_note"]

R_TIMES = [R_FIELDS.index("requested_at"), R_FIELDS.index("decided_at")]
_c_values = operator.attrgetter(*C_FIELDS)
_t_values = operator.attrgetter(*T_FIELDS)


# ---- the records being played forward ---------------------------------------------------------


class _Case:
    __slots__ = (*C_FIELDS, "cat", "plan", "tasks", "lead", "requests", "swept", "side_done", "last_step", "manual",
                 "routed_name", "building")


class _Task:
    __slots__ = (*T_FIELDS,)


@dataclass
class Plan:
    """How one complaint's life goes. Random complaints draw it; scripted ones set it and name the
    state they ``stop`` in (``forced``: every step happens before ``now``, compressed if need be)."""

    forced: bool = False
    stop: str | None = None  # the step before which a scripted complaint stops (see STOP_BEFORE)
    refuse: bool = False
    duplicate_of: tuple | None = None
    withdraw: str | None = None  # "submitted" | "dispatched" | "in_progress"
    accept_first: bool = True
    unit: tuple | None = None  # (kind, id, name) the dispatcher chooses instead of the routed unit
    co_units: list = field(default_factory=list)
    joint: list = field(default_factory=list)
    side_progress: int = 2  # co/joint tasks: 0 stay pending, 1 sign, 2 sign and reply
    ret: str | None = None  # "approve" | "reject" | "pending"
    ext: str | None = None  # "approve" | "reject" | "pending"
    late_sign: bool = False
    late_contact: bool = False
    late_reply: bool = False
    reject_reply: bool = False
    no_callback: bool = False
    resolved: bool = True
    satisfaction: str = "satisfied"
    reopen: bool = False
    unreasonable: bool = False
    supervise: int = 0  # a supervisor's manual 催办/督办 while the unit handles it
    quality: float = 1.0


# A scripted complaint ends in a state by stopping before the step that would leave it.
STOP_BEFORE = {
    S.SUBMITTED: "intake", S.ACCEPTED: "dispatch", S.DISPATCHED: "sign", S.SIGNED: "contact", S.IN_PROGRESS: "reply",
    S.RETURN_REVIEW: "decide_return", S.REPLY_REVIEW: "review", S.REPLIED: "callback", S.EVALUATED: "review_callback",
}


class _Probe:
    """What ``deadlines.next_check`` reads of a complaint, with aware datetimes."""

    __slots__ = ("status", "supervision_level", "accept_due", "sign_due", "contact_due", "resolve_due", "dispatch_due",
                 "accept_overdue", "sign_overdue", "contact_overdue", "resolve_overdue", "dispatch_overdue")

    def __init__(self, c: _Case):
        self.status = c.status
        self.supervision_level = c.supervision_level
        for f in ("accept_overdue", "sign_overdue", "contact_overdue", "resolve_overdue", "dispatch_overdue"):
            setattr(self, f, getattr(c, f))
        for f in ("accept_due", "sign_due", "contact_due", "resolve_due", "dispatch_due"):
            v = getattr(c, f)
            setattr(self, f, v.replace(tzinfo=SH) if v is not None else None)
