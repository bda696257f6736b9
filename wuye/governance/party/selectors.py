"""Who sees and does what in Party building and joint meetings (issue 19 §1–2): decided here.

- Party organisations and the coverage view: the government officials of the area (city all;
  district, street, community their own). The community Party secretary works as a COMMUNITY user
  (the organisation's ``secretary`` is that account); no new role.
- Joint meetings: the estate's community and street record them; the officials of the area see
  them; a property company sees only the meetings it took part in (``company``); the committee
  and the verified owners of the estate see the estate's meetings; owners of another estate see
  nothing.
- Follow-up items: the owner unit's users act on them (``owner``); the estate's community or
  street reopens or cancels (``recorder``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from wuye.accounts.models import COMPANY_ROLES, Role
from wuye.core.access import get_visible_or_404
from wuye.core.calendar import add_months
from wuye.core.money import percent
from wuye.governance.models import GovernanceSettings
from wuye.registry.models import CommitteeMember, Estate, OwnersCommittee
from wuye.registry.selectors import NOTHING, estate_q, estates_visible_to
from wuye.territory.models import Street

from .models import (
    FollowUp,
    FollowUpEvent,
    JointMeeting,
    MeetingFlag,
    PartyMember,
    PartyOrganisation,
    PartySettings,
)
from .workflow import FOLLOWUP

OFFICIALS = (Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _role(user) -> str | None:
    return getattr(user, "role", None) if _active(user) else None


def can_view_party(user) -> bool:
    """The register of Party organisations and the coverage view."""
    return _role(user) in OFFICIALS


def can_view_meetings(user) -> bool:
    return _role(user) in (*OFFICIALS, Role.DEPARTMENT, *COMPANY_ROLES, Role.COMMITTEE, Role.RESIDENT)


def can_manage_organisations(user) -> bool:
    return _role(user) in (Role.CITY, Role.STREET, Role.COMMUNITY)


def can_record_meetings(user) -> bool:
    """The community (its Party secretary) and the street record joint meetings."""
    return _role(user) in (Role.STREET, Role.COMMUNITY)


def _community_q(user, prefix: str = "") -> Q | None:
    role = _role(user)
    if role == Role.CITY:
        return None
    if role == Role.DISTRICT:
        return Q(**{f"{prefix}street__district_id": user.district_id})
    if role == Role.STREET:
        return Q(**{f"{prefix}street_id": user.street_id})
    if role == Role.COMMUNITY:
        return Q(**{f"{prefix}id": user.community_id})
    return NOTHING


def organisations_visible_to(user) -> QuerySet[PartyOrganisation]:
    q = _community_q(user, "community__")
    qs = PartyOrganisation.objects.select_related("community", "parent")
    return qs if q is None else qs.filter(q)


def organisation_get_for_user(*, user, pk) -> PartyOrganisation:
    return get_visible_or_404(organisations_visible_to(user), user=user, pk=pk)


def organisation_list_for(user, *, level: str = "", q: str = "") -> QuerySet[PartyOrganisation]:
    qs = organisations_visible_to(user).annotate(n_estates=Count("estates", distinct=True),
                                                 n_members=Count("members", distinct=True))
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(community__name__icontains=q))
    return qs.order_by("community__name", "level", "name")


def can_change_organisation(user, org: PartyOrganisation) -> bool:
    return can_manage_organisations(user) and organisations_visible_to(user).filter(pk=org.pk).exists()


def manageable_communities(user):
    from wuye.territory.models import Community

    q = _community_q(user) if can_manage_organisations(user) else NOTHING
    qs = Community.objects.select_related("street")
    return qs if q is None else qs.filter(q)


def members_of(org: PartyOrganisation) -> QuerySet[PartyMember]:
    return org.members.select_related("owner")


# ---- joint meetings ---------------------------------------------------------------------------


def meetings_visible_to(user) -> QuerySet[JointMeeting]:
    role = _role(user)
    qs = JointMeeting.objects.all()
    if role in COMPANY_ROLES:
        return qs.filter(company_id=user.company_id) if user.company_id else qs.none()
    q = estate_q(user, "estate__")
    return qs if q is None else qs.filter(q)


def meeting_list_for(user, *, estate_id=None, state: str = "", q: str = "") -> QuerySet[JointMeeting]:
    qs = meetings_visible_to(user).select_related("estate", "company", "community").annotate(
        n_items=Count("followups", distinct=True),
        n_open=Count("followups", filter=Q(followups__status__in=(FollowUp.Status.OPEN, FollowUp.Status.IN_PROGRESS)),
                     distinct=True))
    if estate_id:
        qs = qs.filter(estate_id=estate_id)
    if state == "open":
        qs = qs.filter(n_open__gt=0)
    elif state == "closed":
        qs = qs.filter(n_open=0)
    if q:
        qs = qs.filter(Q(estate__name__icontains=q) | Q(agenda__icontains=q))
    return qs.order_by("-held_at", "-id")


def meeting_get_for_user(*, user, pk) -> JointMeeting:
    qs = meetings_visible_to(user).select_related("estate", "company", "community", "street", "committee",
                                                   "organisation", "recorded_by")
    return get_visible_or_404(qs, user=user, pk=pk)


def followups_of(meeting: JointMeeting) -> list[FollowUp]:
    return list(meeting.followups.prefetch_related(
        Prefetch("events", queryset=FollowUpEvent.objects.select_related("actor"))))


def recordable_estates(user) -> QuerySet[Estate]:
    if not can_record_meetings(user):
        return Estate.objects.none()
    return estates_visible_to(user).order_by("name")


def can_record_for(user, estate: Estate) -> bool:
    return can_record_meetings(user) and estates_visible_to(user).filter(pk=estate.pk).exists()


def followups_visible_to(user) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(meeting__in=meetings_visible_to(user))


def followup_get_for_user(*, user, pk) -> FollowUp:
    return get_visible_or_404(followups_visible_to(user).select_related("meeting"), user=user, pk=pk)


def followup_actor_kinds(user, f: FollowUp) -> set[str]:
    role, m = _role(user), f.meeting
    kinds: set[str] = set()
    if role is None:
        return kinds
    O = FollowUp.Owner  # noqa: E741
    owner = {O.COMPANY: role in COMPANY_ROLES and user.company_id == m.company_id and m.company_id is not None,
             O.COMMITTEE: role == Role.COMMITTEE and user.estate_id == m.estate_id,
             O.COMMUNITY: role == Role.COMMUNITY and user.community_id == m.community_id,
             O.STREET: role == Role.STREET and user.street_id == m.street_id}
    if owner.get(f.owner_unit):
        kinds.add("owner")
    if (role == Role.COMMUNITY and user.community_id == m.community_id) or (role == Role.STREET and user.street_id == m.street_id):
        kinds.add("recorder")
    return kinds


def followup_actions(user, f: FollowUp) -> list[str]:
    return FOLLOWUP.allowed(f, followup_actor_kinds(user, f))


def my_open_followups(user, *, limit: int = 20) -> list[FollowUp]:
    """The open items the user's unit owns (their work list)."""
    role = _role(user)
    O = FollowUp.Owner  # noqa: E741
    qs = followups_visible_to(user).filter(status__in=(FollowUp.Status.OPEN, FollowUp.Status.IN_PROGRESS))
    if role in COMPANY_ROLES:
        qs = qs.filter(owner_unit=O.COMPANY)
    elif role == Role.COMMITTEE:
        qs = qs.filter(owner_unit=O.COMMITTEE)
    elif role == Role.COMMUNITY:
        qs = qs.filter(owner_unit=O.COMMUNITY)
    elif role == Role.STREET:
        qs = qs.filter(owner_unit=O.STREET)
    else:
        return []
    return list(qs.select_related("meeting__estate").order_by("deadline", "id")[:limit])


