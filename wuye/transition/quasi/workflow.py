"""The tables of 准物业's two machines, on the one workflow core (``core/workflow``).

Contract (issue 17 §8): drafted by the buyer (a street office or a community), signed — the
covered compounds then become 政府购买准物业服务 through the registry — and possibly terminated
early with a reason.

Rectification (issue 17 §9): a failed monthly check asks the provider to rectify by a deadline; the
provider reports the fix; the checking community (or the buyer street) closes it after a re-check,
or sends it back with a reason.

Actors:
- ``buyer``: an official of the buying street (or the buying community);
- ``checker``: the community of the compound, or the buying street;
- ``provider``: a manager or staff member of the provider company. A community service organisation
  has no account on the platform: its community records its reply (the community then also counts
  as ``provider``, and the event row names who entered it).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine, T

from .models import ContractEvent, QuasiContract, Rectification, RectificationEvent

C = QuasiContract.Status
R = Rectification.Status

CONTRACT = Machine(
    name="quasi_contract",
    model=QuasiContract,
    transitions={
        "sign": T(_("签订合同"), {C.DRAFT}, C.SIGNED, {"buyer"}),
        "terminate": T(_("终止合同"), {C.SIGNED}, C.TERMINATED, {"buyer"}, needs_note=True),
    },
    states=C.values,
    initial={C.DRAFT},
    terminal={C.TERMINATED},
    noun=_("该准物业合同"),
    event_model=ContractEvent,
    event_fk="contract",
)

RECTIFICATION = Machine(
    name="quasi_rectification",
    model=Rectification,
    transitions={
        "submit": T(_("提交整改"), {R.OPEN}, R.SUBMITTED, {"provider"}, needs_note=True),
        "close": T(_("复查通过"), {R.SUBMITTED}, R.CLOSED, {"checker"}),
        "reopen": T(_("复查未通过"), {R.SUBMITTED}, R.OPEN, {"checker"}, needs_note=True),
    },
    states=R.values,
    initial={R.OPEN},
    terminal={R.CLOSED},
    noun=_("该整改要求"),
    event_model=RectificationEvent,
    event_fk="rectification",
)
