"""Who may see which committee elections and committees (DESIGN.md: decided in one place).

Elections are seen by the officials of the estate's territory (city, district, street,
community), its owners' committee and its owners; never by property companies (the owners elect
the committee that hires or fires them) nor by the three administrators.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from wuye.accounts.models import Role
from wuye.core.access import get_visible_or_404
from wuye.registry.models import OwnersCommittee
from wuye.registry.selectors import NOTHING, estate_q

from .models import Election

OFFICIAL_ROLES = frozenset({Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY})
READER_ROLES = OFFICIAL_ROLES | {Role.COMMITTEE, Role.RESIDENT}


def _q(user, prefix: str) -> Q | None:
    if getattr(user, "role", None) not in READER_ROLES:
        return NOTHING
    return estate_q(user, prefix)


def elections_visible_to(user) -> QuerySet[Election]:
    q = _q(user, "estate__")
    qs = Election.objects.all()
    return qs if q is None else qs.filter(q)


def election_get_for_user(*, user, pk) -> Election:
    qs = elections_visible_to(user).select_related("estate", "estate__district", "estate__street", "committee",
                                                   "motion", "created_by")
    return get_visible_or_404(qs, user=user, pk=pk)


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
