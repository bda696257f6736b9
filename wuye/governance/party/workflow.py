"""The table of a joint meeting's follow-up items (issue 19 §2), on the core workflow.

Actors:
- ``owner``: a user of the item's owner unit (the company's managers and staff, the estate's
  committee members, the community or the street of the estate);
- ``recorder``: the community or street of the estate (who records the meetings).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine, T

from .models import FollowUp, FollowUpEvent

F = FollowUp.Status

FOLLOWUP = Machine(
    name="meeting_followup",
    model=FollowUp,
    transitions={
        "start": T(_("开始办理"), {F.OPEN}, F.IN_PROGRESS, {"owner"}),
        "complete": T(_("办结"), {F.OPEN, F.IN_PROGRESS}, F.DONE, {"owner"}, needs_note=True),
        "reopen": T(_("退回重办"), {F.DONE}, F.IN_PROGRESS, {"recorder"}, needs_note=True),
        "cancel": T(_("撤销事项"), {F.OPEN, F.IN_PROGRESS}, F.CANCELLED, {"recorder"}, needs_note=True),
    },
    states=F.values,
    initial={F.OPEN},
    terminal={F.CANCELLED},
    noun=_("该跟办事项"),
    event_model=FollowUpEvent,
    event_fk="followup",
)
OPEN_STATUSES = (F.OPEN, F.IN_PROGRESS)
