"""Who may see and run owners' votes (decided here and nowhere else, DESIGN.md).

- Motions are seen by the city bureau, the district authority, the street office and the community
  of the estate, its owners' committee, and the estate's verified owners (residents).
- A vote is called, cancelled and paper ballots entered by the estate's owners' committee or its
  street office (``can_run``).
- Who voted how is visible only to the committee and the street office, and the officials above
  them (district, city) (``can_see_ballots``); owners see totals.
- Online ballots are cast by a resident whose verified owner is on the frozen roll.
"""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.accounts.models import Role
from wuye.core.access import get_visible_or_404
from wuye.core.calendar import local_text
from wuye.governance.models import Ballot, GovernanceSettings, Motion, RollEntry
from wuye.registry.selectors import NOTHING, estate_q

from .workflow import RUNNER

VIEW_ROLES = {Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.COMMITTEE, Role.RESIDENT}
RUN_ROLES = {Role.COMMITTEE, Role.STREET}
BALLOT_ROLES = {Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMITTEE}


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def motions_visible_to(user) -> QuerySet[Motion]:
    if not _active(user) or user.role not in VIEW_ROLES:
        return Motion.objects.none()
    q = estate_q(user, "estate__")
    if q == NOTHING:
        return Motion.objects.none()
    qs = Motion.objects.all()
    return qs if q is None else qs.filter(q)


def motion_get_for_user(*, user, pk) -> Motion:
    return get_visible_or_404(motions_visible_to(user).select_related("estate", "estate__street", "called_by"),
                              user=user, pk=pk)


def can_run(user, estate) -> bool:
    """The estate's owners' committee or its street office."""
    if not _active(user):
        return False
    if user.role == Role.COMMITTEE:
        return user.estate_id == estate.pk
    if user.role == Role.STREET:
        return user.street_id == estate.street_id
    return False


def can_call_anywhere(user) -> bool:
    return _active(user) and user.role in RUN_ROLES


def can_view_motions(user) -> bool:
    """The motions pages: officials of the territory, committees and owners."""
    return _active(user) and user.role in VIEW_ROLES


def is_resident(user) -> bool:
    return _active(user) and user.role == Role.RESIDENT


def can_vote_online(user) -> bool:
    """A resident whose owner has been verified (whether on a given roll: ``entry_for_owner``)."""
    return _active(user) and user.role == Role.RESIDENT and bool(user.owner_id)


def actor_kinds(user, estate) -> set[str]:
    """The kinds of actor ``user`` counts as for the motions of ``estate`` (``votes/workflow.py``)."""
    return {RUNNER} if can_run(user, estate) else set()


def can_see_ballots(user, estate) -> bool:
    """Who voted how: the committee and the street office, and the district and city above them."""
    if not _active(user) or user.role not in BALLOT_ROLES:
        return False
    if user.role == Role.CITY:
        return True
    if user.role == Role.DISTRICT:
        return user.district_id == estate.district_id
    return can_run(user, estate)


def entry_for_owner(motion: Motion, owner_id) -> RollEntry | None:
    if not owner_id:
        return None
    return RollEntry.objects.filter(motion=motion, owners__id=owner_id).first()


def motion_status(motion: Motion, now=None) -> str:
    """Derived from the times: notice → voting → closed (or cancelled)."""
    now = now or timezone.now()
    if motion.cancelled_at:
        return Motion.Status.CANCELLED
    if motion.final_result is not None or now >= motion.voting_closes_at:
        return Motion.Status.CLOSED
    if now >= motion.voting_opens_at:
        return Motion.Status.VOTING
    return Motion.Status.NOTICE


def ballot_blocked_reason(motion: Motion, now=None) -> str:
    """Why no ballot can be cast now ("" while voting runs), in the words the disabled vote button
    shows (issue 14 §4): during the notice period "公告期未满 15 日，11-27 起可开始投票" (rules.md §1:
    the owners are notified ``GovernanceSettings.notice_days`` days before)."""
    now = now or timezone.now()
    status = motion_status(motion, now)
    if status == Motion.Status.CANCELLED:
        return str(_("该表决已取消"))
    if status == Motion.Status.CLOSED:
        return str(_("投票已截止"))
    if status == Motion.Status.VOTING:
        return ""
    opens = local_text(motion.voting_opens_at, "%m-%d")
    days = GovernanceSettings.current().notice_days
    if (timezone.localtime(now).date() - motion.notice_date).days < days:
        return str(_("公告期未满 %(n)s 日，%(d)s 起可开始投票")) % {"n": days, "d": opens}
    return str(_("%(d)s 起可开始投票")) % {"d": local_text(motion.voting_opens_at)}


