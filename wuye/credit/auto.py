"""What the rest of the platform calls to put credit events on record (issue 4 §8).

Automatic events come from platform records — a company's monthly complaint metrics, an
overdue rectification order, a star result, an inspection score, a missing disclosure. The record
itself is the evidence, so the platform reviews them itself and they go straight to public notice
(rules.md §9: review → public notice → objection → confirmation); the credit sweep confirms them
when the notice period ends without an objection. Each carries a ``source_key`` naming what
produced it, so a job that runs twice records once: the event, its timeline row, its audit row
and the company's notification are written in one transaction, so a crash leaves nothing behind
and the rerun records all of them.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from wuye.accounts.selectors import company_users
from wuye.core.audit import audit_record
from wuye.core.calendar import local_text
from wuye.core.errors import ConflictError
from wuye.core.models import AuditAction
from wuye.notifications.services import notify

from .models import CreditEvent, CreditRule, CreditSettings
from .services import credit_refresh, log_creation, notice_end_for
from .workflow import MACHINE

S = CreditEvent.Status


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
    if rule.subject != CreditRule.Subject.MANAGER:
        manager = None
    if district is None and estate is not None:
        district_id = estate.district_id
    else:
        district_id = getattr(district, "pk", district)
    now = timezone.now()
    end = notice_end_for(now, CreditSettings.current())
    event = CreditEvent(
        company=company, manager=manager, estate=estate, district_id=district_id, rule=rule, klass=rule.klass,
        points=rule.points, status=S.NOTICE, source=CreditEvent.Source.AUTO,
        source_key=source_key[:120], source_url=source_url[:200], description=description[:2000],
        evidence=evidence[:2000], occurred_on=occurred_on, notice_start=now, notice_end=end,
    )
    try:
        # One transaction: the event, its timeline row, its audit row and the notification.
        with transaction.atomic():
            event.save()
            log_creation(event, "auto", note=description[:500])
            audit_record(action=AuditAction.CREATE, actor=None, obj=event, username="system",
                         changes={"rule": rule.code, "company": company.pk, "source_key": source_key},
                         detail=f"自动生成信用信息 {rule.code} {rule.name}")
            notify(users=list(company_users(company.pk)), subject=gettext("信用信息公示"),
                   body=gettext("贵企业的信用信息“%(rule)s”已开始公示，如有异议请于 %(end)s 前提出。") % {
                       "rule": rule.name, "end": local_text(end)},
                   url=f"/credit/events/{event.pk}/", channels=("inapp",), dedup_key=f"credit:{event.pk}:notice",
                   category="credit")
    except IntegrityError:  # recorded meanwhile by another worker under the same key
        found = CreditEvent.objects.filter(source_key=source_key).first()
        if found is None:
            raise
        return found
    return event


def credit_event_repair_by_source(*, source_key: str, reason: str, actor=None) -> CreditEvent | None:
    """Credit repair (rules.md §9): verified rectification ends a bad item early. Repairs the event
    recorded under ``source_key`` if it is a bad item still on record; returns it, or None.

    An item not yet confirmed (still in notice or objected) is withdrawn instead: the rectification
    was verified before it ever counted."""
    event = CreditEvent.objects.filter(source_key=source_key).first()
    if event is None or event.klass != CreditRule.Klass.BAD or event.repaired_at is not None:
        return None
    if event.status == S.WITHDRAWN:
        return None
    if event.status == S.CONFIRMED:
        action, fields = "repair", {"repaired_at": timezone.now(), "repair_reason": reason[:300]}
    else:
        action, fields = "withdraw", {"withdrawn_reason": (gettext("整改已核实：") + reason)[:300]}
    try:
        MACHINE.apply(event, action, actor=actor, note=reason, audit_changes={"action": action},
                      audit_detail=f"整改核实，信用修复：{reason[:100]}", audit_username="system", **fields)
    except ConflictError:
        return None
    event.refresh_from_db()
    credit_refresh(company_id=event.company_id, manager_id=event.manager_id)
    return event
