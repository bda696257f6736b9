"""The rectification sweep (issue 4 §4), run every 10 minutes by Huey.

An order past its deadline and not closed is marked overdue once: the pass that moves its
``overdue_at`` from NULL (a conditional UPDATE) tells the supervising district's officials and
records the company's credit event XC03 (整改逾期未完成). Running twice, or on two workers at once,
acts once; the notification's de-duplication key and the credit event's source key are second guards.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import official_users
from wuye.core.audit import audit_record
from wuye.core.models import AuditAction
from wuye.credit.auto import credit_event_auto
from wuye.notifications.services import notify

from .models import OrderEvent, RectificationOrder

log = logging.getLogger("wuye.supervision.sweep")
BATCH = 500


def sweep_orders(*, now: datetime | None = None) -> int:
    """Mark overdue orders; returns how many this pass claimed."""
    now = now or timezone.now()
    due = list(
        RectificationOrder.objects.filter(
            status__in=[RectificationOrder.Status.OPEN, RectificationOrder.Status.SUBMITTED],
            deadline__lt=now, overdue_at__isnull=True,
        ).select_related("estate", "company", "district").order_by("deadline", "id")[:BATCH]
    )
    officials: dict[int, list] = {}
    claimed = 0
    for order in due:
        with transaction.atomic():
            n = RectificationOrder.objects.filter(pk=order.pk, overdue_at__isnull=True).update(overdue_at=now)
            if n != 1:
                continue  # another pass claimed it
            claimed += 1
            OrderEvent.objects.create(order=order, action="overdue", from_status=order.status, to_status=order.status,
                                      note=_("超过整改期限未完成"))
            audit_record(action=AuditAction.UPDATE, actor=None, obj=order, detail=_("整改逾期"),
                         changes={"overdue_at": [None, now]}, username="system")
            if order.district_id not in officials:
                officials[order.district_id] = official_users(order.district_id)
            url = reverse("supervision:order_detail", args=[order.pk])
            notify(users=officials[order.district_id],
                   subject=_("整改逾期"),
                   body=_("%(company)s 在 %(estate)s 的整改通知 %(no)s 已超过期限未完成整改。") % {
                       "company": order.company.name, "estate": order.estate.name, "no": order.number},
                   url=url, channels=("inapp",), dedup_key=f"order:{order.pk}:overdue", category="inspection")
            credit_event_auto(
                company=order.company, rule_code="XC03", source_key=f"order-overdue:{order.pk}",
                occurred_on=timezone.localdate(now),
                description=_("整改通知 %(no)s（%(estate)s）逾期未完成整改") % {"no": order.number, "estate": order.estate.name},
                estate=order.estate, district=order.district, source_url=url,
                evidence=_("整改通知 %(no)s") % {"no": order.number},
            )
    if claimed:
        log.info("rectification sweep: %d orders overdue", claimed)
    return claimed