def status_q(status: str, now=None) -> Q | None:
    now = now or timezone.now()
    if status == Motion.Status.CANCELLED:
        return Q(cancelled_at__isnull=False)
    live = Q(cancelled_at__isnull=True)
    if status == Motion.Status.CLOSED:
        return live & (Q(final_result__isnull=False) | Q(voting_closes_at__lte=now))
    if status == Motion.Status.VOTING:
        return live & Q(final_result__isnull=True, voting_opens_at__lte=now, voting_closes_at__gt=now)
    if status == Motion.Status.NOTICE:
        return live & Q(voting_opens_at__gt=now)
    return None


# ---------------------------------------------------------------- reads of the pages and the API


def ballot_of(motion: Motion, entry: RollEntry | None) -> Ballot | None:
    if entry is None:
        return None
    return Ballot.objects.filter(motion=motion, entry=entry).first()


def has_ballot(motion: Motion, entry: RollEntry) -> bool:
    return Ballot.objects.filter(motion=motion, entry=entry).exists()


def recent_ballots(motion: Motion, *, channel: str | None = None, limit: int = 50) -> list[Ballot]:
    qs = Ballot.objects.filter(motion=motion)
    if channel:
        qs = qs.filter(channel=channel)
    return list(qs.select_related("entry").order_by("-changed_at", "-cast_at", "-id")[:limit])


def roll_entry(motion: Motion, pk) -> RollEntry | None:
    """The entry ``pk`` of the motion's roll, or None."""
    try:
        return RollEntry.objects.filter(motion=motion, pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def roll_owner_ids(motion: Motion) -> QuerySet:
    """The owners on the motion's frozen roll (a subquery of owner ids)."""
    return RollEntry.owners.through.objects.filter(rollentry__motion=motion).values("owner_id")


def roll_of(motion: Motion) -> QuerySet[RollEntry]:
    return RollEntry.objects.filter(motion=motion).order_by("id")


def _with_ballots(motion: Motion) -> QuerySet[RollEntry]:
    b = Ballot.objects.filter(motion=motion, entry_id=OuterRef("pk"))
    return RollEntry.objects.filter(motion=motion).annotate(
        b_choice=Subquery(b.values("choice")[:1]), b_channel=Subquery(b.values("channel")[:1]),
        b_no=Subquery(b.values("ballot_no")[:1])).order_by("id")


def roll_with_ballots(motion: Motion, *, q: str = "", voted: str = "") -> QuerySet[RollEntry]:
    """The roll with each head's ballot (choice, channel, number); ``q`` filters by name,
    ``voted`` ("yes"/"no") by whether a ballot was cast."""
    qs = _with_ballots(motion)
    if q:
        qs = qs.filter(name__icontains=q)
    if voted == "yes":
        qs = qs.filter(ballots__isnull=False)
    elif voted == "no":
        qs = qs.filter(ballots__isnull=True)
    return qs


def roll_search(motion: Motion, q: str, *, limit: int = 20) -> list[RollEntry]:
    """Find heads on the roll by name, room number or entry number (paper ballots)."""
    qs = _with_ballots(motion).filter(Q(name__icontains=q) | Q(owners__ownerships__unit__number__icontains=q)
                                      | Q(pk=int(q) if q.isdigit() else 0)).distinct()
    return list(qs[:limit])


def motion_list_for(user, *, status: str = "", q: str = "", now=None) -> QuerySet[Motion]:
    qs = motions_visible_to(user).select_related("estate", "estate__district", "estate__street")
    sq = status_q(status, now)
    if sq is not None:
        qs = qs.filter(sq)
    if q:
        qs = qs.filter(Q(estate__name__icontains=q) | Q(title__icontains=q))
    return qs.order_by("-voting_closes_at", "-id")


def events_of(motion: Motion, *, see_ballots: bool, limit: int = 50):
    """The motion's record; ballot rows (who voted when) only for those who may see the ballots."""
    qs = motion.events.all()
    if not see_ballots:
        qs = qs.exclude(action__in=("ballot", "ballot_change"))
    return qs.order_by("-created_at", "-id")[:limit]


def recent_public_motions(estate_id: int, *, limit: int = 5) -> list[Motion]:
    """The estate's latest motions (not cancelled) for its public page."""
    return list(Motion.objects.filter(estate_id=estate_id, cancelled_at__isnull=True)
                .order_by("-voting_closes_at", "-id")[:limit])
