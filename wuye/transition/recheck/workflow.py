"""The tables of the 回头看 campaign and of the clue report, on the one workflow core.

回头看 (rules.md §10: a re-inspection either closes or reopens): the campaign is drawn
(draft → checking), its re-checks are recorded, then it is finished (checking → finished) and its
report drafted as a bulletin; an official may cancel it before it is finished (reason required).

Clue report (扫黑除恶): received → investigating (the police take it up) → confirmed or unfounded
(the police's outcome, with its text).

Actors: ``official`` — the city bureau, or the district authority of the campaign's district;
``police`` — a 公安 department user of the clue's district or of the city.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine, T

from .models import CampaignEvent, ClueEvent, ClueReport, RecheckCampaign

C = RecheckCampaign.Status
K = ClueReport.Status

CAMPAIGN = Machine(
    name="recheck_campaign",
    model=RecheckCampaign,
    transitions={
        "draw": T(_("随机抽取"), {C.DRAFT}, C.CHECKING, {"official"}),
        "finish": T(_("完成复查"), {C.CHECKING}, C.FINISHED, {"official"}),
        "cancel": T(_("取消回头看"), {C.DRAFT, C.CHECKING}, C.CANCELLED, {"official"}, needs_note=True),
    },
    states=C.values,
    initial={C.DRAFT},
    terminal={C.FINISHED, C.CANCELLED},
    noun=_("该回头看"),
    event_model=CampaignEvent,
    event_fk="campaign",
)

CLUE = Machine(
    name="clue_report",
    model=ClueReport,
    transitions={
        "accept": T(_("受理核查"), {K.RECEIVED}, K.INVESTIGATING, {"police"}),
        "conclude": T(_("录入核查结论"), {K.INVESTIGATING}, None, {"police"}, needs_note=True,
                      outcomes={K.CONFIRMED, K.UNFOUNDED}),
    },
    states=K.values,
    initial={K.RECEIVED},
    terminal={K.CONFIRMED, K.UNFOUNDED},
    noun=_("该线索"),
    event_model=ClueEvent,
    event_fk="clue",
)
