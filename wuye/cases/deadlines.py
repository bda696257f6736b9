"""Stages, deadlines and the instant the supervision sweep next has to look at a complaint.

rules.md §7: accept → (dispatch) → sign → first contact → resolve. The resolve clock starts at
dispatch and keeps running while a return is reviewed (unless the return is approved, which sends
the complaint back to the desk and starts new clocks). Every waiting state has a clock: a complaint
waiting in "accepted" for the desk runs the dispatch stage (the category's accept limit, counted
again from the acceptance or the approved return). Overdue flags are set while a stage runs and
frozen when its milestone passes. A deadline is the last instant that is on time: ``now > due``
is late (day periods end at 23:59:59.999999, core.calendar).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from wuye.core.calendar import add_period

from .models import CaseSettings, Complaint, Status

S = Status

# stage → (deadline field, overdue flag, states in which the stage is running)
STAGES: dict[str, tuple[str, str, frozenset[str]]] = {
    "accept": ("accept_due", "accept_overdue", frozenset({S.SUBMITTED})),
    # Waiting at the desk after acceptance or an approved return: the desk's dispatch clock.
    "dispatch": ("dispatch_due", "dispatch_overdue", frozenset({S.ACCEPTED})),
    "sign": ("sign_due", "sign_overdue", frozenset({S.DISPATCHED})),
    "contact": ("contact_due", "contact_overdue", frozenset({S.DISPATCHED, S.SIGNED})),
    "resolve": ("resolve_due", "resolve_overdue", frozenset({S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.RETURN_REVIEW})),
}
STAGE_LABELS = {"accept": "受理", "sign": "签收", "contact": "首次联系", "resolve": "办结", "dispatch": "派单"}
# The stages the desk (district or city bureau) runs; the others are the handling unit's.
DESK_STAGES = frozenset({"accept", "dispatch"})


def due_after(start: datetime, category, stage: str) -> datetime:
    amount, unit = category.limit(stage)
    return add_period(start, amount, unit)


def running_stages(c: Complaint) -> list[str]:
    return [name for name, (due_f, _flag, states) in STAGES.items() if c.status in states and getattr(c, due_f, None)]


def overdue_since(c: Complaint, now: datetime) -> datetime | None:
    """The earliest deadline of a running stage that has passed, or None."""
    passed = [getattr(c, STAGES[s][0]) for s in running_stages(c) if getattr(c, STAGES[s][0]) < now]
    return min(passed) if passed else None


def next_check(c: Complaint, now: datetime, *, warn_before: timedelta, escalations: list[tuple[int, int]]) -> datetime | None:
    """When the sweep must next look at ``c``: a warning before a deadline, a deadline passing,
    or the next escalation threshold — the earliest such instant after ``now``, or None when no
    stage is running. ``escalations`` is [(level, overdue_hours)]."""
    candidates: list[datetime] = []
    for stage in running_stages(c):
        due_f, flag, _states = STAGES[stage]
        due = getattr(c, due_f)
        if due <= now and not getattr(c, flag):
            # A deadline passed while nobody was looking (the stage was paused by a return review
            # and runs again): the sweep must mark it at once.
            return now
        candidates += [due - warn_before, due]
        candidates += [due + timedelta(hours=h) for level, h in escalations if level > c.supervision_level]
    future = [t for t in candidates if t > now]
    return min(future) if future else None


def warn_window() -> timedelta:
    """How long before a deadline it turns orange and counts as 即将超时 (the case settings)."""
    return timedelta(hours=CaseSettings.current().warn_before_hours)
