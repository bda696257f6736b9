"""The table of administrator-account proposals (三员分立, two-person rule; issue 13 item 8).

One administrator (system or security administrator) proposes a change to an administrator
account — its creation, a role granted, changed or removed, its deactivation, reactivation or
password reset; an administrator of another kind approves or rejects it. Nobody decides their
own proposal or a proposal about their own account (``selectors.proposal_actor_kinds``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine, T

from .models import AdminProposal, AdminProposalEvent

P = AdminProposal.Status

ADMIN_PROPOSAL = Machine(
    name="admin_proposal",
    model=AdminProposal,
    transitions={
        "approve": T(_("批准"), {P.PENDING}, P.APPROVED, {"approver"}),
        "reject": T(_("驳回"), {P.PENDING}, P.REJECTED, {"approver"}, needs_note=True),
    },
    states=P.values,
    initial={P.PENDING},
    terminal={P.APPROVED, P.REJECTED},
    noun=_("该管理员账号变更申请"),
    event_model=AdminProposalEvent,
    event_fk="proposal",
)
