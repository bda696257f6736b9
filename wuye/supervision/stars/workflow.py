"""The tables of the star-rating workflow, on the one workflow core (rules.md §8).

A star application: the company applies → the gate checks run at once (passed: 评定中; failed:
不符合申报条件, with the reasons) → the district links an inspection and a closed survey and the
combined score gives the level → the official publishes it for public notice (or rejects) →
written objections are decided one by one (upheld: back to evaluation, or rejected) → when the
notice ends with no objection pending the result takes effect (by the official or the sweep).

Actors:
- ``company``: a manager of the applying company (staff read only);
- ``official``: the district authority of the estate's district, and the city bureau;
- ``system``: the platform itself (the gate at submission, the periodic sweep).

A downgrade review of an active rating: open → kept / downgraded / revoked, decided by an official.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import SYSTEM, Machine, T
from wuye.supervision.selectors import is_company_manager_for, is_official_for

from .models import DowngradeReview, StarApplication, StarApplicationEvent

S = StarApplication.Status
R = DowngradeReview.Status

IN_PROGRESS = frozenset({S.SUBMITTED, S.EVALUATING, S.NOTICE})
FINAL = frozenset({S.GATE_FAILED, S.EFFECTIVE, S.REJECTED, S.WITHDRAWN})

APPLICATION = Machine(
    name="star_application",
    model=StarApplication,
    transitions={
        "gate_pass": T(_("条件审查通过"), {S.SUBMITTED}, S.EVALUATING, {SYSTEM}),
        "gate_fail": T(_("条件审查未通过"), {S.SUBMITTED}, S.GATE_FAILED, {SYSTEM}),
        "evaluate": T(_("录入评定"), {S.EVALUATING}, None, {"official"}),
        "publish": T(_("发布公示"), {S.EVALUATING}, S.NOTICE, {"official"}),
        "reject": T(_("评定不通过"), {S.EVALUATING}, S.REJECTED, {"official"}, needs_note=True),
        "reevaluate": T(_("异议成立，退回重新评定"), {S.NOTICE}, S.EVALUATING, {"official"}, needs_note=True),
        "reject_on_objection": T(_("异议成立，不予评定"), {S.NOTICE}, S.REJECTED, {"official"}, needs_note=True),
        "make_effective": T(_("公示期满，评定生效"), {S.NOTICE}, S.EFFECTIVE, {"official", SYSTEM}),
        "withdraw": T(_("撤回申报"), IN_PROGRESS, S.WITHDRAWN, {"company"}, needs_note=True),
    },
    states=S.values,
    initial={S.SUBMITTED},
    terminal=FINAL,
    noun=_("该星级申报"),
    event_model=StarApplicationEvent,
    event_fk="application",
)
TRANSITIONS = APPLICATION.transitions

# Actions offered as buttons on the application page (the gate runs inside the submission).
PAGE_ACTIONS = ("evaluate", "publish", "reject", "make_effective", "withdraw")

# Not a machine of its own (one decision, no timeline): the conclusions an official may give.
REVIEW_TRANSITIONS = {
    "keep": T(_("维持星级"), {R.OPEN}, R.KEPT, {"official"}, needs_note=True),
    "downgrade": T(_("降低星级"), {R.OPEN}, R.DOWNGRADED, {"official"}, needs_note=True),
    "revoke": T(_("撤销星级"), {R.OPEN}, R.REVOKED, {"official"}, needs_note=True),
}

# The objection outcome → the application transition it causes when the objection is upheld.
UPHELD_OUTCOMES = {"reevaluate": "reevaluate", "reject": "reject_on_objection"}


def actor_kinds(user, application) -> set[str]:
    """The actor kinds ``user`` counts as for ``application`` (None = the platform itself)."""
    if user is None:
        return {SYSTEM}
    kinds: set[str] = set()
    if is_official_for(user, application.district_id):
        kinds.add("official")
    if is_company_manager_for(user, application.company_id):
        kinds.add("company")
    return kinds


def permits(action: str, status: str, kinds: set[str]) -> bool:
    t = TRANSITIONS[action]
    return bool(t.actors & kinds) and status in t.sources


def allowed_actions(user, application) -> list[str]:
    kinds = actor_kinds(user, application)
    return [a for a in PAGE_ACTIONS if permits(a, application.status, kinds)]


def review_permits(action: str, review, user) -> bool:
    t = REVIEW_TRANSITIONS[action]
    return review.status in t.sources and is_official_for(user, review.rating.district_id)
