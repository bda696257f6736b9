"""The tables of a committee decision's review and correction, and of an owner's question
(issue 19 §4, §6), on the core workflow.

Decision actors:
- ``reviewer``: the community or the street of the estate (guidance opinion within the review
  period: agree / advise changes / object, with reasons);
- ``street``: the street of the estate (orders a correction — 责令改正 — and accepts the answer);
- ``committee``: a member of the estate's owners' committee (answers, withdraws).

Question actors: ``committee`` answers; the system escalates an unanswered one to the street.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.workflow import SYSTEM, Machine, T

from .models import CommitteeDecision, DecisionEvent, OwnerQuestion, QuestionEvent

D = CommitteeDecision.Status
Q = OwnerQuestion.Status

DECISION = Machine(
    name="committee_decision",
    model=CommitteeDecision,
    transitions={
        "review": T(_("出具指导意见"), {D.RECORDED}, None, {"reviewer"},
                    outcomes={D.AGREED, D.ADVISED, D.OBJECTED}),
        "order_correction": T(_("责令改正"), {D.RECORDED, D.AGREED, D.ADVISED, D.OBJECTED, D.ANSWERED},
                              D.CORRECTION, {"street"}, needs_note=True),
        "answer_correction": T(_("答复改正情况"), {D.CORRECTION}, D.ANSWERED, {"committee"}, needs_note=True),
        "accept_correction": T(_("确认改正完毕"), {D.ANSWERED}, D.CORRECTED, {"street"}),
        "withdraw": T(_("撤回决定"), {D.RECORDED, D.ADVISED, D.OBJECTED, D.CORRECTION}, D.WITHDRAWN, {"committee"},
                      needs_note=True),
    },
    states=D.values,
    initial={D.RECORDED},
    terminal={D.CORRECTED, D.WITHDRAWN},
    noun=_("该决定"),
    event_model=DecisionEvent,
    event_fk="decision",
)

QUESTION = Machine(
    name="owner_question",
    model=OwnerQuestion,
    transitions={
        "answer": T(_("答复"), {Q.OPEN, Q.ESCALATED}, Q.ANSWERED, {"committee"}, needs_note=True),
        "escalate": T(_("逾期提交街道"), {Q.OPEN}, Q.ESCALATED, {SYSTEM}),
    },
    states=Q.values,
    initial={Q.OPEN},
    terminal={Q.ANSWERED},
    noun=_("该质询"),
    event_model=QuestionEvent,
    event_fk="question",
)
