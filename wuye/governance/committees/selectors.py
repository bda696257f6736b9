"""Who sees and does what in the supervision of owners' committees and owners' oversight
(issue 19 §3–6): decided here.

- Decisions, meetings, member changes: the committee of the estate records them; the community,
  street, district and city see their area's; the verified owners of the estate (residents with a
  home there) see their estate's; owners of another estate and companies see nothing.
- Review (guidance opinion): the estate's community or street; correction order: its street.
- Conflicts of interest: declared by the committee, shown to the officials of the area.
- Owners' questions: asked by a verified owner of the estate; answered by the committee; the
  community sees them; an unanswered one goes to the street.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from wuye.accounts.models import Role
from wuye.core.access import get_visible_or_404
from wuye.disclosure.income.selectors import reports_visible_to
from wuye.governance.models import Election, GovernanceSettings
from wuye.registry.models import CommitteeMember, Estate, OwnersCommittee, Ownership
from wuye.registry.selectors import NOTHING, estate_q, estates_visible_to

from .models import (
    CommitteeDecision,
    CommitteeMeeting,
    ConflictDeclaration,
    DecisionEvent,
    MemberChange,
    OwnerQuestion,
)
from .workflow import DECISION, QUESTION

OFFICIALS = (Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY)
SEES = (*OFFICIALS, Role.COMMITTEE, Role.RESIDENT)
CLOSED_ELECTIONS = (Election.Status.CANCELLED,)


def _role(user) -> str | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) and user.is_active else None


def can_view(user) -> bool:
    return _role(user) in SEES


def is_official(user) -> bool:
    return _role(user) in OFFICIALS


def is_committee(user) -> bool:
    return _role(user) == Role.COMMITTEE and bool(user.estate_id)


def is_resident(user) -> bool:
    return _role(user) == Role.RESIDENT and bool(user.owner_id)


def _q(user, prefix: str = "estate__") -> Q | None:
    return estate_q(user, prefix) if _role(user) in SEES else NOTHING


def _scoped(qs: QuerySet, user) -> QuerySet:
    q = _q(user)
    return qs if q is None else qs.filter(q)


def current_committee(estate_id) -> OwnersCommittee | None:
    return OwnersCommittee.objects.filter(estate_id=estate_id, is_current=True).first()


def committee_of(user) -> OwnersCommittee | None:
    return current_committee(user.estate_id) if is_committee(user) else None


# ---- decisions --------------------------------------------------------------------------------


def decisions_visible_to(user) -> QuerySet[CommitteeDecision]:
    return _scoped(CommitteeDecision.objects.all(), user)


def decision_list_for(user, *, status: str = "", estate_id=None, q: str = "", due: str = "",
                      today: date | None = None) -> QuerySet[CommitteeDecision]:
    qs = decisions_visible_to(user).select_related("estate").annotate(
        n_questions=Count("questions", distinct=True))
    if status:
        qs = qs.filter(status=status)
    if estate_id:
        qs = qs.filter(estate_id=estate_id)
    if due == "overdue" and today:
        qs = qs.filter(status=CommitteeDecision.Status.RECORDED, review_due__lt=today)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(estate__name__icontains=q) | Q(number__icontains=q))
    return qs.order_by("-decided_on", "-id")


def decision_get_for_user(*, user, pk) -> CommitteeDecision:
    return get_visible_or_404(decisions_visible_to(user).select_related("estate", "committee", "meeting"),
                              user=user, pk=pk)


def decision_actor_kinds(user, d: CommitteeDecision) -> set[str]:
    role = _role(user)
    kinds: set[str] = set()
    estate = d.estate
    if role == Role.COMMUNITY and user.community_id == estate.community_id:
        kinds.add("reviewer")
    if role == Role.STREET and user.street_id == estate.street_id:
        kinds |= {"reviewer", "street"}
    if role == Role.COMMITTEE and user.estate_id == d.estate_id:
        kinds.add("committee")
    return kinds


def decision_actions(user, d: CommitteeDecision) -> list[str]:
    return DECISION.allowed(d, decision_actor_kinds(user, d))


def decision_timeline(d: CommitteeDecision) -> list[DecisionEvent]:
    return list(d.events.select_related("actor"))


def opinions_of(d: CommitteeDecision):
    return list(d.opinions.all())


def can_record(user) -> bool:
    """A member of a current owners' committee records its meetings and decisions."""
    return is_committee(user) and OwnersCommittee.objects.filter(estate_id=user.estate_id, is_current=True).exists()


def meetings_visible_to(user) -> QuerySet[CommitteeMeeting]:
    return _scoped(CommitteeMeeting.objects.all(), user)


def meeting_get_for_user(*, user, pk) -> CommitteeMeeting:
    return get_visible_or_404(meetings_visible_to(user).select_related("estate"), user=user, pk=pk)


def meetings_of_committee(user) -> QuerySet[CommitteeMeeting]:
    c = committee_of(user)
    return CommitteeMeeting.objects.filter(committee=c) if c else CommitteeMeeting.objects.none()


# ---- questions --------------------------------------------------------------------------------


def questions_visible_to(user) -> QuerySet[OwnerQuestion]:
    return _scoped(OwnerQuestion.objects.all(), user)


def question_get_for_user(*, user, pk) -> OwnerQuestion:
    return get_visible_or_404(questions_visible_to(user).select_related("decision", "estate", "owner"), user=user, pk=pk)


