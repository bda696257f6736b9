"""The table of the satisfaction-survey workflow, on the one workflow core (issue 4 §5).

A survey opens at its start time (at once when opened for now, else by the sweep) and closes when
its time is up (the sweep) or earlier by the official who runs it (its district authority or the
city bureau). Actors: ``official``, ``system`` (the platform itself).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import SYSTEM, Machine, T

from .models import Survey

S = Survey.Status

SURVEY = Machine(
    name="survey",
    model=Survey,
    transitions={
        "open": T(_("测评开始"), {S.DRAFT}, S.OPEN, {SYSTEM}),
        "close": T(_("结束测评"), {S.DRAFT, S.OPEN}, S.CLOSED, {"official", SYSTEM}),
    },
    states=S.values,
    initial={S.DRAFT, S.OPEN},
    terminal={S.CLOSED},
    noun=_("该测评"),
    version_field=None,
)
