"""The table of correction requests (个人信息保护法第四十六条; DESIGN.md: explicit tables on
``core/workflow``).

    submitted ──correct (the city bureau: corrected, with what was done)──▶ corrected
    submitted ──refuse (the city bureau, a reason required)──▶ refused

Actors (``selectors.correction_actor_kinds``): ``handler`` — the city bureau, the platform's
personal-information processor and the owner of the complaint desk's records.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine, T

from .models import CorrectionEvent, CorrectionRequest

S = CorrectionRequest.Status

CORRECTION = Machine(
    name="privacy_correction",
    model=CorrectionRequest,
    transitions={
        "correct": T(_("已更正"), {S.SUBMITTED}, S.CORRECTED, {"handler"}),
        "refuse": T(_("不予更正"), {S.SUBMITTED}, S.REFUSED, {"handler"}, needs_note=True),
    },
    states=S.values,
    initial={S.SUBMITTED},
    terminal={S.CORRECTED, S.REFUSED},
    noun=_("该更正申请"),
    event_model=CorrectionEvent,
    event_fk="request",
)
