"""The table of the rectification-order workflow, on the one workflow core (``core/workflow``).

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

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine, T
from wuye.supervision.selectors import is_active, is_company_member_for, is_official_for

from .models import OrderEvent, RectificationOrder

O = RectificationOrder.Status  # noqa: E741

ORDER = Machine(
    name="rectification_order",
    model=RectificationOrder,
    transitions={
        "submit": T(_("提交整改"), {O.OPEN}, O.SUBMITTED, {"company"}),
        "close": T(_("复查销号"), {O.SUBMITTED}, O.CLOSED, {"reinspector"}),
        "reopen": T(_("复查未通过"), {O.SUBMITTED}, O.OPEN, {"reinspector"}, needs_note=True),
        "cancel": T(_("撤销整改通知"), {O.OPEN, O.SUBMITTED}, O.CANCELLED, {"official"}, needs_note=True),
    },
    states=O.values,
    initial={O.OPEN},
    terminal={O.CLOSED, O.CANCELLED},
    noun=_("该整改通知"),
    event_model=OrderEvent,
    event_fk="order",
)
ORDER_TRANSITIONS = ORDER.transitions
OPEN_ORDER_STATUSES = (O.OPEN, O.SUBMITTED)


def order_actor_kinds(user, order: RectificationOrder, *, inspector_ids: set[int] | None = None) -> set[str]:
    """The actor kinds ``user`` counts as for ``order``. ``inspector_ids``: the user ids of the
    order's inspection's inspectors (read once by the caller)."""
    kinds: set[str] = set()
    if not is_active(user):
        return kinds
    if is_company_member_for(user, order.company_id):
        kinds.add("company")
    if is_official_for(user, order.district_id):
        kinds |= {"official", "reinspector"}
    if inspector_ids and user.pk in inspector_ids:
        kinds.add("reinspector")
    return kinds


def order_actions(user, order: RectificationOrder, *, inspector_ids: set[int] | None = None) -> list[str]:
    return ORDER.allowed(order, order_actor_kinds(user, order, inspector_ids=inspector_ids))
