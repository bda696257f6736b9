"""The credit sweep (Huey, hourly; safe to run twice or on two workers).

1. Events whose public notice ended without an objection are confirmed (each by a conditional
   UPDATE on its version: of two workers one confirms, the other skips it).
2. The companies and project managers concerned are recomputed, and so are those with an item
   that stopped counting in the last week (expiry needs no status change: an item counts while
   ``valid_until`` is after today, so recomputing is enough; the week covers missed runs).
3. A company the recompute has just black-listed gets its exit cases (``services.credit_refresh``).

``credit_nightly_recompute`` is the nightly pass over every company, with the same step 3.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from .exits import exit_cases_open
from .models import CreditEvent
from .scoring import credit_recompute_all
from .services import credit_event_confirm, credit_refresh

S = CreditEvent.Status
BATCH = 500


def credit_sweep(now: datetime | None = None) -> dict:
    """Confirm the events whose notice is over and recompute what changed. Returns counts."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    confirmed = 0
    companies: set[int] = set()
    managers: set[int] = set()
    due = (CreditEvent.objects.filter(status=S.NOTICE, notice_end__lt=now).order_by("notice_end", "pk")
           .only("pk", "company_id", "manager_id", "version"))
    last_pk = 0
    while True:
        batch = list(due.filter(pk__gt=last_pk).order_by("pk")[:BATCH])
        if not batch:
            break
        for event in batch:
            if credit_event_confirm(event=event, now=now):
                confirmed += 1
                (managers if event.manager_id else companies).add(event.manager_id or event.company_id)
        last_pk = batch[-1].pk
    lapsed = (CreditEvent.objects.filter(status=S.CONFIRMED)
              .filter(Q(valid_until__gt=today - timedelta(days=7), valid_until__lte=today)
                      | Q(valid_from__gt=today - timedelta(days=7), valid_from__lte=today))
              .values_list("company_id", "manager_id").distinct())
    for company_id, manager_id in lapsed:
        (managers if manager_id else companies).add(manager_id or company_id)
    for company_id in sorted(companies):
        credit_refresh(company_id=company_id, today=today, now=now)
    for manager_id in sorted(managers):
        credit_refresh(manager_id=manager_id, today=today)
    return {"confirmed": confirmed, "companies": len(companies), "managers": len(managers)}


def credit_nightly_recompute(*, today=None) -> dict:
    """Every company's credit (expiry by date), then the exit cases of those just black-listed."""
    result = credit_recompute_all(today=today)
    result["exit_cases"] = exit_cases_open(result.pop("black_listed"))
    return result
