"""The one table of the common-income report (共有部分经营收益公示, rules.md §2; DESIGN.md: workflows
are explicit tables on ``core/workflow``).

    draft ──submit──▶ submitted ──confirm──▶ published
      ▲  ▲               │
      │  └──return───────┘ (with a reason) → returned ──submit──▶ submitted
    withdraw (with a reason) from draft, returned or submitted ──▶ withdrawn

Actors (``selectors.actor_kinds``): ``company`` — a manager or staff member of the report's
company; ``confirmer`` — the estate's owners' committee, or its street office where the estate has
no current committee (rules.md §2: the committee confirms; the street office stands in).

Confirming publishes the report for the public period and splits the net over every unit by
exclusive area (``services.income_report_confirm``). Other timeline rows (``create``, ``edit``,
``objection``) change no status; their labels are in ``EVENT_LABELS``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine, T
from wuye.disclosure.models import DisclosureStatus, IncomeEvent, IncomeReport

S = DisclosureStatus

#: Content (lines, costs, use) may be edited only in these states.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})

TRANSITIONS = {
    "submit": T(_("提交确认"), {S.DRAFT, S.RETURNED}, S.SUBMITTED, {"company"}),
    "confirm": T(_("确认并公示"), {S.SUBMITTED}, S.PUBLISHED, {"confirmer"}),
    "return": T(_("退回修改"), {S.SUBMITTED}, S.RETURNED, {"confirmer"}, needs_note=True),
    "withdraw": T(_("撤回作废"), {S.DRAFT, S.RETURNED, S.SUBMITTED}, S.WITHDRAWN, {"company"}, needs_note=True),
}

MACHINE = Machine(
    name="income_report", model=IncomeReport, transitions=TRANSITIONS, states=S.values, initial={S.DRAFT},
    terminal={S.PUBLISHED, S.WITHDRAWN}, noun=_("该公共收益报告"), event_model=IncomeEvent, event_fk="report",
)

#: Labels of every timeline entry: the transitions and the rows that change no status.
EVENT_LABELS = {
    "create": _("编制草稿"),
    "edit": _("修改内容"),
    "objection": _("业主提出异议"),
    **{k: t.label for k, t in TRANSITIONS.items()},
}