# ---- periods and the quarterly flag ----------------------------------------------------------


def period_of(day: date, months: int) -> tuple[date, date]:
    """The meeting period that holds ``day``: periods of ``months`` months counted from 1 January
    (a quarter by default: Jan–Mar, Apr–Jun…). Returns its first and last day."""
    index = (day.month - 1) // months
    start = date(day.year, index * months + 1, 1)
    end = add_months(start, months)
    return start, date.fromordinal(end.toordinal() - 1)


def last_complete_period(today: date, months: int | None = None) -> tuple[date, date]:
    months = months or PartySettings.current().meeting_period_months
    start, _end = period_of(today, months)
    prev = date.fromordinal(start.toordinal() - 1)
    return period_of(prev, months)


def estates_needing_meetings() -> QuerySet[Estate]:
    """Estates with a current owners' committee: the three parties exist, so a meeting is due."""
    return Estate.objects.filter(Exists(OwnersCommittee.objects.filter(estate_id=OuterRef("pk"), is_current=True)))


def estates_without_meeting(start: date, end: date, *, within: QuerySet[Estate] | None = None) -> QuerySet[Estate]:
    """Estates that needed a meeting and held none between ``start`` and ``end`` (local days)."""
    held = JointMeeting.objects.filter(estate_id=OuterRef("pk"), held_at__date__gte=start, held_at__date__lte=end)
    qs = estates_needing_meetings() if within is None else within.filter(pk__in=estates_needing_meetings().values("pk"))
    return qs.filter(~Exists(held))


