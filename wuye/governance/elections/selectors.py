"""Who may see and do what in committee elections, and the reads of their pages (DESIGN.md:
decided in one place).

Elections are seen by the officials of the estate's territory (city, district, street,
community), its owners' committee and its owners; never by property companies (the owners elect
the committee that hires or fires them) nor by the three administrators. Who may take which
action is the table of ``elections/workflow.py`` applied to the actor kinds decided here.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from wuye.accounts.models import Role
from wuye.core.access import get_visible_or_404
from wuye.governance.models import Candidate, Election, ElectionEvent
from wuye.registry.models import CommitteeMember, Owner, OwnersCommittee
from wuye.registry.selectors import NOTHING, estate_q, estates_visible_to

from .workflow import COMMITTEE, ELECTION, FILER, ORGANISER, VETTER

OFFICIAL_ROLES = frozenset({Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY})
READER_ROLES = OFFICIAL_ROLES | {Role.COMMITTEE, Role.RESIDENT}
ORGANISER_ROLES = frozenset({Role.STREET, Role.COMMUNITY})


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


# ---------------------------------------------------------------- policies


def can_view_elections(user) -> bool:
    """The elections pages: officials of the territory, committees and owners."""
    return _active(user) and user.role in READER_ROLES


def is_official(user) -> bool:
    return _active(user) and user.role in OFFICIAL_ROLES


def can_see_committees_due(user) -> bool:
    """The list of committees due for filing or re-election: the officials."""
    return is_official(user)


def can_open_elections(user) -> bool:
    """Street offices and communities organise elections (for the estates of their territory)."""
    return _active(user) and user.role in ORGANISER_ROLES


def can_organise(user, estate) -> bool:
    """The street office or the community of the estate."""
    if not _active(user):
        return False
    if user.role == Role.STREET:
        return user.street_id is not None and user.street_id == estate.street_id
    if user.role == Role.COMMUNITY:
        return user.community_id is not None and user.community_id == estate.community_id
    return False


def actor_kinds(user, estate) -> set[str]:
    """The kinds of actor ``user`` counts as for the elections of ``estate`` (see workflow.py)."""
    kinds: set[str] = set()
    if not _active(user):
        return kinds
    if can_organise(user, estate):
        kinds.add(ORGANISER)
    if user.role == Role.COMMUNITY and user.community_id == estate.community_id:
        kinds.add(VETTER)
    if user.role == Role.COMMITTEE and user.estate_id == estate.pk:
        kinds.add(COMMITTEE)
    if (user.role == Role.STREET and user.street_id == estate.street_id) or (
            user.role == Role.DISTRICT and user.district_id == estate.district_id):
        kinds.add(FILER)
    return kinds


def can_act(user, election: Election, action: str) -> bool:
    """May ``user`` take ``action`` on ``election`` as far as who they are goes (whatever its state)?"""
    return bool(ELECTION[action].actors & actor_kinds(user, election.estate))


def election_actions(user, election: Election) -> list[str]:
    """What ``user`` may do on ``election`` now (the table's order)."""
    return ELECTION.allowed(election, actor_kinds(user, election.estate))


def state_refusal(election: Election, action: str) -> str | None:
    """Why the election's state does not allow ``action`` now (``None`` when it does)."""
    t = ELECTION[action]
    if election.status in t.sources:
        return None
    return _("选举当前为“%(s)s”，不能%(a)s。") % {"s": election.get_status_display(), "a": t.label}


# ---------------------------------------------------------------- reads


def _q(user, prefix: str) -> Q | None:
    if getattr(user, "role", None) not in READER_ROLES:
        return NOTHING
    return estate_q(user, prefix)


def elections_visible_to(user) -> QuerySet[Election]:
    q = _q(user, "estate__")
    qs = Election.objects.all()
    return qs if q is None else qs.filter(q)


def election_list_for(user, *, status: str = "", q: str = "") -> QuerySet[Election]:
    """The list page's rows: visible elections, filtered, with their number of candidates."""
    qs = elections_visible_to(user).select_related("estate", "estate__district", "committee")
    if status in Election.Status.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(estate__name__icontains=q) | Q(title__icontains=q))
    return qs.annotate(n_candidates=Count("candidates")).order_by("-created_at", "-id")


