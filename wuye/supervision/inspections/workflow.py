"""The tables of the inspection and inspection-plan workflows, on the one workflow core.

Inspection (rules.md §10): recorded by its inspectors; submitting it leads to ``rectifying`` when
defects were ticked (each becomes a rectification order) and straight to ``concluded`` when none
were; ``submitted`` is a clean result not yet concluded (rows of earlier releases and of the demo
city), concluded like a rectifying one. An official may cancel an inspection not yet recorded.

Plan: drawn once by the official who made it (双随机), then in progress and done as its
inspections are submitted (the platform's own bookkeeping); only a plan not yet drawn is cancelled.

Actors: ``inspector`` (an inspector of this inspection), ``official`` (the city bureau, or the
district authority of the inspection's or plan's district), ``system`` (the platform itself).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import SYSTEM, Machine, T

from .models import Inspection, InspectionPlan

I = Inspection.Status  # noqa: E741
P = InspectionPlan.Status

INSPECTION = Machine(
    name="inspection",
    model=Inspection,
    transitions={
        "submit": T(_("提交检查结果"), {I.ASSIGNED}, None, {"inspector"},
                    outcomes={I.SUBMITTED, I.RECTIFYING, I.CONCLUDED}),
        "conclude": T(_("整改全部销号，检查办结"), {I.SUBMITTED, I.RECTIFYING}, I.CONCLUDED, {SYSTEM}),
        "cancel": T(_("取消检查"), {I.ASSIGNED}, I.CANCELLED, {"official"}, needs_note=True),
    },
    states=I.values,
    initial={I.ASSIGNED},
    terminal={I.CONCLUDED, I.CANCELLED},
    noun=_("该检查"),
)

PLAN = Machine(
    name="inspection_plan",
    model=InspectionPlan,
    transitions={
        "draw": T(_("随机抽取"), {P.DRAFT}, P.DRAWN, {"official"}),
        "start": T(_("开始检查"), {P.DRAWN}, P.IN_PROGRESS, {SYSTEM}),
        "finish": T(_("检查完成"), {P.DRAWN, P.IN_PROGRESS}, P.DONE, {SYSTEM}),
        "cancel": T(_("取消计划"), {P.DRAFT}, P.CANCELLED, {"official"}, needs_note=True),
    },
    states=P.values,
    initial={P.DRAFT},
    terminal={P.DONE, P.CANCELLED},
    noun=_("该检查计划"),
    version_field=None,
)

# An inspection whose score may be used (star evaluation, panels, dashboards).
SCORED_STATUSES = (I.SUBMITTED, I.RECTIFYING, I.CONCLUDED)