def flagged_estates_for(user, *, today: date) -> tuple[tuple[date, date], list[Estate]]:
    """The estates of the user's area without a meeting in the last complete period."""
    start, end = last_complete_period(today)
    if _role(user) not in OFFICIALS:
        return (start, end), []
    rows = estates_without_meeting(start, end, within=estates_visible_to(user)).select_related("community", "street")
    return (start, end), list(rows.order_by("street__name", "community__name", "name")[:500])


def flags_recorded() -> QuerySet[MeetingFlag]:
    return MeetingFlag.objects.all()


# ---- coverage ---------------------------------------------------------------------------------


@dataclass
class CoverageRow:
    street: Street
    estates: int
    with_branch: int
    committees: int
    committees_with_party: int
    members: int
    party_members: int

    @property
    def branch_share(self):
        return percent(self.with_branch, self.estates, 1)

    @property
    def party_share(self):
        return percent(self.party_members, self.members, 1)

    def below(self, target: int) -> bool:
        share = self.party_share
        return share is not None and share < target


def coverage_by_street(user, *, district_id=None) -> tuple[list[CoverageRow], int]:
    """Per street of the user's area: estates, estates with an estate-level branch, current
    committees, committees with a Party member, and the share of Party members among committee
    members against the target (``GovernanceSettings.party_share_percent``, rules.md §1 local).
    A fixed number of queries whatever the number of streets."""
    target = GovernanceSettings.current().party_share_percent
    if not can_view_party(user):
        return [], target
    estates = estates_visible_to(user)
    if district_id:
        estates = estates.filter(district_id=district_id)
    branch = PartyOrganisation.objects.filter(level=PartyOrganisation.Level.ESTATE, active=True,
                                              estates=OuterRef("pk"))
    est = (estates.values("street_id").annotate(n=Count("id"), b=Count("id", filter=Q(Exists(branch))))
           .order_by())
    current = OwnersCommittee.objects.filter(is_current=True, estate__in=estates)
    party_seat = CommitteeMember.objects.filter(committee_id=OuterRef("pk"), is_party_member=True)
    com = (current.values("estate__street_id").annotate(n=Count("id"), p=Count("id", filter=Q(Exists(party_seat))))
           .order_by())
    mem = (CommitteeMember.objects.filter(committee__in=current).values("committee__estate__street_id")
           .annotate(n=Count("id"), p=Count("id", filter=Q(is_party_member=True))).order_by())
    by_com = {r["estate__street_id"]: r for r in com}
    by_mem = {r["committee__estate__street_id"]: r for r in mem}
    streets = Street.objects.select_related("district").in_bulk([r["street_id"] for r in est])
    rows = []
    for r in est:
        sid = r["street_id"]
        c, m = by_com.get(sid, {}), by_mem.get(sid, {})
        rows.append(CoverageRow(streets[sid], r["n"], r["b"], c.get("n", 0), c.get("p", 0), m.get("n", 0), m.get("p", 0)))
    rows.sort(key=lambda x: (x.street.district_id, x.street.name))
    return rows, target


def coverage_total(rows: list[CoverageRow]) -> CoverageRow | None:
    if not rows:
        return None
    return CoverageRow(street=None, estates=sum(r.estates for r in rows), with_branch=sum(r.with_branch for r in rows),
                       committees=sum(r.committees for r in rows),
                       committees_with_party=sum(r.committees_with_party for r in rows),
                       members=sum(r.members for r in rows), party_members=sum(r.party_members for r in rows))


def districts_for_coverage(user):
    from wuye.registry.selectors import districts_with_estates

    return districts_with_estates(estates_visible_to(user))


def parent_choices(user) -> QuerySet[PartyOrganisation]:
    return organisations_visible_to(user).filter(level=PartyOrganisation.Level.COMMUNITY, active=True)


def estates_for_organisations(user) -> QuerySet[Estate]:
    return estates_visible_to(user).order_by("community__name", "name") if can_manage_organisations(user) else Estate.objects.none()


def owners_for_organisation(org: PartyOrganisation):
    from wuye.registry.models import Owner

    if org.level == PartyOrganisation.Level.COMMUNITY:
        owned = Q(ownerships__estate__community_id=org.community_id)
    else:
        owned = Q(ownerships__estate__in=org.estates.all())
    return Owner.objects.filter(owned).exclude(pk__in=org.members.values("owner_id")).distinct().order_by("name")


def party_member_get(org: PartyOrganisation, pk, *, user) -> PartyMember:
    return get_visible_or_404(org.members.all(), user=user, pk=pk)


def estates_covered(org: PartyOrganisation):
    return list(org.estates.order_by("name"))
