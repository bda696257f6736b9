"""The table of a draft's consultation lifecycle, on the one workflow core (``core/workflow``).

起草中 → 征求意见中 → 征求意见结束 → 已公布采纳情况 (rules.md §13: at least 30 days of public
consultation; the drafting office publishes how comments were taken up, 意见采纳情况).

Actors:
- ``office``: the drafting office — an active account of the city bureau;
- ``system``: the periodic job that closes a consultation whose last day has passed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import SYSTEM, Machine, T

from .models import Draft, DraftEvent

D = Draft.Status

DRAFT = Machine(
    name="consultation_draft",
    model=Draft,
    transitions={
        "open": T(_("发布征求意见"), {D.DRAFT}, D.CONSULTING, {"office"}),
        "close": T(_("结束征求意见"), {D.CONSULTING}, D.CLOSED, {"office", SYSTEM}),
        "publish": T(_("公布意见采纳情况"), {D.CLOSED}, D.PUBLISHED, {"office"}),
    },
    states=D.values,
    initial={D.DRAFT},
    terminal={D.PUBLISHED},
    noun=_("该草案"),
    event_model=DraftEvent,
    event_fk="draft",
)
