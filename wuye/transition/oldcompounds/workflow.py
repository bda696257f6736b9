"""The table of a renovation project, on the one workflow core (``core/workflow``).

A district or street office registers the project (``planned``), records its start and finish;
the district accepts it (验收, ``accept``) with the date and evidence — from any open state, since
small works (an enclosure gate) are often registered when they are already done — or sends a
finished project back for more work (``reject``, with the reason). A project that will not go ahead
is cancelled with a reason. Recording a milestone leaves the state as it is.

Actors: ``official`` — a district authority of the estate's district or the street office of the
estate's street; ``district`` — a district authority of the estate's district.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine, T

from .models import ProjectEvent, RenovationProject

S = RenovationProject.Status

PROJECT = Machine(
    name="renovation_project",
    model=RenovationProject,
    transitions={
        "start": T(_("开工"), {S.PLANNED}, S.IN_PROGRESS, {"official"}),
        "milestone": T(_("填报进度"), {S.PLANNED, S.IN_PROGRESS, S.COMPLETED}, None, {"official"}),
        "finish": T(_("完工"), {S.IN_PROGRESS}, S.COMPLETED, {"official"}),
        "accept": T(_("验收通过"), {S.PLANNED, S.IN_PROGRESS, S.COMPLETED}, S.ACCEPTED, {"district"}),
        "reject": T(_("验收不通过"), {S.COMPLETED}, S.IN_PROGRESS, {"district"}, needs_note=True),
        "cancel": T(_("取消项目"), {S.PLANNED, S.IN_PROGRESS}, S.CANCELLED, {"official"}, needs_note=True),
    },
    states=S.values,
    initial={S.PLANNED},
    terminal={S.ACCEPTED, S.CANCELLED},
    noun=_("该改造项目"),
    event_model=ProjectEvent,
    event_fk="project",
)
