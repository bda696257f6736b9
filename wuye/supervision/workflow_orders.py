"""The tables of the inspection and rectification workflows (DESIGN.md: workflows are explicit tables).

Rectification order (rules.md §10): the company answers an open order with evidence; a
re-inspection (回头看) by one of the inspection's inspectors or a district/city official either
closes it (销号) or sends it back (reason required); an official may cancel an order issued in error.

Actors:
- ``company``: a manager or staff member of the company the order is issued to;
- ``reinspector``: an inspector of the order's inspection, or an official of the order's district
  (district authority) or the city bureau;
- ``official``: the district authority of the order's district or the city bureau.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from wuye.accounts.models import Role

from .models import Inspection, InspectionPlan, RectificationOrder

O = RectificationOrder.Status  # noqa: E741
I = Inspection.Status  # noqa: E741
P = InspectionPlan.Status


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset[str]
    target: str
    actors: frozenset[str]
    needs_note: bool = False


def T(label, sources, target, actors, needs_note=False) -> Transition:
    return Transition(label, frozenset(sources), target, frozenset(actors), needs_note)


ORDER_TRANSITIONS: dict[str, Transition] = {
    "submit": T(_("提交整改"), {O.OPEN}, O.SUBMITTED, {"company"}),
    "close": T(_("复查销号"), {O.SUBMITTED}, O.CLOSED, {"reinspector"}),
    "reopen": T(_("复查未通过"), {O.SUBMITTED}, O.OPEN, {"reinspector"}, needs_note=True),
    "cancel": T(_("撤销整改通知"), {O.OPEN, O.SUBMITTED}, O.CANCELLED, {"official"}, needs_note=True),
}

# Inspection: recorded by its inspectors, then rectified, then concluded when every order is closed.
INSPECTION_TRANSITIONS: dict[str, Transition] = {
    "submit_clean": T(_("提交检查结果"), {I.ASSIGNED}, I.CONCLUDED, {"inspector"}),
    "submit_defects": T(_("提交检查结果"), {I.ASSIGNED}, I.RECTIFYING, {"inspector"}),
    "conclude": T(_("整改全部销号"), {I.RECTIFYING}, I.CONCLUDED, {"system"}),
    "cancel": T(_("取消检查"), {I.ASSIGNED}, I.CANCELLED, {"official"}, needs_note=True),
}

PLAN_TRANSITIONS: dict[str, Transition] = {
    "draw": T(_("随机抽取"), {P.DRAFT}, P.DRAWN, {"official"}),
    "start": T(_("开始检查"), {P.DRAWN}, P.IN_PROGRESS, {"system"}),
    "finish": T(_("检查完成"), {P.DRAWN, P.IN_PROGRESS}, P.DONE, {"system"}),
    "cancel": T(_("取消计划"), {P.DRAFT}, P.CANCELLED, {"official"}, needs_note=True),
}

OPEN_ORDER_STATUSES = (O.OPEN, O.SUBMITTED)
OFFICIAL_ROLES = {Role.CITY, Role.DISTRICT}
COMPANY_ROLES = {Role.COMPANY_MANAGER, Role.COMPANY_STAFF}


def is_official_for(user, district_id) -> bool:
    """The city bureau everywhere; a district authority in its own district."""
    role = getattr(user, "role", None)
    if not getattr(user, "is_authenticated", False):
        return False
    if role == Role.CITY:
        return True
    return role == Role.DISTRICT and district_id is not None and user.district_id == district_id


def order_actor_kinds(user, order: RectificationOrder, *, inspector_ids: set[int] | None = None) -> set[str]:
    """The actor kinds ``user`` counts as for ``order``. ``inspector_ids``: the user ids of the
    order's inspection's inspectors (read once by the caller)."""
    kinds: set[str] = set()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return kinds
    if user.role in COMPANY_ROLES and user.company_id == order.company_id:
        kinds.add("company")
    if is_official_for(user, order.district_id):
        kinds |= {"official", "reinspector"}
    if inspector_ids and user.pk in inspector_ids:
        kinds.add("reinspector")
    return kinds


def order_permits(action: str, order: RectificationOrder, kinds: set[str]) -> bool:
    t = ORDER_TRANSITIONS.get(action)
    return bool(t and order.status in t.sources and kinds & t.actors)


def order_actions(user, order: RectificationOrder, *, inspector_ids: set[int] | None = None) -> list[str]:
    kinds = order_actor_kinds(user, order, inspector_ids=inspector_ids)
    return [a for a in ORDER_TRANSITIONS if order_permits(a, order, kinds)]
