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
from datetime import date, datetime, timedelta

from wuye.cases import deadlines
from wuye.cases.models import Event, Task
from wuye.cases.sweep import _overdue_level  # the sweep's own escalation rule
from wuye.core.calendar import add_period

from . import complaint_texts as X
from .complaint_rows import (
    DAY,
    HOUR,
    LEAN_ACTIONS,
    REPORTER,
    RK,
    RS,
    SH,
    SYSTEM,
    TR,
    TS,
    S,
    U,
    _Case,
    _Task,
)


def minute_after(moment: datetime) -> datetime:
    """The first whole minute strictly after ``moment``: the sweep runs every minute."""
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)


def minute_from(moment: datetime) -> datetime:
    """The first whole minute at or after ``moment``."""
    floor = moment.replace(second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(minutes=1)


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
        k.contact_method, k.contact_made_at, k.contact_person, k.contact_result = "", None, "", ""
        c.tasks.append(k)
        return k

    def close_tasks(self, c: _Case) -> None:
        for k in c.tasks:
            if k.state in (TS.PENDING, TS.SIGNED, TS.REPLIED):
                k.state = TS.CLOSED
                k.version += 1

    def sweep_to(self, c: _Case, until: datetime) -> None:
        """The per-minute sweep's passes over ``c`` up to ``until`` (``wuye.cases.sweep``), at the whole
        minutes they run: a running stage whose deadline has passed is marked overdue, and the
        supervision level rises by the city's escalation rules (``sweep._overdue_level``), with the
        open tasks' urgency. Every step calls it first, so that each pass sees the complaint as it was."""
        escalations = self.escalations
        while True:
            candidates = []
            for stage in deadlines.running_stages(c):
                due_f, flag, _states = deadlines.STAGES[stage]
                due = getattr(c, due_f)
                first = max(minute_after(due), c.swept)
                if not getattr(c, flag):
                    candidates.append(first)
                for level, hours in escalations:
                    if level > c.supervision_level:
                        candidates.append(max(first, minute_from(due + timedelta(hours=hours))))
            if not candidates:
                break
            m = min(candidates)
            if m > until:
                break
            newly = []
            for stage in deadlines.running_stages(c):
                due_f, flag, _states = deadlines.STAGES[stage]
                if getattr(c, due_f) < m and not getattr(c, flag):
                    setattr(c, flag, True)
                    newly.append(stage)
            level = _overdue_level(c, m, escalations)
            for stage in newly:
                self.event(c, m, "overdue", note=self.stage_notes[stage], data={"stage": stage})
            if level > c.supervision_level:
                c.supervision_level = level
                self.event(c, m, "supervise", note=self.level_notes[level], data={"level": level, "manual": False})
                self.raise_urgency(c)
            c.version += 1  # the pass claims the row
            c.swept = m + timedelta(minutes=1)
        c.swept = max(c.swept, minute_after(until))

    def raise_urgency(self, c: _Case) -> None:
        """Open tasks take the complaint's urgency (emergency + supervision level), as the services do."""
        urgency = (2 if c.emergency else 0) + c.supervision_level
        for k in c.tasks:
            if k.state in (TS.PENDING, TS.SIGNED):
                k.urgency = urgency

    # -- the workflow, in memory (mirrors wuye.cases.services) ------------------------------------

    def move(self, c: _Case, **fields) -> None:
        for k, v in fields.items():
            setattr(c, k, v)
        c.version += 1

    def do_accept(self, c: _Case, t: datetime) -> None:
        self.sweep_to(c, t)
        self.event(c, t, "accept", S.ACCEPTED, public=True, label=self.dispatcher_label(c))
        c.status, c.accepted_at, c.accept_overdue = S.ACCEPTED, t, t > c.accept_due
        self.desk_clock(c, t)
        c.version += 1

    def desk_clock(self, c: _Case, t: datetime) -> None:
        """Waiting in "accepted" for the desk: the dispatch clock, the category's accept limit from ``t``
        (the services' ``_desk_clock``; rules.md §7)."""
        c.dispatch_due, c.dispatch_overdue = self.due(t, c.cat.accept), False

    def do_refuse(self, c: _Case, t: datetime) -> None:
        self.sweep_to(c, t)
        self.event(c, t, "refuse", S.REFUSED, note=self.rng.choice(X.REFUSE_REASONS), public=True,
                   label=self.dispatcher_label(c))
        self.move(c, status=S.REFUSED, closed_at=t, accept_overdue=t > c.accept_due)

    def do_duplicate(self, c: _Case, t: datetime, original: tuple) -> None:
        self.sweep_to(c, t)
        pk, code, _created = original
        self.event(c, t, "duplicate", S.DUPLICATE, note=f"与诉求 {code} 重复，合并办理", public=True,
                   label=self.dispatcher_label(c), data={"duplicate_of": pk, "tracking_code": code})
        self.move(c, status=S.DUPLICATE, duplicate_of_id=pk, closed_at=t)

    def do_withdraw(self, c: _Case, t: datetime) -> None:
        self.sweep_to(c, t)
        self.event(c, t, "withdraw", S.WITHDRAWN, note=self.rng.choice(X.WITHDRAW_NOTES), public=True, label=REPORTER)
        self.move(c, status=S.WITHDRAWN, closed_at=t)
        self.close_tasks(c)

    def do_dispatch(self, c: _Case, t: datetime, unit: tuple, *, co_units=(), action: str = "dispatch",
                    note: str = "", **extra) -> None:
        self.sweep_to(c, t)
        cat = c.cat
        frm = c.status
        if c.accepted_at is None:
            extra.update(accepted_at=t, accept_overdue=t > c.accept_due)
        if c.status == S.ACCEPTED and c.dispatch_due:  # the desk's dispatch clock stops; its flag freezes
            extra.update(dispatch_overdue=c.dispatch_overdue or t > c.dispatch_due)
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
        self.sweep_to(c, t)
        overdue = t > c.sign_due
        self.event(c, t, "sign", S.SIGNED, task=c.lead, public=True, label=c.unit_name)
        c.status, c.signed_at, c.sign_overdue = S.SIGNED, t, overdue
        c.version += 1
        k = c.lead
        k.state, k.signed_at, k.signed_in_time = TS.SIGNED, t, not overdue
        k.version += 1

    def do_contact(self, c: _Case, t: datetime) -> None:
        self.sweep_to(c, t)
        overdue = t > c.contact_due
        note = self.rng.choice(X.CONTACT_NOTES)
        self.event(c, t, "contact", S.IN_PROGRESS, task=c.lead, public=True, label=c.unit_name, note=note)
        c.status, c.contacted_at, c.contact_overdue = S.IN_PROGRESS, t, overdue
        c.version += 1
        k = c.lead
        k.contacted_at, k.contacted_in_time = t, not overdue
        # the first contact as the unit records it: how (from the note), when, with whom, the result
        k.contact_method = "visit" if "上门" in note[:6] else "phone"
        k.contact_made_at, k.contact_person, k.contact_result = t, "诉求人", note
        k.version += 1

    def do_call(self, c: _Case, t: datetime, kinds: list[str]) -> None:
        self.sweep_to(c, t)
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
        self.sweep_to(c, t)
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
        self.sweep_to(c, t)
        note = X.RETURN_APPROVE if approve else self.rng.choice(X.RETURN_REJECT)
        req[4] = RS.APPROVED if approve else RS.REJECTED
        req[13], req[14] = t, note
        k = c.lead
        if approve:
            k.state = TS.RETURNED
            k.version += 1
            self.event(c, t, "decide_return", S.ACCEPTED, note=note, task=k, label=self.dispatcher_label(c),
                       data={"approve": True})
            self.move(c, status=S.ACCEPTED, return_count=c.return_count + 1)
            self.desk_clock(c, t)
        else:
            k.returned = False
            k.version += 1
            self.event(c, t, "decide_return", req[9], note=note, task=k, label=self.dispatcher_label(c),
                       data={"approve": False})
            self.move(c, status=req[9], return_final=True)

    def do_extension(self, c: _Case, t: datetime, decide_at: datetime | None, approve: bool) -> None:
        self.sweep_to(c, t)
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
        self.sweep_to(c, decide_at)
        req[4] = RS.APPROVED if approve else RS.REJECTED
        req[13] = decide_at
        data: dict = {"approve": approve}
        if approve:
            new_due = self.due(c.resolve_due, (amount, "working_days"))
            c.resolve_due = new_due
            if new_due > decide_at:
                c.resolve_overdue = False
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
        self.sweep_to(c, t)
        if level <= c.supervision_level:
            return
        c.manual = max(c.manual, level)
        self.move(c, supervision_level=level)
        self.raise_urgency(c)
        label = self.unit(U.STREET, c.street_id)[2] if level == 1 else self.dispatcher_label(c)
        self.event(c, t, "supervise", note=X.SUPERVISE_NOTE, label=label, data={"level": level, "manual": True})

    def do_reply(self, c: _Case, t: datetime, text: str) -> None:
        self.sweep_to(c, t)
        overdue = t > c.resolve_due
        self.event(c, t, "reply", S.REPLY_REVIEW, note=text, task=c.lead, label=c.unit_name)
        c.status, c.replied_at, c.reply, c.resolve_overdue = S.REPLY_REVIEW, t, text, overdue
        c.version += 1
        k = c.lead
        k.state, k.replied_at, k.reply, k.done_in_time = TS.REPLIED, t, text, not overdue
        k.version += 1

    def do_approve(self, c: _Case, t: datetime) -> None:
        self.sweep_to(c, t)
        self.event(c, t, "approve_reply", S.REPLIED, note=c.reply, public=True, label=self.dispatcher_label(c))
        c.status, c.published_at, c.public_reply = S.REPLIED, t, c.reply
        c.version += 1

    def do_reject_reply(self, c: _Case, t: datetime) -> None:
        self.sweep_to(c, t)
        self.event(c, t, "reject_reply", S.IN_PROGRESS, note=self.rng.choice(X.REJECT_REPLY_REASONS), task=c.lead,
                   label=self.dispatcher_label(c))
        self.move(c, status=S.IN_PROGRESS, replied_at=None, resolve_overdue=t > c.resolve_due)
        k = c.lead
        k.state, k.replied_at, k.done_in_time = TS.SIGNED, None, None
        k.version += 1

    def do_callback(self, c: _Case, t: datetime, resolved: bool, satisfaction: str) -> None:
        self.sweep_to(c, t)
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
        self.sweep_to(c, t)
        self.event(c, t, "close", S.CLOSED, note=note, public=True, label=self.dispatcher_label(c),
                   data={"unreasonable": unreasonable})
        self.move(c, status=S.CLOSED, closed_at=t, unreasonable=unreasonable or c.unreasonable)
        self.close_tasks(c)
        if unreasonable:
            for k in c.tasks:
                k.excluded = True

    def do_reopen(self, c: _Case, t: datetime) -> None:
        self.sweep_to(c, t)
        old = c.lead
        old.state, old.reopened = TS.CLOSED, True
        old.version += 1
        unit = (c.unit_kind, c.unit_id, c.unit_name)
        self.do_dispatch(c, t, unit, action="reopen", note=X.REOPEN_NOTE, reopen_count=c.reopen_count + 1,
                         callback_resolved=None, satisfaction="", callback_comment="", callback_at=None,
                         published_at=None)
