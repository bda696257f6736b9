"""The complaint workflow played forward in memory, for the demo generator (``complaints.py``).

``WorkflowMixin`` is part of ``ComplaintBuilder``. Its ``do_*`` methods make the same changes as
``wuye.cases.services`` — the complaint's fields, the tasks' outcome flags, the requests and the
events — without the database: one complaint at a time is taken step by step until its next step
would lie after the builder's ``now`` (``next_at``), and ``finish`` leaves it as the per-minute
sweep would have: running stages past their deadline marked overdue, the supervision level the
escalation rules give, ``next_check_at`` from ``deadlines.next_check``. Then its rows go to the
bulk writer. Times are naive Asia/Shanghai datetimes (the zone has no daylight saving time).
"""

from __future__ import annotations

import json
import operator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from wuye.cases import deadlines
from wuye.cases.models import Category, Event, Request, Status, Task, UnitKind
from wuye.core.calendar import add_period

from . import complaint_texts as X


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
    "resolve_due", "created_at", "accepted_at", "dispatched_at", "signed_at", "contacted_at", "replied_at",
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
    __slots__ = (*C_FIELDS, "cat", "plan", "tasks", "lead", "requests", "late", "side_done", "last_step", "manual",
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
_OPEN_STAGE_STATES = frozenset({S.SUBMITTED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.RETURN_REVIEW})


class _Probe:
    """What ``deadlines.next_check`` reads of a complaint, with aware datetimes."""

    __slots__ = ("status", "supervision_level", "accept_due", "sign_due", "contact_due", "resolve_due",
                 "accept_overdue", "sign_overdue", "contact_overdue", "resolve_overdue")

    def __init__(self, c: _Case):
        self.status = c.status
        self.supervision_level = c.supervision_level
        for f in ("accept_overdue", "sign_overdue", "contact_overdue", "resolve_overdue"):
            setattr(self, f, getattr(c, f))
        for f in ("accept_due", "sign_due", "contact_due", "resolve_due"):
            v = getattr(c, f)
            setattr(self, f, v.replace(tzinfo=SH) if v is not None else None)


class WorkflowMixin:
    """The steps of a complaint's life; mixed into ``complaints.ComplaintBuilder``, which holds the
    random stream, the bulk writer, the units and the reference instant ``now``."""

    # -- time -----------------------------------------------------------------------------------

    def due(self, start: datetime, limit: tuple[int, str]) -> datetime:
        amount, unit = limit
        if unit == "hours":
            return start + timedelta(hours=amount)
        key = (start.date(), amount, unit)
        value = self._due_cache.get(key)
        if value is None:
            value = self._due_cache[key] = add_period(start.replace(tzinfo=SH), amount, unit).astimezone(SH).replace(
                tzinfo=None)
        return value

    def next_at(self, c: _Case, t: datetime, step: str = "") -> datetime | None:
        """The time of the complaint's next step, or None when it stays as it is now: the step
        would come after ``now``, or a scripted complaint stops before this step."""
        p = c.plan
        if p.forced:
            if step and step == p.stop:
                return None
            t = min(t, self.latest)
        elif t > self.now:
            return None
        if t < c.last_step:
            t = c.last_step
        c.last_step = t
        return t

    def secs(self, lo: float, hi: float) -> timedelta:
        return timedelta(seconds=int(self.rng.uniform(lo, hi)))

    def expo(self, mean: float, lo: float = 60) -> timedelta:
        return timedelta(seconds=int(max(lo, self.rng.expovariate(1 / mean))))

    # -- events, tasks, requests ------------------------------------------------------------------

    def event(self, c: _Case, t: datetime, action: str, to: str | None = None, *, note: str = "", data=None,
              public: bool = False, label: str = "", task: _Task | None = None, frm: str | None = None) -> None:
        if self.lean and action not in LEAN_ACTIONS:
            return
        frm = c.status if frm is None else frm
        self.events.append((
            self.writer.next_id(Event), c.id, task.id if task else None, action, frm, frm if to is None else to, None,
            label or SYSTEM, note, self.json(data) if data else "{}", public, self.ts(t),
        ))

    def json(self, data: dict) -> str:
        """``json.dumps`` of an event's data, cached: most data repeats (units, levels, outcomes)."""
        try:
            key = tuple(data.items())
            text = self._json.get(key)
        except TypeError:  # a list inside
            return json.dumps(data, ensure_ascii=False)
        if text is None:
            text = json.dumps(data, ensure_ascii=False)
            if len(self._json) < 200_000:
                self._json[key] = text
        return text

    def new_task(self, c: _Case, unit: tuple, role: str, t: datetime, *, due: datetime | None = None) -> _Task:
        cat = c.cat
        k = _Task()
        k.id = self.writer.next_id(Task)
        k.complaint_id = c.id
        k.role = role
        k.unit_kind, k.unit_id, k.unit_name = unit
        k.state = TS.PENDING
        k.version = 0
        k.month = date(t.year, t.month, 1).isoformat()
        k.dispatched_at = t
        k.sign_due = self.due(t, cat.sign)
        k.contact_due = self.due(t, cat.contact) if role == TR.LEAD else None
        k.due = due or self.due(t, cat.resolve)
        k.signed_at = k.contacted_at = k.replied_at = None
        k.reply = ""
        k.urgency = (2 if c.emergency else 0) + c.supervision_level
        k.signed_in_time = k.contacted_in_time = k.done_in_time = k.resolved = None
        k.satisfaction = ""
        k.returned = k.reopened = k.excluded = False
        k.called_by_id = None
        c.tasks.append(k)
        return k

    def close_tasks(self, c: _Case) -> None:
        for k in c.tasks:
            if k.state in (TS.PENDING, TS.SIGNED, TS.REPLIED):
                k.state = TS.CLOSED
                k.version += 1

    def ended(self, c: _Case, stage: str, due: datetime | None, t: datetime) -> None:
        """A stage ended (or the case left it) at ``t``: remember how late, for the supervision level."""
        if due is not None and t > due:
            c.late.append((stage, due, t))

    # -- the workflow, in memory (mirrors wuye.cases.services) ------------------------------------

    def move(self, c: _Case, **fields) -> None:
        for k, v in fields.items():
            setattr(c, k, v)
        c.version += 1

    def do_accept(self, c: _Case, t: datetime) -> None:
        self.ended(c, "accept", c.accept_due, t)
        self.event(c, t, "accept", S.ACCEPTED, public=True, label=self.dispatcher_label(c))
        c.status, c.accepted_at, c.accept_overdue = S.ACCEPTED, t, t > c.accept_due
        c.version += 1

    def do_refuse(self, c: _Case, t: datetime) -> None:
        self.ended(c, "accept", c.accept_due, t)
        self.event(c, t, "refuse", S.REFUSED, note=self.rng.choice(X.REFUSE_REASONS), public=True,
                   label=self.dispatcher_label(c))
        self.move(c, status=S.REFUSED, closed_at=t, accept_overdue=t > c.accept_due)

    def do_duplicate(self, c: _Case, t: datetime, original: tuple) -> None:
        pk, code, _created = original
        self.ended(c, "accept", c.accept_due, t)
        self.event(c, t, "duplicate", S.DUPLICATE, note=f"与诉求 {code} 重复，合并办理", public=True,
                   label=self.dispatcher_label(c), data={"duplicate_of": pk, "tracking_code": code})
        self.move(c, status=S.DUPLICATE, duplicate_of_id=pk, closed_at=t)

    def do_withdraw(self, c: _Case, t: datetime) -> None:
        for stage in deadlines.running_stages(c):
            self.ended(c, stage, getattr(c, deadlines.STAGES[stage][0]), t)
        self.event(c, t, "withdraw", S.WITHDRAWN, note=self.rng.choice(X.WITHDRAW_NOTES), public=True, label=REPORTER)
        self.move(c, status=S.WITHDRAWN, closed_at=t)
        self.close_tasks(c)

    def do_dispatch(self, c: _Case, t: datetime, unit: tuple, *, co_units=(), action: str = "dispatch",
                    note: str = "", **extra) -> None:
        cat = c.cat
        frm = c.status
        if c.accepted_at is None:
            self.ended(c, "accept", c.accept_due, t)
            extra.update(accepted_at=t, accept_overdue=t > c.accept_due)
        self.move(c, status=S.DISPATCHED, unit_kind=unit[0], unit_id=unit[1], unit_name=unit[2], dispatched_at=t,
                  sign_due=self.due(t, cat.sign), contact_due=self.due(t, cat.contact),
                  resolve_due=self.due(t, cat.resolve), signed_at=None, contacted_at=None, replied_at=None,
                  sign_overdue=False, contact_overdue=False, resolve_overdue=False, reply="", **extra)
        c.lead = self.new_task(c, unit, TR.LEAD, t)
        names = []
        for co in co_units:
            if co[:2] != unit[:2]:
                self.side_task(c, co, TR.CO, t)
                names.append(co[2])
        self.event(c, t, action, S.DISPATCHED, frm=frm, note=note, task=c.lead, public=True,
                   label=self.dispatcher_label(c), data={"unit": unit[2], "co_units": tuple(names)})

    def side_task(self, c: _Case, unit: tuple, role: str, t: datetime, due: datetime | None = None) -> None:
        """A co-unit or a department called in: its own task, clock, signing and reply."""
        k = self.new_task(c, unit, role, t, due=due)
        p = c.plan
        if p.side_progress < 1:
            c.side_done = None
            return
        late = self.rng.random() < 0.06
        window = (k.sign_due - t).total_seconds()
        ts = k.sign_due + self.expo(3 * HOUR) if late else t + timedelta(seconds=int(max(120, window * self.rng.random() ** 2)))
        ts = self.next_at(c, ts)
        if ts is None:
            c.side_done = None
            return
        k.state, k.signed_at, k.signed_in_time = TS.SIGNED, ts, ts <= k.sign_due
        k.contacted_at, k.contacted_in_time = ts, ts <= k.sign_due  # a called-in unit responds by signing
        k.version += 1
        self.event(c, ts, "sign", task=k, label=k.unit_name, data={"unit": k.unit_name})
        if p.side_progress < 2:
            c.side_done = None
            return
        late = self.rng.random() < 0.07
        window = (k.due - ts).total_seconds()
        tr = k.due + self.expo(DAY) if late or window <= 0 else ts + timedelta(seconds=int(window * (0.1 + 0.7 * self.rng.random())))
        tr = self.next_at(c, tr)
        if tr is None:
            c.side_done = None
            return
        text = self.rng.choice(X.CO_REPLIES if role == TR.CO else X.JOINT_REPLIES)
        k.state, k.replied_at, k.reply, k.done_in_time = TS.REPLIED, tr, text, tr <= k.due
        k.version += 1
        self.event(c, tr, "reply", task=k, note=text, label=k.unit_name, data={"unit": k.unit_name})
        if c.side_done is not None and tr > c.side_done:
            c.side_done = tr

    def do_sign(self, c: _Case, t: datetime) -> None:
        overdue = t > c.sign_due
        self.ended(c, "sign", c.sign_due, t)
        self.event(c, t, "sign", S.SIGNED, task=c.lead, public=True, label=c.unit_name)
        c.status, c.signed_at, c.sign_overdue = S.SIGNED, t, overdue
        c.version += 1
        k = c.lead
        k.state, k.signed_at, k.signed_in_time = TS.SIGNED, t, not overdue
        k.version += 1

    def do_contact(self, c: _Case, t: datetime) -> None:
        overdue = t > c.contact_due
        self.ended(c, "contact", c.contact_due, t)
        self.event(c, t, "contact", S.IN_PROGRESS, task=c.lead, public=True, label=c.unit_name,
                   note=self.rng.choice(X.CONTACT_NOTES))
        c.status, c.contacted_at, c.contact_overdue = S.IN_PROGRESS, t, overdue
        c.version += 1
        k = c.lead
        k.contacted_at, k.contacted_in_time = t, not overdue
        k.version += 1

    def do_call(self, c: _Case, t: datetime, kinds: list[str]) -> None:
        street = self.unit(U.STREET, c.street_id)
        names = []
        if c.side_done is not None:
            c.side_done = max(c.side_done, t)
        for kind in kinds:
            d = self.dept(c.district_id, kind)
            if d and d[:2] != (c.unit_kind, c.unit_id):
                self.side_task(c, d, TR.JOINT, t)
                names.append(d[2])
        if names:
            c.version += 1
            self.event(c, t, "call_departments", note=X.CALL_NOTES.get(c.cat.code, ""), public=True, label=street[2],
                       data={"departments": names})

    def do_request_return(self, c: _Case, t: datetime) -> tuple:
        reason, basis = self.rng.choice(X.RETURN_REASONS)
        k = c.lead
        req = [None, c.id, k.id, RK.RETURN, RS.PENDING, reason, basis, None, "", c.status, None,
               t, None, None, ""]
        c.requests.append(req)
        self.event(c, t, "request_return", S.RETURN_REVIEW, note=reason, task=k, label=c.unit_name,
                   data={"legal_basis": basis})
        self.move(c, status=S.RETURN_REVIEW)
        k.returned = True
        k.version += 1
        return req

    def do_decide_return(self, c: _Case, t: datetime, req: list, approve: bool) -> None:
        note = X.RETURN_APPROVE if approve else self.rng.choice(X.RETURN_REJECT)
        req[4] = RS.APPROVED if approve else RS.REJECTED
        req[13], req[14] = t, note
        k = c.lead
        if approve:
            for stage in ("contact", "resolve"):
                if stage == "resolve" or c.contacted_at is None:
                    self.ended(c, stage, getattr(c, deadlines.STAGES[stage][0]), t)
            k.state = TS.RETURNED
            k.version += 1
            self.event(c, t, "decide_return", S.ACCEPTED, note=note, task=k, label=self.dispatcher_label(c),
                       data={"approve": True})
            self.move(c, status=S.ACCEPTED, return_count=c.return_count + 1)
        else:
            k.returned = False
            k.version += 1
            self.event(c, t, "decide_return", req[9], note=note, task=k, label=self.dispatcher_label(c),
                       data={"approve": False})
            self.move(c, status=req[9], return_final=True)

    def do_extension(self, c: _Case, t: datetime, decide_at: datetime | None, approve: bool) -> None:
        reason = self.rng.choice(X.EXTENSION_REASONS)
        amount = self.rng.choice([3, 5, 7, 10])
        req = [None, c.id, c.lead.id, RK.EXTENSION, RS.PENDING, reason, "", amount,
               "working_days", c.status, None, t, None, None, ""]
        c.requests.append(req)
        self.event(c, t, "request_extension", note=reason, label=c.unit_name,
                   data={"amount": amount, "unit": "working_days"})
        c.version += 1
        if decide_at is None:
            return
        req[4] = RS.APPROVED if approve else RS.REJECTED
        req[13] = decide_at
        data: dict = {"approve": approve}
        if approve:
            new_due = self.due(c.resolve_due, (amount, "working_days"))
            c.resolve_due = new_due
            c.extension_count += 1
            c.lead.due = new_due
            c.lead.version += 1
            data["resolve_due"] = new_due.replace(tzinfo=SH).isoformat()
        else:
            req[14] = "延期理由不充分，请按期办结。"
        c.version += 1
        self.event(c, decide_at, "decide_extension", note=req[14], label=self.dispatcher_label(c), data=data,
                   public=approve)

    def do_supervise(self, c: _Case, t: datetime, level: int) -> None:
        if level <= c.supervision_level:
            return
        c.manual = max(c.manual, level)
        self.move(c, supervision_level=level)
        label = self.unit(U.STREET, c.street_id)[2] if level == 1 else self.dispatcher_label(c)
        self.event(c, t, "supervise", note=X.SUPERVISE_NOTE, label=label, data={"level": level, "manual": True})

    def do_reply(self, c: _Case, t: datetime, text: str) -> None:
        overdue = t > c.resolve_due
        self.ended(c, "resolve", c.resolve_due, t)
        if c.contacted_at is None:  # pragma: no cover - the unit always contacts first here
            self.ended(c, "contact", c.contact_due, t)
        self.event(c, t, "reply", S.REPLY_REVIEW, note=text, task=c.lead, label=c.unit_name)
        c.status, c.replied_at, c.reply, c.resolve_overdue = S.REPLY_REVIEW, t, text, overdue
        c.version += 1
        k = c.lead
        k.state, k.replied_at, k.reply, k.done_in_time = TS.REPLIED, t, text, not overdue
        k.version += 1

    def do_approve(self, c: _Case, t: datetime) -> None:
        self.event(c, t, "approve_reply", S.REPLIED, note=c.reply, public=True, label=self.dispatcher_label(c))
        c.status, c.published_at, c.public_reply = S.REPLIED, t, c.reply
        c.version += 1

    def do_reject_reply(self, c: _Case, t: datetime) -> None:
        self.event(c, t, "reject_reply", S.IN_PROGRESS, note=self.rng.choice(X.REJECT_REPLY_REASONS), task=c.lead,
                   label=self.dispatcher_label(c))
        self.move(c, status=S.IN_PROGRESS, replied_at=None, resolve_overdue=t > c.resolve_due)
        c.late = [x for x in c.late if x[0] != "resolve"]
        k = c.lead
        k.state, k.replied_at, k.done_in_time = TS.SIGNED, None, None
        k.version += 1

    def do_callback(self, c: _Case, t: datetime, resolved: bool, satisfaction: str) -> None:
        good = resolved and satisfaction != "dissatisfied"
        pool = X.CALLBACK_BAD if not good else X.CALLBACK_GOOD if satisfaction == "satisfied" else X.CALLBACK_BASIC
        note = self.rng.choice(pool)
        to = S.CLOSED if good else S.EVALUATED
        self.event(c, t, "callback", to, note=note, public=True, label=REPORTER, task=c.lead,
                   data={"resolved": resolved, "satisfaction": satisfaction})
        c.status, c.callback_resolved, c.satisfaction, c.callback_comment = to, resolved, satisfaction, note
        c.callback_at, c.closed_at = t, t if good else None
        c.version += 1
        k = c.lead
        k.resolved, k.satisfaction = resolved, satisfaction
        k.version += 1
        if good:
            self.close_tasks(c)

    def do_close(self, c: _Case, t: datetime, note: str, unreasonable: bool = False) -> None:
        self.event(c, t, "close", S.CLOSED, note=note, public=True, label=self.dispatcher_label(c),
                   data={"unreasonable": unreasonable})
        self.move(c, status=S.CLOSED, closed_at=t, unreasonable=unreasonable or c.unreasonable)
        self.close_tasks(c)
        if unreasonable:
            for k in c.tasks:
                k.excluded = True

    def do_reopen(self, c: _Case, t: datetime) -> None:
        old = c.lead
        old.state, old.reopened = TS.CLOSED, True
        old.version += 1
        unit = (c.unit_kind, c.unit_id, c.unit_name)
        self.do_dispatch(c, t, unit, action="reopen", note=X.REOPEN_NOTE, reopen_count=c.reopen_count + 1,
                         callback_resolved=None, satisfaction="", callback_comment="", callback_at=None,
                         published_at=None)

    # -- one complaint's life ----------------------------------------------------------------------

    def sign_time(self, c: _Case, t: datetime, late: bool) -> datetime:
        if late:
            return c.sign_due + self.expo(3 * HOUR, lo=10 * MIN)
        window = (c.sign_due - t).total_seconds()
        return t + timedelta(seconds=int(max(120, window * 0.9 * self.rng.random() ** 2)))

    def contact_time(self, c: _Case, t: datetime, late: bool) -> datetime:
        window = (c.contact_due - t).total_seconds()
        if late or window <= 300:
            return max(t, c.contact_due) + self.expo(5 * HOUR, lo=10 * MIN)
        return t + timedelta(seconds=int(max(300, window * 0.9 * self.rng.random() ** 1.5)))

    def reply_time(self, c: _Case, t: datetime, late: bool) -> datetime:
        window = (c.resolve_due - t).total_seconds()
        if late or window <= 1800:
            return max(t, c.resolve_due) + self.expo(2 * DAY, lo=30 * MIN)
        return t + timedelta(seconds=int(window * (0.3 + 0.68 * self.rng.random())))

    def simulate(self, c: _Case) -> None:
        p = c.plan
        rng = self.rng
        na = self.next_at
        t = c.created_at
        c.accept_due = self.due(t, c.cat.accept)
        # -- intake
        if p.withdraw == "submitted":
            tw = na(c, t + self.secs(20 * MIN, 3 * HOUR))
            if tw is not None:
                self.do_withdraw(c, tw)
            return
        late_accept = not p.forced and rng.random() < 0.06
        delay = c.accept_due - t + self.expo(2 * HOUR) if late_accept else self.expo(35 * MIN, lo=3 * MIN)
        t = na(c, t + delay, "intake")
        if t is None:
            return
        if p.refuse:
            self.do_refuse(c, t)
            return
        if p.duplicate_of:
            self.do_duplicate(c, t, p.duplicate_of)
            return
        if p.accept_first:
            self.do_accept(c, t)
            t = na(c, t + self.expo(40 * MIN, lo=2 * MIN), "dispatch")
            if t is None:
                return
        self.do_dispatch(c, t, p.unit or self.route_of(c), co_units=p.co_units)
        cycle = 0
        while True:
            first = cycle == 0
            # -- dispatched: sign
            if first and p.withdraw == "dispatched":
                tw = na(c, t + self.secs(30 * MIN, 6 * HOUR))
                if tw is not None:
                    self.do_withdraw(c, tw)
                return
            t = na(c, self.sign_time(c, t, first and p.late_sign), "sign")
            if t is None:
                return
            self.do_sign(c, t)
            # -- joint enforcement: the street calls departments in
            if first and p.joint:
                tc = na(c, t + self.expo(4 * HOUR, lo=20 * MIN))
                if tc is not None:
                    self.do_call(c, tc, p.joint)
            # -- first contact
            t = na(c, self.contact_time(c, t, first and p.late_contact), "contact")
            if t is None:
                return
            self.do_contact(c, t)
            not_before = t
            if first and p.supervise:
                ts = na(c, t + self.expo(8 * HOUR, lo=30 * MIN))
                if ts is not None:
                    self.do_supervise(c, ts, p.supervise)
                    not_before = ts
            if first and p.withdraw == "in_progress":
                tw = na(c, t + self.expo(DAY, lo=HOUR))
                if tw is not None:
                    self.do_withdraw(c, tw)
                return
            # -- a return request and the dispatcher's decision
            if first and p.ret:
                tr = na(c, t + self.expo(10 * HOUR, lo=30 * MIN), "request_return")
                if tr is None:
                    return
                req = self.do_request_return(c, tr)
                if p.ret == "pending":
                    return
                td = na(c, tr + self.expo(14 * HOUR, lo=HOUR), "decide_return")
                if td is None:
                    return
                if p.ret == "approve":
                    self.do_decide_return(c, td, req, True)
                    t = na(c, td + self.expo(HOUR, lo=5 * MIN), "dispatch")
                    if t is None:
                        return
                    self.do_dispatch(c, t, self.fallback_unit(c))
                    cycle += 1
                    continue
                self.do_decide_return(c, td, req, False)
                not_before = t = td
            # -- an extension request
            if first and p.ext:
                window = (c.resolve_due - t).total_seconds()
                if window > 2 * HOUR:
                    tx = na(c, t + timedelta(seconds=int(window * rng.uniform(0.3, 0.8))))
                    if tx is not None:
                        td = None
                        if p.ext != "pending":
                            td = na(c, tx + self.expo(8 * HOUR, lo=HOUR))
                        self.do_extension(c, tx, td, p.ext == "approve")
                        if td is None:
                            return
                        not_before = td
            # -- the lead unit's reply, after every department called in has replied
            if c.side_done is None:
                return
            tr = max(self.reply_time(c, t, first and p.late_reply), not_before, c.side_done) + timedelta(minutes=5)
            t = na(c, tr, "reply")
            if t is None:
                return
            text = self.texts.reply(c.cat.code, c.building)
            self.do_reply(c, t, text)
            # -- review of the reply
            t = na(c, t + self.expo(8 * HOUR, lo=10 * MIN), "review")
            if t is None:
                return
            if first and p.reject_reply:
                self.do_reject_reply(c, t)
                t = na(c, t + self.expo(DAY, lo=2 * HOUR), "reply")
                if t is None:
                    return
                self.do_reply(c, t, text + "已补充整改前后照片。")
                t = na(c, t + self.expo(8 * HOUR, lo=10 * MIN), "review")
                if t is None:
                    return
            self.do_approve(c, t)
            # -- callback, or closing when the resident cannot be reached
            if first and p.no_callback:
                t = na(c, t + self.secs(3 * DAY, 7 * DAY), "callback")
                if t is not None:
                    self.do_close(c, t, X.CLOSE_NO_CALLBACK)
                return
            t = na(c, t + self.expo(1.5 * DAY, lo=2 * HOUR), "callback")
            if t is None:
                return
            if first:
                self.do_callback(c, t, p.resolved, p.satisfaction)
            else:
                self.do_callback(c, t, True, "satisfied" if rng.random() < 0.8 else "basically_satisfied")
            if c.status == S.CLOSED:
                return
            # -- an unsatisfied callback: reopen, or close after review
            t = na(c, t + self.expo(DAY, lo=2 * HOUR), "review_callback")
            if t is None:
                return
            if first and p.reopen:
                self.do_reopen(c, t)
                cycle += 1
                continue
            unreasonable = p.unreasonable
            self.do_close(c, t, X.CLOSE_UNREASONABLE if unreasonable else X.CLOSE_EVALUATED, unreasonable)
            return

    def route_of(self, c: _Case) -> tuple:
        return (c.routed_unit_kind, c.routed_unit_id, c.routed_name)

    # -- state at "now" and the rows -------------------------------------------------------------

    def finish(self, c: _Case) -> None:
        now = self.now
        if c.status in _OPEN_STAGE_STATES:
            # The sweep has run every minute until now: running stages past their deadline are overdue.
            for stage in deadlines.running_stages(c):
                due_f, flag, _states = deadlines.STAGES[stage]
                due = getattr(c, due_f)
                if due < now:
                    setattr(c, flag, True)
                    c.late.append((stage, due, now))
            # Only the earliest passed deadline of a running stage counts (deadlines.overdue_since).
        level = c.supervision_level
        reached = []
        for stage, due, end in c.late:
            hours = (end - due).total_seconds() / 3600
            for lvl, h in self.escalations:
                if hours >= h and lvl > level:
                    reached.append((due + timedelta(hours=h), lvl, stage))
        if reached:
            reached.sort()
            for at, lvl, _stage in reached:
                if lvl > level:
                    level = lvl
                    self.event(c, at, "supervise", note=self.level_notes[lvl],
                               data={"level": lvl, "manual": False})
            c.supervision_level = level
        if not self.lean:
            for stage, due, _end in c.late:
                self.event(c, due, "overdue", note=self.stage_notes[stage], data={"stage": stage})
        c.next_check_at = None
        if c.status in _OPEN_STAGE_STATES:
            probe = _Probe(c)
            nxt = deadlines.next_check(probe, self.now_aware, warn_before=self.warn_before, escalations=self.escalations)
            c.next_check_at = nxt.astimezone(SH).replace(tzinfo=None) if nxt else None
        urgency = (2 if c.emergency else 0) + c.supervision_level
        fmt = self.fmt
        for k in c.tasks:
            if k.state in (TS.PENDING, TS.SIGNED):
                k.urgency = urgency
            self.t_tasks.append(fmt(list(_t_values(k)), T_TIMES))
        for req in c.requests:
            req[0] = self.writer.next_id(Request)
            self.t_requests.append(fmt(req, R_TIMES))
        self.t_complaints.append(fmt(list(_c_values(c)), C_TIMES))
        self.counts[c.status] += 1

    def fmt(self, row: list, times: list[int]) -> tuple:
        """The row with its timestamps in the driver's text form (the hot path of ``self.ts``)."""
        if self.pg:
            for i in times:
                v = row[i]
                if v is not None:
                    row[i] = v.isoformat(" ") + "+08:00"
        else:
            for i in times:
                v = row[i]
                if v is not None:
                    row[i] = (v - UTC_OFFSET).isoformat(" ")
        return tuple(row)
