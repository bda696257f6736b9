"""The daily sweep: filing reminders, overdue filings (credit event BA01) and missing documents past
their promised date (a developer violation) — each once, however often it runs."""

from datetime import date, timedelta

import pytest

from wuye.credit.models import CreditEvent
from wuye.notifications.models import Notification
from wuye.transition.developers.models import DeveloperViolation
from wuye.transition.handover import services as svc
from wuye.transition.handover.models import HandoverCase, HandoverDocument
from wuye.transition.handover.sweep import sweep_handovers

pytestmark = pytest.mark.django_db


def handed(world, developer, on, estate=None, company=None, manager="manager_a"):
    return svc.case_open(actor=world.users[manager], estate=estate or world.estate_a, developer=developer,
                         company=company or world.company_a, completion_filed_on=date(2024, 1, 1),
                         delivered_on=date(2024, 2, 1), handed_over_on=on)


def test_an_overdue_filing_flags_the_case_and_records_the_credit_event_once(world, developer):
    case = handed(world, developer, date(2026, 9, 5))  # due 2026-10-08
    assert sweep_handovers(today=date(2026, 10, 8))["overdue"] == 0  # the last day itself is on time
    assert sweep_handovers(today=date(2026, 10, 9))["overdue"] == 1
    assert sweep_handovers(today=date(2026, 10, 9))["overdue"] == 0
    case.refresh_from_db()
    assert case.filing_overdue_at is not None
    ev = CreditEvent.objects.get()
    assert (ev.company, ev.rule.code, ev.source_key, ev.status) == (world.company_a, "BA01", f"handover-filing:{case.pk}", "notice")
    assert Notification.objects.filter(user=world.users["district"], category="handover").count() == 1


def test_a_filed_case_is_not_overdue(world, developer):
    case = handed(world, developer, date(2026, 9, 5))
    HandoverCase.objects.filter(pk=case.pk).update(filed_on=date(2026, 10, 8), status="filed")
    assert sweep_handovers(today=date(2026, 11, 1))["overdue"] == 0
    assert not CreditEvent.objects.exists()


def test_the_company_is_reminded_once_within_a_week_of_the_deadline(world, developer):
    case = handed(world, developer, date(2026, 9, 5))  # due 2026-10-08
    assert sweep_handovers(today=date(2026, 9, 30))["reminded"] == 0
    assert sweep_handovers(today=date(2026, 10, 1))["reminded"] == 1
    assert sweep_handovers(today=date(2026, 10, 2))["reminded"] == 0
    n = Notification.objects.filter(user=world.users["manager_a"], category="handover")
    assert n.count() == 1 and "2026-10-08" in n.get().body
    assert HandoverCase.objects.get(pk=case.pk).filing_reminded_at is not None


def test_a_missing_document_past_its_promised_date_is_a_violation_once(world, developer, case):
    doc = HandoverDocument.objects.filter(case=case).first()
    svc.document_update(actor=world.users["manager_a"], case=case, document=doc, status="missing",
                        promised_on=date(2026, 6, 30))
    assert sweep_handovers(today=date(2026, 6, 30))["documents"] == 0
    assert sweep_handovers(today=date(2026, 7, 1))["documents"] == 1
    assert sweep_handovers(today=date(2026, 7, 2))["documents"] == 0
    v = DeveloperViolation.objects.get()
    assert (v.developer, v.kind, v.source) == (developer, "documents_withheld", "auto")
    # a received document is no violation
    doc2 = HandoverDocument.objects.filter(case=case)[1]
    svc.document_update(actor=world.users["manager_a"], case=case, document=doc2, status="received",
                        received_on=date(2026, 6, 1))
    assert sweep_handovers(today=date(2026, 8, 1) + timedelta(days=1))["documents"] == 0