def question_list_for(user, *, status: str = "") -> QuerySet[OwnerQuestion]:
    qs = questions_visible_to(user).select_related("decision", "estate", "owner")
    if _role(user) == Role.STREET and status == "":
        qs = qs.order_by("-status", "-created_at")  # escalated first
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "due_at", "-id") if status == "" else qs.order_by("due_at", "-id")


def questions_of(d: CommitteeDecision) -> list[OwnerQuestion]:
    return list(d.questions.select_related("owner").order_by("created_at", "id"))


def can_ask(user, d: CommitteeDecision) -> bool:
    """A verified owner (a resident account linked to an owner) with a home in the estate."""
    return is_resident(user) and Ownership.objects.filter(owner_id=user.owner_id, estate_id=d.estate_id).exists()


def question_actor_kinds(user, question: OwnerQuestion) -> set[str]:
    return {"committee"} if is_committee(user) and user.estate_id == question.estate_id else set()


def question_actions(user, question: OwnerQuestion) -> list[str]:
    return QUESTION.allowed(question, question_actor_kinds(user, question))


# ---- committee conduct ------------------------------------------------------------------------


def committees_visible_to(user) -> QuerySet[OwnersCommittee]:
    return _scoped(OwnersCommittee.objects.filter(is_current=True), user)


def members_of(committee: OwnersCommittee) -> list[CommitteeMember]:
    order = {CommitteeMember.Position.DIRECTOR: 0, CommitteeMember.Position.DEPUTY: 1}
    return sorted(committee.members.all(), key=lambda m: (order.get(m.position, 2), m.pk))


def member_changes_of(committee: OwnersCommittee) -> QuerySet[MemberChange]:
    return MemberChange.objects.filter(committee=committee).select_related("motion")


def conflicts_visible_to(user) -> QuerySet[ConflictDeclaration]:
    if _role(user) not in (*OFFICIALS, Role.COMMITTEE):
        return ConflictDeclaration.objects.none()
    q = _q(user, "committee__estate__")
    qs = ConflictDeclaration.objects.select_related("member", "company")
    return qs if q is None else qs.filter(q)


def conflicts_of(user, committee: OwnersCommittee) -> list[ConflictDeclaration]:
    return list(conflicts_visible_to(user).filter(committee=committee))


def committee_flags(user, *, today: date) -> list[dict]:
    """Current committees of the user's area whose term ended without an election under way, or
    whose members fell below the minimum (``GovernanceSettings.committee_min``, rules.md §1)."""
    if not is_official(user):
        return []
    minimum = GovernanceSettings.current().committee_min
    running = Election.objects.filter(estate_id=OuterRef("estate_id"), created_at__date__gte=OuterRef("term_start"))
    running = running.exclude(status__in=CLOSED_ELECTIONS)
    qs = (committees_visible_to(user).select_related("estate__community", "estate__street")
          .annotate(n_members=Count("members", distinct=True), electing=Exists(running),
))
    qs = qs.filter(Q(term_end__lt=today, electing=False) | Q(n_members__lt=minimum)).order_by("term_end")
    out = []
    for c in qs[:500]:
        reasons = []
        if c.term_end < today and not c.electing:
            reasons.append("term")
        if c.n_members < minimum:
            reasons.append("members")
        out.append({"committee": c, "reasons": reasons, "minimum": minimum})
    return out


def committee_get_for_user(*, user, pk) -> OwnersCommittee:
    return get_visible_or_404(committees_visible_to(user).select_related("estate"), user=user, pk=pk)


def committee_overview_for(user, *, q: str = "") -> QuerySet[OwnersCommittee]:
    qs = committees_visible_to(user).select_related("estate").annotate(
        n_members=Count("members", distinct=True),
        n_party=Count("members", filter=Q(members__is_party_member=True), distinct=True))
    if q:
        qs = qs.filter(estate__name__icontains=q)
    return qs.order_by("estate__name")


# ---- owners' oversight ------------------------------------------------------------------------


def oversight_estates(user) -> QuerySet[Estate]:
    """The estates whose committee the user oversees (an owner: the estates of their homes)."""
    return estates_visible_to(user) if can_view(user) else Estate.objects.none()


def estate_for_oversight(*, user, pk) -> Estate:
    return get_visible_or_404(oversight_estates(user), user=user, pk=pk)


def funds_of(user, estate: Estate):
    """The committee-confirmed common-income reports of the estate (income, costs, net)."""
    return reports_visible_to(user).filter(estate=estate).order_by("-period_end")[:12]


def removal_motions(committee: OwnersCommittee):
    from wuye.governance.models import Matter, Motion

    return Motion.objects.filter(estate_id=committee.estate_id, matter=Matter.COMMITTEE_ELECTION,
                                 status=Motion.Status.CLOSED).order_by("-closed_at")


def committee_members_qs(committee: OwnersCommittee):
    return committee.members.order_by("id")


def can_change_committee(user, committee: OwnersCommittee) -> bool:
    if is_committee(user):
        return user.estate_id == committee.estate_id
    return is_official(user) and committees_visible_to(user).filter(pk=committee.pk).exists()


def joint_meetings_of(user, estate: Estate):
    from wuye.governance.party.selectors import meetings_visible_to

    return meetings_visible_to(user).filter(estate=estate).prefetch_related("followups").order_by("-held_at")[:8]
