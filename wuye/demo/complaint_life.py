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
        p = c.plan
        rng = self.rng
        na = self.next_at
        t = c.created_at
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
