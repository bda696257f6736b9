"""The two small state machines of parking (rules.md §5; DESIGN.md: workflows are explicit tables
on ``core/workflow``).

An owner's request to rent a space (the waiting list, first come first served):

    waiting ──offer (the estate's company lets a space)──▶ offered
    waiting ──withdraw (the owner)──▶ withdrawn

A 只售不租 violation (idle developer-held spaces not offered for rent), opened by the daily sweep:

    open ──resolve (the sweep, once no such space is left)──▶ resolved

Actors (``selectors.request_actor_kinds``): ``company`` — a manager or staff member of the company
serving the request's estate; ``owner`` — the resident who owns the request. Neither table keeps
a version column: the conditional UPDATE is on the state alone (one row must change).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import SYSTEM, Machine, T
from wuye.disclosure.models import ParkingViolation, RentRequest

R = RentRequest.Status
V = ParkingViolation.Status

REQUEST_TRANSITIONS = {
    "offer": T(_("安排车位"), {R.WAITING}, R.OFFERED, {"company"}),
    "withdraw": T(_("撤回申请"), {R.WAITING}, R.WITHDRAWN, {"owner"}),
}

RENT_REQUEST = Machine(
    name="rent_request", model=RentRequest, transitions=REQUEST_TRANSITIONS, states=R.values, initial={R.WAITING},
    terminal={R.OFFERED, R.WITHDRAWN}, noun=_("该租车位申请"), version_field=None,
)

VIOLATION_TRANSITIONS = {
    "resolve": T(_("整改完毕"), {V.OPEN}, V.RESOLVED, {SYSTEM}),
}

PARKING_VIOLATION = Machine(
    name="parking_violation", model=ParkingViolation, transitions=VIOLATION_TRANSITIONS, states=V.values,
    initial={V.OPEN}, terminal={V.RESOLVED}, noun=_("该车位只售不租记录"), version_field=None,
)
