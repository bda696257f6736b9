"""The owners' committee election's state machine on the workflow core (``core/workflow.py``;
rules.md §1).

nominating → voting (``start_vote``) → elected (``declare``) → filed (``file``); cancelled from
nominating or voting, with a reason. Nominating and vetting candidates are actions of the
nominating state that leave it unchanged (``target=None``).

Actor kinds (decided in ``elections.selectors.actor_kinds``): ``organiser`` = the estate's street
office or community; ``committee`` = the estate's owners' committee; ``vetter`` = the community
(its Party organisation vets candidates); ``filer`` = the estate's street office or district authority.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine, T
from wuye.governance.models import Election, ElectionEvent

S = Election.Status

ORGANISER, COMMITTEE, VETTER, FILER = "organiser", "committee", "vetter", "filer"

ELECTION = Machine(
    name="committee_election",
    model=Election,
    noun=_("该选举"),
    states=S.values,
    initial={S.NOMINATING},
    terminal={S.FILED, S.CANCELLED},
    version_field=None,
    event_model=ElectionEvent,
    event_fk="election",
    transitions={
        "nominate": T(_("提名候选人"), {S.NOMINATING}, None, {ORGANISER, COMMITTEE}),
        "vet": T(_("资格审查"), {S.NOMINATING}, None, {VETTER}),
        "start_vote": T(_("开始选举表决"), {S.NOMINATING}, S.VOTING, {ORGANISER}),
        "declare": T(_("公布选举结果"), {S.VOTING}, S.ELECTED, {ORGANISER}),
        "file": T(_("登记备案"), {S.ELECTED}, S.FILED, {FILER}),
        "cancel": T(_("取消选举"), {S.NOMINATING, S.VOTING}, S.CANCELLED, {ORGANISER}, needs_note=True),
    },
)

# Timeline rows that are not transitions of the table.
EVENT_LABELS = {"open": _("发起选举"), "party_warning": _("党员比例提示"),
                **{a: t.label for a, t in ELECTION.transitions.items()}}
