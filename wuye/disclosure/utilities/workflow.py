"""The one table of a shared-utility allocation (水电公摊, rules.md §3; DESIGN.md: workflows are
explicit tables on ``core/workflow``).

    draft ──publish──▶ published ──withdraw (with a reason)──▶ withdrawn

The estate's property company (actor ``company``, ``selectors.actor_kinds``) drafts, computes,
publishes for the public period (公示期) and withdraws (e.g. a meter was misread). Readings and the
computation change a draft only (``services``, conditional UPDATEs on the version). The flow of
one allocation is kept in its audit rows (no timeline model of its own).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine, T
from wuye.disclosure.models import UtilityAllocation, UtilityStatus

S = UtilityStatus

TRANSITIONS = {
    "publish": T(_("公示"), {S.DRAFT}, S.PUBLISHED, {"company"}),
    "withdraw": T(_("撤回公示"), {S.PUBLISHED}, S.WITHDRAWN, {"company"}, needs_note=True),
}

MACHINE = Machine(
    name="utility_allocation", model=UtilityAllocation, transitions=TRANSITIONS, states=S.values,
    initial={S.DRAFT}, terminal={S.WITHDRAWN}, noun=_("该水电公摊"),
)
