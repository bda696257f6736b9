"""What the rest of the platform calls to put credit events on record (issue 4 §8).

Automatic events come from platform records — a company's monthly complaint metrics, an
overdue rectification order, a star result, an inspection score, a missing disclosure. The record
itself is the evidence, so the platform reviews them itself and they go straight to public notice
(rules.md §9: review → public notice → objection → confirmation); the credit sweep confirms them
when the notice period ends without an objection. Each carries a ``source_key`` naming what
produced it, so a job that runs twice records once.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from wuye.core.calendar import PeriodUnit, add_period

from .models import CreditEvent, CreditEventLog, CreditRule, CreditSettings


def _valid_until(rule: CreditRule, start: date) -> date | None:
    if rule.validity_days is None:
        return None
    return start + timedelta(days=rule.validity_days)


def credit_event_auto(
    *,
    company,
    rule_code: str,
    source_key: str,
    occurred_on: date,
    description: str,
    estate=None,
    manager=None,
    district=None,
    source_url: str = "",
    evidence: str = "",
) -> CreditEvent | None:
    """Record one automatic credit event in public notice; return it (or the one already recorded
    under ``source_key``). Returns None when the rule is missing or switched off."""
    rule = CreditRule.objects.filter(code=rule_code, active=True).first()
    if rule is None:
        return None
    existing = CreditEvent.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    now = timezone.now()
    cs = CreditSettings.current()
    event = CreditEvent(
        company=company, manager=manager, estate=estate, district=district, rule=rule, klass=rule.klass,
        points=rule.points, status=CreditEvent.Status.NOTICE, source=CreditEvent.Source.AUTO,
        source_key=source_key, source_url=source_url, description=description, evidence=evidence,
        occurred_on=occurred_on, notice_start=now,
        notice_end=add_period(now, cs.notice_workdays, PeriodUnit.WORKING_DAYS),
    )
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:  # recorded meanwhile by another worker under the same key
        return CreditEvent.objects.filter(source_key=source_key).first()
    CreditEventLog.objects.create(event=event, action="auto", from_status="", to_status=event.status,
                                  note=description[:500])
    return event


def credit_event_repair_by_source(*, source_key: str, reason: str, actor=None) -> CreditEvent | None:
    """Credit repair (rules.md §9): verified rectification ends a bad item early. Repairs the event
    recorded under ``source_key`` if it is a bad item still on record; returns it, or None."""
    from .scoring import credit_recompute

    event = CreditEvent.objects.filter(source_key=source_key).first()
    if event is None or event.klass != CreditRule.Klass.BAD or event.repaired_at is not None:
        return None
    if event.status == CreditEvent.Status.WITHDRAWN:
        return None
    now = timezone.now()
    updated = CreditEvent.objects.filter(pk=event.pk, version=event.version, repaired_at__isnull=True).update(
        repaired_at=now, repair_reason=reason[:300], version=event.version + 1,
    )
    if not updated:
        return None
    CreditEventLog.objects.create(event=event, actor=actor, action="repair", from_status=event.status,
                                  to_status=event.status, note=reason)
    event.refresh_from_db()
    credit_recompute(event.company_id)
    return event
