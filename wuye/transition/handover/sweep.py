"""The daily handover sweep (Huey, ``tasks.handover_sweep``). Idempotent: every effect is claimed
by a conditional UPDATE of a NULL column, so running twice or on two workers acts once; the
notification's de-duplication key and the credit event's / violation's source key are second guards.

1. Reminder: a handover not yet filed whose filing deadline (30 days, rules.md §7/§13) is within
   ``REMIND_DAYS`` days — the company's users are told once (``filing_reminded_at``).
2. Overdue filing: past the deadline and still unfiled (``filing_overdue_at``) — the district's
   officials are told and the company gets the catalogue's credit item ``BA01`` 未按期办理物业承接
   查验备案 (物业承接查验办法 建房〔2010〕165号; ``credit.auto.credit_event_auto``).
3. A missing document past the developer's promised date (``violation_at``) — a violation
   ``documents_withheld`` on the developer's record (``developers.services.record_violation``).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import company_users, official_users
from wuye.core.audit import audit_record
from wuye.core.models import AuditAction
from wuye.credit.auto import credit_event_auto
from wuye.notifications.services import notify

from .models import HandoverCase, HandoverDocument, HandoverEvent
from .services import case_url, record_violation, reminder_text

log = logging.getLogger("wuye.handover.sweep")
REMIND_DAYS = 7
BATCH = 500
FILING_RULE = "BA01"


def sweep_handovers(*, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    now = timezone.now()
    done = {"reminded": 0, "overdue": 0, "documents": 0}
    unfiled = HandoverCase.objects.filter(filed_on__isnull=True, filing_due__isnull=False).select_related("estate", "company")
    for case in unfiled.filter(filing_reminded_at__isnull=True, filing_due__gte=today,
                               filing_due__lte=today + timedelta(days=REMIND_DAYS)).order_by("filing_due", "id")[:BATCH]:
        with transaction.atomic():
            if HandoverCase.objects.filter(pk=case.pk, filing_reminded_at__isnull=True).update(filing_reminded_at=now) != 1:
                continue
            done["reminded"] += 1
            notify(users=list(company_users(case.company_id)), subject=_("承接查验备案提醒"), body=reminder_text(case),
                   url=case_url(case), channels=("inapp", "sms"), dedup_key=f"handover:{case.pk}:remind", category="handover")
    for case in unfiled.filter(filing_overdue_at__isnull=True, filing_due__lt=today).order_by("filing_due", "id")[:BATCH]:
        with transaction.atomic():
            if HandoverCase.objects.filter(pk=case.pk, filing_overdue_at__isnull=True, filed_on__isnull=True) \
                    .update(filing_overdue_at=now) != 1:
                continue
            done["overdue"] += 1
            text = _("%(company)s 未在 %(due)s 前办理%(estate)s%(phase)s的承接查验备案（物业交接日期 %(h)s）") % {
                "company": case.company.name, "due": case.filing_due, "estate": case.estate.name, "phase": case.phase,
                "h": case.handed_over_on}
            HandoverEvent.objects.create(case=case, action="filing_overdue", from_status=case.status, to_status=case.status,
                                         note=text)
            audit_record(action=AuditAction.UPDATE, actor=None, obj=case, username="system", detail=_("承接查验备案逾期"),
                         changes={"filing_overdue_at": [None, now.isoformat()]})
            notify(users=official_users(case.district_id), subject=_("承接查验备案逾期"), body=text, url=case_url(case),
                   channels=("inapp",), dedup_key=f"handover:{case.pk}:overdue", category="handover")
            credit_event_auto(company=case.company, rule_code=FILING_RULE, source_key=f"handover-filing:{case.pk}",
                              occurred_on=case.filing_due + timedelta(days=1), description=text, estate=case.estate,
                              district=case.district_id, source_url=case_url(case),
                              evidence=_("承接查验记录：交接日期 %(h)s，备案期限 %(due)s") % {"h": case.handed_over_on, "due": case.filing_due})
    missing = HandoverDocument.objects.filter(status=HandoverDocument.Status.MISSING, promised_on__lt=today,
                                              violation_at__isnull=True).select_related("case__developer", "case__estate")
    for doc in missing.order_by("promised_on", "id")[:BATCH]:
        with transaction.atomic():
            if HandoverDocument.objects.filter(pk=doc.pk, violation_at__isnull=True, status=HandoverDocument.Status.MISSING) \
                    .update(violation_at=now) != 1:
                continue
            done["documents"] += 1
            case = doc.case
            text = _("建设单位未按承诺于 %(d)s 前移交%(estate)s%(phase)s的“%(name)s”（物业承接查验办法）") % {
                "d": doc.promised_on, "estate": case.estate.name, "phase": case.phase, "name": doc.name}
            record_violation(developer=case.developer, kind="documents_withheld", estate=case.estate, note=text,
                             actor=None, automatic=True, source=f"handover-doc:{doc.pk}:{doc.promised_on}")
            HandoverEvent.objects.create(case=case, action="documents_late", from_status=case.status, to_status=case.status,
                                         note=text)
    if any(done.values()):
        log.info("handover sweep: %s", done)
    return done
