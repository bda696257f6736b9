"""The table of the progress-report workflow, on the one workflow core (``core/workflow``).

A responsible unit reports on a task's period (issue 16 item 4). A co-unit's report goes to the
task's lead unit, which consolidates it into its own report (汇总) or returns it with a reason; the
lead unit's report goes to the campaign office (the city bureau), which accepts it (采纳) or returns
it with a reason. A returned report is revised and submitted again by its unit.

Actors (decided in ``selectors.report_actor_kinds``):
- ``office``: the city bureau, on a lead unit's report;
- ``lead``: a user of the task's lead unit, on a co-unit's report;
- ``reporter``: a user of the unit that wrote the report.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine, T

from .models import Report, ReportEvent
from .selectors import report_actor_kinds

R = Report.Status

REPORT = Machine(
    name="campaign_report",
    model=Report,
    transitions={
        "accept": T(_("采纳"), {R.SUBMITTED}, R.ACCEPTED, {"office"}),
        "consolidate": T(_("汇总"), {R.SUBMITTED}, R.CONSOLIDATED, {"lead"}),
        "return": T(_("退回"), {R.SUBMITTED}, R.RETURNED, {"office", "lead"}, needs_note=True),
        "resubmit": T(_("重新报送"), {R.RETURNED}, R.SUBMITTED, {"reporter"}),
    },
    states=R.values,
    initial={R.SUBMITTED},
    terminal={R.ACCEPTED, R.CONSOLIDATED},
    noun=_("该进展报告"),
    event_model=ReportEvent,
    event_fk="report",
)


def report_actions(user, report: Report) -> list[str]:
    """The actions ``user`` may take on ``report`` now."""
    return REPORT.allowed(report, report_actor_kinds(user, report))
