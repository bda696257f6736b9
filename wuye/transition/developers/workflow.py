"""The developer-violation machine: the SAME table as company credit events
(``wuye.credit.workflow.TRANSITIONS``, imported, not copied; rules.md §9: review → public notice →
objection → confirmation), on the one workflow core, with its own timeline
(``DeveloperViolationLog``).

    draft ──review──▶ reviewed ──publish──▶ notice ──(sweep, notice over)──▶ confirmed
                                              │  ▲
                                         object  reject (notice not over; over → confirmed)
                                              ▼  │
                                            objected ──uphold──▶ withdrawn
    withdraw: any state before confirmation ──▶ withdrawn (with a reason)

A manual violation starts as a draft; an automatic one (``services.record_violation(...,
automatic=True)``) starts in public notice, as automatic credit events do.

Actors (``selectors.actor_kinds``): ``official`` — the city bureau or the district of the
estate; ``company`` — the party, here the developer, whose objection an official enters on its
behalf (developers have no accounts); ``system`` — the sweep confirms when the notice ends.
The table's ``repair`` and ``lapse`` rows are credit-score matters and are not offered here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import Machine
from wuye.credit.workflow import TRANSITIONS

from .models import DeveloperViolation, DeveloperViolationLog

S = DeveloperViolation.Status

MACHINE = Machine(
    name="developer_violation", model=DeveloperViolation, transitions=TRANSITIONS, states=S.values,
    initial={S.DRAFT, S.NOTICE}, terminal={S.WITHDRAWN}, noun=_("该违规记录"),
    event_model=DeveloperViolationLog, event_fk="violation",
)

# The actions offered on the violation page (``confirm`` belongs to the platform's sweep).
PAGE_ACTIONS = ("review", "publish", "object", "uphold", "reject", "withdraw")
CREATION_LABELS = {"record": _("录入"), "auto": _("平台自动生成")}


def condition_holds(action: str, violation: DeveloperViolation, *, user=None, now=None) -> bool:
    """The conditions kept beside the table: the recorder does not review; the notice's clock."""
    if action == "review":
        return not (violation.recorded_by_id and user is not None and violation.recorded_by_id == user.pk)
    if action == "object":
        return now is None or violation.notice_end is None or now <= violation.notice_end
    if action == "confirm":
        return now is None or violation.notice_end is None or now > violation.notice_end
    return action in PAGE_ACTIONS or action == "confirm"


def permits(action: str, violation: DeveloperViolation, kinds: set[str], *, user=None, now=None) -> bool:
    return MACHINE.permits(action, violation, kinds) and condition_holds(action, violation, user=user, now=now)


def allowed_actions(user, violation: DeveloperViolation, *, now=None) -> list[str]:
    from .selectors import actor_kinds

    kinds = actor_kinds(user, violation)
    return [a for a in PAGE_ACTIONS if permits(a, violation, kinds, user=user, now=now)] if kinds else []


def action_label(action: str) -> str:
    """A timeline row's label: the creation (录入 / 平台自动生成) or the table's action."""
    if action in CREATION_LABELS:
        return str(CREATION_LABELS[action])
    if action in MACHINE.transitions:
        return MACHINE.label(action)
    return action
