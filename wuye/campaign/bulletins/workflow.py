"""The table of the bulletin workflow, on the one workflow core (``core/workflow``).

A bulletin (通报) is drafted and edited by the campaign office (the city bureau), issued once with
its document number (rules.md §12), and may be withdrawn (with a reason) after issue. A second
issue is refused by the table ("当前为“已印发”，不能执行“印发”").

Actors (decided in ``selectors.bulletin_actor_kinds``): ``office``: a user of the city bureau.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine, T

from .models import Bulletin, BulletinEvent

B = Bulletin.Status

BULLETIN = Machine(
    name="bulletin",
    model=Bulletin,
    transitions={
        "issue": T(_("印发"), {B.DRAFT}, B.ISSUED, {"office"}),
        "withdraw": T(_("撤回"), {B.ISSUED}, B.WITHDRAWN, {"office"}, needs_note=True),
    },
    states=B.values,
    initial={B.DRAFT},
    terminal={B.WITHDRAWN},
    noun=_("该通报"),
    event_model=BulletinEvent,
    event_fk="bulletin",
)
