"""The seven steps of a handover inspection, on the one workflow core (``core/workflow``).

物业承接查验办法 (建房〔2010〕165号), rules.md §6 and §13: 确定物业承接查验方案 → 移交有关图纸资料 →
查验共用部位、共用设施设备 → 解决查验发现的问题 → 确认现场查验结果 → 签订物业承接查验协议 →
办理物业交接手续; then the company files the handover with the district (备案, within 30 days).

Actors (decided in ``selectors.case_actor_kinds``):
- ``company``: a user of the property company taking over;
- ``official``: the city bureau, or the district authority of the estate.
Filing is the company's own duty (an official cannot file for it).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine, T

from .models import HandoverCase, HandoverEvent

S = HandoverCase.Status
PARTIES = {"company", "official"}

# The seven steps in order: (state, the action that completes it, the step's name in the procedure).
STEPS = (
    (S.PLAN, "plan_done", _("确定物业承接查验方案")),
    (S.DOCUMENTS, "documents_done", _("移交有关图纸资料")),
    (S.INSPECTION, "inspection_done", _("查验共用部位、共用设施设备")),
    (S.RECTIFICATION, "defects_resolved", _("解决查验发现的问题")),
    (S.CONFIRMATION, "confirm", _("确认现场查验结果")),
    (S.AGREEMENT, "sign", _("签订物业承接查验协议")),
    (S.HANDOVER, "hand_over", _("办理物业交接手续")),
)
STEP_STATES = [s for s, _a, _n in STEPS]
STEP_ACTIONS = [a for _s, a, _n in STEPS]

CASE = Machine(
    name="handover_case",
    model=HandoverCase,
    transitions={
        "plan_done": T(_("确定查验方案"), {S.PLAN}, S.DOCUMENTS, PARTIES),
        "documents_done": T(_("完成资料移交"), {S.DOCUMENTS}, S.INSPECTION, PARTIES),
        "inspection_done": T(_("完成现场查验"), {S.INSPECTION}, S.RECTIFICATION, PARTIES),
        "defects_resolved": T(_("查验问题已解决"), {S.RECTIFICATION}, S.CONFIRMATION, PARTIES),
        "confirm": T(_("确认查验结果"), {S.CONFIRMATION}, S.AGREEMENT, PARTIES),
        "sign": T(_("签订查验协议"), {S.AGREEMENT}, S.HANDOVER, PARTIES),
        "hand_over": T(_("办理物业交接"), {S.HANDOVER}, S.HANDED_OVER, PARTIES),
        "file": T(_("办理备案"), {S.HANDED_OVER}, S.FILED, {"company"}),
    },
    states=S.values,
    initial={S.PLAN},
    terminal={S.FILED},
    noun=_("该承接查验"),
    event_model=HandoverEvent,
    event_fk="case",
)


def step_rows(case: HandoverCase) -> list[dict]:
    """The seven steps with their state: ``done``, ``current`` or ``pending``."""
    order = STEP_STATES + [S.HANDED_OVER, S.FILED]
    at = order.index(case.status)
    return [{"code": str(state), "name": str(name),
             "state": "done" if i < at else ("current" if i == at else "pending")}
            for i, (state, _action, name) in enumerate(STEPS)]
