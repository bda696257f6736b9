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

from django.db.models import Q, QuerySet
from django.utils import timezone

from wuye.accounts.models import Role
from wuye.core.access import get_visible_or_404
from wuye.registry.selectors import NOTHING, estate_q

from .models import Motion, RollEntry

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
