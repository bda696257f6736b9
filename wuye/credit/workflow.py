"""The one table of the credit-event workflow (rules.md §9: review → public notice → objection →
confirmation; DESIGN.md: workflows are explicit tables).

    draft ──review──▶ reviewed ──publish──▶ notice ──(sweep, notice over)──▶ confirmed
                                              │  ▲                                 │
                                         object  reject (notice not over)     repair (bad / veto)
                                              ▼  │
                                            objected ──reject (notice over)──▶ confirmed
                                              │
                                           uphold ──▶ withdrawn
    withdraw: any state before confirmation ──▶ withdrawn (with a reason)

Actors:
- ``official``: the city bureau (any company) or a district authority (a company serving an estate
  in its district) — for ``review`` the rule's ``recorder`` must also allow the official's role,
  and the reviewer must not be the official who recorded the event;
- ``company``: a manager or staff member of the event's company (objects during the notice);
- ``system``: the credit sweep (confirms when the notice ends without an objection).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from wuye.accounts.models import Role

from .models import CreditEvent, CreditRule

S = CreditEvent.Status


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset[str]
    target: str | None  # None: depends on the input or the clock (reject), or no change (repair)
    actors: frozenset[str]
    needs_note: bool = False


def T(label, sources, target, actors, needs_note=False) -> Transition:
    return Transition(label, frozenset(sources), target, frozenset(actors), needs_note)


BEFORE_CONFIRMATION = {S.DRAFT, S.REVIEWED, S.NOTICE, S.OBJECTED}

TRANSITIONS: dict[str, Transition] = {
    "review": T(_("审核通过"), {S.DRAFT}, S.REVIEWED, {"official"}),
    "publish": T(_("开始公示"), {S.REVIEWED}, S.NOTICE, {"official"}),
    "object": T(_("提出异议"), {S.NOTICE}, S.OBJECTED, {"company"}, needs_note=True),
    "uphold": T(_("异议成立（撤销）"), {S.OBJECTED}, S.WITHDRAWN, {"official"}, needs_note=True),
    "reject": T(_("异议不成立"), {S.OBJECTED}, None, {"official"}, needs_note=True),
    "confirm": T(_("公示期满确认"), {S.NOTICE}, S.CONFIRMED, {"system"}),
    "withdraw": T(_("撤销"), BEFORE_CONFIRMATION, S.WITHDRAWN, {"official"}, needs_note=True),
    "repair": T(_("信用修复"), {S.CONFIRMED}, None, {"official"}, needs_note=True),
}
ACTION_NAMES = tuple(TRANSITIONS)
NOTE_NEEDED = frozenset(name for name, t in TRANSITIONS.items() if t.needs_note)
# The actions offered on the event page (``confirm`` belongs to the sweep).
PAGE_ACTIONS = ("review", "publish", "object", "uphold", "reject", "withdraw", "repair")

OFFICIAL_ROLES = {Role.CITY, Role.DISTRICT}
COMPANY_ROLES = {Role.COMPANY_MANAGER, Role.COMPANY_STAFF}


def recorder_allows(rule: CreditRule, role: str | None) -> bool:
    """May an official of ``role`` record (or review) events of this rule?"""
    r = rule.recorder
    if r == CreditRule.Recorder.CITY:
        return role == Role.CITY
    if r == CreditRule.Recorder.DISTRICT:
        return role == Role.DISTRICT
    if r == CreditRule.Recorder.CITY_OR_DISTRICT:
        return role in OFFICIAL_ROLES
    # Automatic rules: the city bureau may still record by hand what the platform missed.
    return role == Role.CITY


def is_official_for(user, company_id: int, served_district_ids: set[int] | None = None) -> bool:
    """City: any company; district: a company serving an estate in its district."""
    role = getattr(user, "role", None)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if role == Role.CITY:
        return True
    if role == Role.DISTRICT and user.district_id:
        if served_district_ids is None:
            from wuye.registry.models import Estate

            return Estate.objects.filter(company_id=company_id, district_id=user.district_id).exists()
        return user.district_id in served_district_ids
    return False


def actor_kinds(user, event: CreditEvent, *, served_district_ids: set[int] | None = None) -> set[str]:
    kinds: set[str] = set()
    if user is None or not getattr(user, "is_authenticated", False):
        return kinds
    if is_official_for(user, event.company_id, served_district_ids):
        kinds.add("official")
    if getattr(user, "role", None) in COMPANY_ROLES and user.company_id == event.company_id:
        kinds.add("company")
    return kinds


def permits(action: str, event: CreditEvent, kinds: set[str], *, user=None, now=None) -> bool:
    """Does the table (and the conditions kept beside it) let these actors take the action now?"""
    t = TRANSITIONS[action]
    if not (t.actors & kinds):
        return False
    if event.status not in t.sources:
        return False
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


def allowed_actions(user, event: CreditEvent, *, now=None, served_district_ids: set[int] | None = None) -> list[str]:
    kinds = actor_kinds(user, event, served_district_ids=served_district_ids)
    if not kinds:
        return []
    return [a for a in PAGE_ACTIONS if permits(a, event, kinds, user=user, now=now)]
