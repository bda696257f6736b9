"""The one table of the credit-event workflow (rules.md §9: review → public notice → objection →
confirmation; DESIGN.md: workflows are explicit tables on ``core/workflow``).

    draft ──review──▶ reviewed ──publish──▶ notice ──(sweep, notice over)──▶ confirmed
                                              │  ▲                                 │
                                         object  reject (notice not over)     repair (bad / veto)
                                              ▼  │                             lapse (ended early)
                                            objected ──reject (notice over)──▶ confirmed
                                              │
                                           uphold ──▶ withdrawn
    withdraw: any state before confirmation ──▶ withdrawn (with a reason)

A manual event starts as a draft; an automatic one (``auto.credit_event_auto``) starts in public
notice; the registry's basic item JC01 starts confirmed (a fact of the register: nobody objects).

Actors (``selectors.actor_kinds``):
- ``official``: the city bureau (any company) or a district authority (a company serving an estate
  in its district) — for ``review`` the rule's ``recorder`` must also allow the official's role,
  and the reviewer must not be the official who recorded the event;
- ``company``: a manager or staff member of the event's company (objects during the notice);
- ``system``: the platform — the credit sweep confirms when the notice ends without an objection,
  a verified rectification repairs or withdraws, the registry ends a basic item (``lapse``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.accounts.models import Role
from wuye.core.workflow import SYSTEM, Machine, T

from .models import CreditEvent, CreditEventLog, CreditRule
from .selectors import actor_kinds, recorder_allows

S = CreditEvent.Status

BEFORE_CONFIRMATION = {S.DRAFT, S.REVIEWED, S.NOTICE, S.OBJECTED}

TRANSITIONS = {
    "review": T(_("审核通过"), {S.DRAFT}, S.REVIEWED, {"official"}),
    "publish": T(_("开始公示"), {S.REVIEWED}, S.NOTICE, {"official"}),
    "object": T(_("提出异议"), {S.NOTICE}, S.OBJECTED, {"company"}, needs_note=True),
    "uphold": T(_("异议成立（撤销）"), {S.OBJECTED}, S.WITHDRAWN, {"official"}, needs_note=True),
    # The rest of the notice runs on when it is not over; otherwise the event is confirmed.
    "reject": T(_("异议不成立"), {S.OBJECTED}, None, {"official"}, needs_note=True, outcomes={S.NOTICE, S.CONFIRMED}),
    "confirm": T(_("公示期满确认"), {S.NOTICE}, S.CONFIRMED, {SYSTEM}),
    "withdraw": T(_("撤销"), BEFORE_CONFIRMATION, S.WITHDRAWN, {"official", SYSTEM}, needs_note=True),
    # Credit repair (rules.md §9): a verified rectification ends a bad item; the status stays.
    "repair": T(_("信用修复"), {S.CONFIRMED}, None, {"official", SYSTEM}, needs_note=True),
    # A confirmed item ended early (its source ceased: the company left the register, the
    # benchmark was revoked); ``valid_until`` becomes today, the status stays.
    "lapse": T(_("提前终止"), {S.CONFIRMED}, None, {"official", SYSTEM}),
}

MACHINE = Machine(
    name="credit_event", model=CreditEvent, transitions=TRANSITIONS, states=S.values,
    initial={S.DRAFT, S.NOTICE, S.CONFIRMED}, terminal={S.WITHDRAWN}, noun=_("该信用信息"),
    event_model=CreditEventLog, event_fk="event",
)

ACTION_NAMES = tuple(TRANSITIONS)
NOTE_NEEDED = frozenset(name for name, t in TRANSITIONS.items() if t.needs_note)
# The actions offered on the event page (``confirm`` and ``lapse`` belong to the platform).
PAGE_ACTIONS = ("review", "publish", "object", "uphold", "reject", "withdraw", "repair")
# Timeline rows that are not transitions: the event's creation.
CREATION_LABELS = {"record": _("录入"), "auto": _("平台自动生成")}


def condition_holds(action: str, event: CreditEvent, *, user=None, now=None) -> bool:
    """The conditions kept beside the table: who reviews, the notice's clock, what may be repaired."""
    role = getattr(user, "role", None)
    if action == "review":
        if event.recorded_by_id and user is not None and event.recorded_by_id == user.pk:
            return False
        return recorder_allows(event.rule, role)
    if action == "object":
        return now is None or event.notice_end is None or now <= event.notice_end
    if action == "confirm":
        return now is None or event.notice_end is None or now > event.notice_end
    if action == "repair":
        if event.repaired_at is not None:
            return False
        if event.klass == CreditRule.Klass.VETO:
            return role == Role.CITY
        return event.klass == CreditRule.Klass.BAD
    return True


def permits(action: str, event: CreditEvent, kinds: set[str], *, user=None, now=None) -> bool:
    """Does the table (and the conditions kept beside it) let these actors take the action now?"""
    return MACHINE.permits(action, event, kinds) and condition_holds(action, event, user=user, now=now)


def allowed_actions(user, event: CreditEvent, *, now=None, served_district_ids: set[int] | None = None) -> list[str]:
    kinds = actor_kinds(user, event, served_district_ids=served_district_ids)
    if not kinds:
        return []
    return [a for a in PAGE_ACTIONS if permits(a, event, kinds, user=user, now=now)]