def election_get_for_user(*, user, pk) -> Election:
    qs = elections_visible_to(user).select_related("estate", "estate__district", "estate__street", "committee",
                                                   "motion", "created_by")
    return get_visible_or_404(qs, user=user, pk=pk)


def candidate_get_for_user(*, user, pk) -> Candidate:
    qs = Candidate.objects.filter(election__in=elections_visible_to(user)).select_related("election__estate")
    return get_visible_or_404(qs, user=user, pk=pk)


def organisable_estates(user):
    """The estates ``user`` may open an election for (the street's or the community's)."""
    if not can_open_elections(user):
        return estates_visible_to(user).none()
    return estates_visible_to(user).order_by("name")


def candidates_of(election: Election) -> list[Candidate]:
    return list(Candidate.objects.filter(election=election).select_related("vetted_by").order_by("id"))


def approved_candidates(election: Election) -> QuerySet[Candidate]:
    return Candidate.objects.filter(election=election, vetting=Candidate.Vetting.APPROVED).order_by("id")


def events_of(election: Election) -> list[ElectionEvent]:
    return list(ElectionEvent.objects.filter(election=election).select_related("actor").order_by("created_at", "id"))


def nominable_owners(election: Election) -> QuerySet[Owner]:
    """Natural-person owners of the estate not yet candidates of this election."""
    return (Owner.objects.filter(kind=Owner.Kind.PERSON, ownerships__estate_id=election.estate_id)
            .exclude(pk__in=election.candidates.values("owner_id")).distinct().order_by("name", "id"))


def committees_due_for(user, *, today: date, horizon: date) -> tuple[QuerySet[Election], QuerySet[OwnersCommittee]]:
    """For officials: elections awaiting filing (due or overdue), and current committees whose
    term ends by ``horizon`` (or has ended without a successor)."""
    if getattr(user, "role", None) not in OFFICIAL_ROLES:
        return Election.objects.none(), OwnersCommittee.objects.none()
    q_e = estate_q(user, "estate__")
    filings = Election.objects.filter(status=Election.Status.ELECTED)
    committees = OwnersCommittee.objects.filter(is_current=True, term_end__lte=horizon)
    if q_e is not None:
        filings = filings.filter(q_e)
        committees = committees.filter(q_e)
    return filings, committees


def committees_due_summary(filings, committees, *, today: date) -> list[dict]:
    """Per district: filings due and overdue, terms ending and ended (worst first)."""
    by_district: dict[int, dict] = {}

    def row_for(row):
        return by_district.setdefault(row["estate__district_id"], {
            "name": row["estate__district__name"], "due": 0, "overdue": 0, "ending": 0, "ended": 0})

    for row in (filings.values("estate__district_id", "estate__district__name")
                .annotate(due=Count("pk", filter=Q(filing_due__gte=today)),
                          overdue=Count("pk", filter=Q(filing_due__lt=today)))):
        d = row_for(row)
        d["due"], d["overdue"] = row["due"], row["overdue"]
    for row in (committees.values("estate__district_id", "estate__district__name")
                .annotate(ending=Count("pk", filter=Q(term_end__gte=today)), ended=Count("pk", filter=Q(term_end__lt=today)))):
        d = row_for(row)
        d["ending"], d["ended"] = row["ending"], row["ended"]
    return sorted(by_district.values(), key=lambda d: (-d["overdue"] - d["ended"], d["name"]))


def current_committee_public(estate_id: int) -> tuple[OwnersCommittee | None, list[CommitteeMember]]:
    """The estate's current committee and its members (director, deputies, members), two queries."""
    members = CommitteeMember.objects.only("name", "position", "is_party_member", "committee_id").order_by("id")
    committee = (OwnersCommittee.objects.filter(estate_id=estate_id, is_current=True)
                 .prefetch_related(Prefetch("members", queryset=members)).first())
    if committee is None:
        return None, []
    order = {CommitteeMember.Position.DIRECTOR: 0, CommitteeMember.Position.DEPUTY: 1}
    return committee, sorted(committee.members.all(), key=lambda m: (order.get(m.position, 2), m.pk))
