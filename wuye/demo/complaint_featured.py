"""The featured estate's scripted complaints: every state, so that each demo login finds work in its
queue (part of ``complaints.ComplaintBuilder``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from wuye.accounts.models import User

from .complaint_rows import (
    STOP_BEFORE,
    Plan,
    S,
    U,
    _Case,
)

if TYPE_CHECKING:  # only for annotations: complaints imports this module
    from .complaints import EstateRow


class FeaturedMixin:
    """Scripted complaints of 幸福里小区 in every state."""

    def scripted(self, e: EstateRow, code: str, stop: str, hours_ago: float, *, reporter: User | None = None,
                 source: str | None = None, **plan) -> _Case | None:
        cat = self.cats.get(code)
        if cat is None:
            return None
        created = self.now - timedelta(seconds=int(hours_ago * 3600))
        p = Plan(forced=True, stop=STOP_BEFORE.get(stop), **plan)
        c = self.new_case(e, cat, created, p, reporter=reporter, source=source or ("resident" if reporter else None))
        self.simulate(c)
        self.finish(c)
        return c

    def build_featured(self) -> int:
        e = self.featured
        resident = self.logins.get("resident")
        if resident is not None and not resident.full_name:
            resident = None
        n0 = sum(self.counts.values())
        sc = self.scripted
        # Waiting for the dispatchers (district, city): to accept, to dispatch.
        sc(e, "cleaning_greening", S.SUBMITTED, 0.6)
        sc(e, "repairs", S.SUBMITTED, 1.2, reporter=resident)
        sc(e, "parking_fees", S.SUBMITTED, 5)  # past the 2-hour accept limit: overdue, 督办
        sc(e, "service_attitude", S.ACCEPTED, 3)
        # The company's queue: to sign, to contact, to handle, and its replies under review.
        sc(e, "cleaning_greening", S.DISPATCHED, 1.5)
        sc(e, "elevator", S.DISPATCHED, 0.7)
        sc(e, "repairs", S.DISPATCHED, 9)  # sign limit 4 h: overdue
        sc(e, "property_fees", S.SIGNED, 5)
        sc(e, "cleaning_greening", S.SIGNED, 40)  # contact limit 24 h: overdue
        sc(e, "repairs", S.IN_PROGRESS, 30, reporter=resident)
        sc(e, "cleaning_greening", S.IN_PROGRESS, 20, supervise=1)
        sc(e, "repairs", S.IN_PROGRESS, 24 * 12)  # resolve limit 5 working days: long overdue
        sc(e, "utility_sharing", S.IN_PROGRESS, 48, ext="pending")
        sc(e, "common_income", S.IN_PROGRESS, 72, ext="approve")
        sc(e, "parking_fees", S.RETURN_REVIEW, 20, ret="pending")
        sc(e, "repairs", S.IN_PROGRESS, 24 * 4, ret="reject")
        sc(e, "cleaning_greening", S.REPLY_REVIEW, 26)
        sc(e, "elevator", S.REPLY_REVIEW, 12)
        sc(e, "repairs", S.REPLIED, 60, reporter=resident)  # the resident can rate it
        sc(e, "service_attitude", S.REPLIED, 50)
        sc(e, "property_fees", S.EVALUATED, 24 * 5, resolved=False, satisfaction="dissatisfied")
        sc(e, "cleaning_greening", S.CLOSED, 24 * 8, reporter=resident)
        sc(e, "repairs", S.CLOSED, 24 * 9, resolved=True, satisfaction="basically_satisfied")
        original = sc(e, "elevator", S.CLOSED, 24 * 3)
        if original is not None:
            sc(e, "elevator", S.DUPLICATE, 24 * 3 - 2, duplicate_of=(original.id, original.tracking_code, original.created_at))
        sc(e, "other", S.REFUSED, 24 * 2)
        sc(e, "noise", S.WITHDRAWN, 24, withdraw="dispatched", reporter=resident)
        # The market regulator as co-unit on a fee complaint (dept_market): to sign, and signed.
        market = self.dept(e.district_id, "market")
        if market:
            sc(e, "property_fees", S.IN_PROGRESS, 6, source="12358", co_units=[market], side_progress=0)
            sc(e, "parking_fees", S.IN_PROGRESS, 30, source="12358", co_units=[market], side_progress=1)
            sc(e, "property_fees", S.REPLY_REVIEW, 24 * 4, source="12358", co_units=[market])
        # The community's own: noise and owners' committee matters.
        sc(e, "noise", S.DISPATCHED, 2)
        sc(e, "noise", S.IN_PROGRESS, 30)
        sc(e, "owners_committee", S.REPLY_REVIEW, 24 * 6)
        sc(e, "noise", S.CLOSED, 24 * 10)
        # The street's own: dispatched to the street by the district.
        street = self.unit(U.STREET, e.street_id)
        sc(e, "owners_committee", S.DISPATCHED, 3, unit=street)
        sc(e, "other", S.IN_PROGRESS, 26, unit=street)
        sc(e, "owners_committee", S.REPLIED, 24 * 7, unit=street)
        # Departments: fire safety with joint enforcement called by the street, illegal construction.
        sc(e, "fire_safety", S.IN_PROGRESS, 10, joint=["urban", "police"], side_progress=1)
        sc(e, "illegal_construction", S.IN_PROGRESS, 48, joint=["planning", "housing"], side_progress=0)
        sc(e, "parking_sale_only", S.DISPATCHED, 4)
        sc(e, "gang_clues", S.SIGNED, 6)
        # Any other dept_* login: a joint task for its department.
        covered = {"market", "fire", "urban", "police", "planning", "housing"}
        for user in self.dept_logins:
            kind = user.department.kind
            if kind not in covered:
                sc(e, "fire_safety", S.IN_PROGRESS, 8, joint=[kind], side_progress=0)
                covered.add(kind)
        # The resident: more of their own, over the year.
        if resident is not None:
            for days_ago, code in ((200, "parking_fees"), (120, "cleaning_greening"), (45, "elevator")):
                sc(e, code, S.CLOSED, 24 * days_ago, reporter=resident)
        return sum(self.counts.values()) - n0
