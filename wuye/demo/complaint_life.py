"""One demo complaint's life: when each step comes, the steps in order, and the state the per-minute
sweep leaves it in at the builder's ``now`` (part of ``complaints.ComplaintBuilder``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from wuye.cases import deadlines
from wuye.cases.models import Request

from . import complaint_texts as X
from .complaint_rows import (
    C_TIMES,
    DAY,
    HOUR,
    MIN,
    R_TIMES,
    SH,
    T_TIMES,
    UTC_OFFSET,
    S,
    _c_values,
    _Case,
    _Probe,
    _t_values,
)


class LifeMixin:
    """The course of one complaint through ``WorkflowMixin``'s steps, and its rows at the end."""

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
        """Play the complaint forward step by step until its next step would lie after ``now`` (or a
        scripted complaint reaches the step it stops before). Each cycle is one dispatch."""
        t = self.intake(c)
        first = True
        while t is not None:
            t = self.cycle(c, t, first)
            first = False

    def intake(self, c: _Case) -> datetime | None:
        """Filing to the first dispatch; the dispatch's time, or None when the complaint stops before."""
        p = c.plan
        na = self.next_at
        t = c.created_at
        if p.withdraw == "submitted":
            tw = na(c, t + self.secs(20 * MIN, 3 * HOUR))
            if tw is not None:
                self.do_withdraw(c, tw)
            return None
        late_accept = not p.forced and self.rng.random() < 0.06
        delay = c.accept_due - t + self.expo(2 * HOUR) if late_accept else self.expo(35 * MIN, lo=3 * MIN)
        t = na(c, t + delay, "intake")
        if t is None:
            return None
        if p.refuse:
            self.do_refuse(c, t)
            return None
        if p.duplicate_of:
            self.do_duplicate(c, t, p.duplicate_of)
            return None
        if p.accept_first:
            self.do_accept(c, t)
            t = na(c, t + self.expo(40 * MIN, lo=2 * MIN), "dispatch")
            if t is None:
                return None
        self.do_dispatch(c, t, p.unit or self.route_of(c), co_units=p.co_units)
        return t

    def cycle(self, c: _Case, t: datetime, first: bool) -> datetime | None:
        """One dispatch's handling; the time of the next dispatch (an approved return, a reopen), or None."""
        p = c.plan
        na = self.next_at
        if first and p.withdraw == "dispatched":
            tw = na(c, t + self.secs(30 * MIN, 6 * HOUR))
            if tw is not None:
                self.do_withdraw(c, tw)
            return None
        t = na(c, self.sign_time(c, t, first and p.late_sign), "sign")
        if t is None:
            return None
        self.do_sign(c, t)
        # -- joint enforcement: the street calls departments in
        if first and p.joint:
            tc = na(c, t + self.expo(4 * HOUR, lo=20 * MIN))
            if tc is not None:
                self.do_call(c, tc, p.joint)
        # -- first contact
        t = na(c, self.contact_time(c, t, first and p.late_contact), "contact")
        if t is None:
            return None
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
            return None
        if first and p.ret:
            done, t, not_before = self.return_request(c, t, not_before)
            if done:
                return t
        if first and p.ext:
            not_before = self.extension(c, t, not_before)
            if not_before is None:
                return None
        return self.answer(c, t, first, not_before)

    def return_request(self, c: _Case, t: datetime, not_before: datetime) -> tuple[bool, datetime | None, datetime]:
        """A return request and the dispatcher's decision: (this cycle is over, the time of the next
        dispatch or of the rejection, the earliest the unit's reply may come)."""
        p = c.plan
        na = self.next_at
        tr = na(c, t + self.expo(10 * HOUR, lo=30 * MIN), "request_return")
        if tr is None:
            return True, None, not_before
        req = self.do_request_return(c, tr)
        if p.ret == "pending":
            return True, None, not_before
        td = na(c, tr + self.expo(14 * HOUR, lo=HOUR), "decide_return")
        if td is None:
            return True, None, not_before
        if p.ret == "approve":
            self.do_decide_return(c, td, req, True)
            t = na(c, td + self.expo(HOUR, lo=5 * MIN), "dispatch")
            if t is not None:
                self.do_dispatch(c, t, self.fallback_unit(c))
            return True, t, not_before
        self.do_decide_return(c, td, req, False)
        return False, td, td

    def extension(self, c: _Case, t: datetime, not_before: datetime) -> datetime | None:
        """An extension request and its decision; the earliest the reply may come, or None to stop."""
        p = c.plan
        window = (c.resolve_due - t).total_seconds()
        if window <= 2 * HOUR:
            return not_before
        tx = self.next_at(c, t + timedelta(seconds=int(window * self.rng.uniform(0.3, 0.8))))
        if tx is None:
            return not_before
        td = None
        if p.ext != "pending":
            td = self.next_at(c, tx + self.expo(8 * HOUR, lo=HOUR))
        self.do_extension(c, tx, td, p.ext == "approve")
        return td

    def answer(self, c: _Case, t: datetime, first: bool, not_before: datetime) -> datetime | None:
        """The lead unit's reply (after every department called in has replied), its review, the
        callback and the closing; the time of a reopen's dispatch, or None."""
        p = c.plan
        na = self.next_at
        if c.side_done is None:
            return None
        tr = max(self.reply_time(c, t, first and p.late_reply), not_before, c.side_done) + timedelta(minutes=5)
        t = na(c, tr, "reply")
        if t is None:
            return None
        text = self.texts.reply(c.cat.code, c.building)
        self.do_reply(c, t, text)
        t = na(c, t + self.expo(8 * HOUR, lo=10 * MIN), "review")
        if t is None:
            return None
        if first and p.reject_reply:
            self.do_reject_reply(c, t)
            t = na(c, t + self.expo(DAY, lo=2 * HOUR), "reply")
            if t is None:
                return None
            self.do_reply(c, t, text + "已补充整改前后照片。")
            t = na(c, t + self.expo(8 * HOUR, lo=10 * MIN), "review")
            if t is None:
                return None
        self.do_approve(c, t)
        return self.callback(c, t, first)

    def callback(self, c: _Case, t: datetime, first: bool) -> datetime | None:
        """The resident's callback, or closing when they cannot be reached; after an unsatisfied one,
        a reopen (its dispatch's time) or closing after review (None)."""
        p = c.plan
        na = self.next_at
        if first and p.no_callback:
            t = na(c, t + self.secs(3 * DAY, 7 * DAY), "callback")
            if t is not None:
                self.do_close(c, t, X.CLOSE_NO_CALLBACK)
            return None
        t = na(c, t + self.expo(1.5 * DAY, lo=2 * HOUR), "callback")
        if t is None:
            return None
        if first:
            self.do_callback(c, t, p.resolved, p.satisfaction)
        else:
            self.do_callback(c, t, True, "satisfied" if self.rng.random() < 0.8 else "basically_satisfied")
        if c.status == S.CLOSED:
            return None
        t = na(c, t + self.expo(DAY, lo=2 * HOUR), "review_callback")
        if t is None:
            return None
        if first and p.reopen:
            self.do_reopen(c, t)
            return t
        self.do_close(c, t, X.CLOSE_UNREASONABLE if p.unreasonable else X.CLOSE_EVALUATED, p.unreasonable)
        return None

    def route_of(self, c: _Case) -> tuple:
        return (c.routed_unit_kind, c.routed_unit_id, c.routed_name)

    # -- state at "now" and the rows -------------------------------------------------------------

    def finish(self, c: _Case) -> None:
        """The complaint as the per-minute sweep leaves it at ``now`` (``sweep_to``; ``next_check_at`` from
        ``deadlines.next_check``), then its rows."""
        self.sweep_to(c, self.now)
        c.next_check_at = None
        if deadlines.running_stages(c):
            nxt = deadlines.next_check(_Probe(c), self.now_aware, warn_before=self.warn_before,
                                       escalations=self.escalations)
            c.next_check_at = nxt.astimezone(SH).replace(tzinfo=None) if nxt else None
        fmt = self.fmt
        for k in c.tasks:
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
