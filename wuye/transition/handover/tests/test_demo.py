"""The demo step: handover cases in every step, early deliveries recorded and referred, overdue
filings flagged with their credit item, consistent checklists and defects; deterministic."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from wuye.campaign.notices.models import Notice
from wuye.credit.models import CreditEvent
from wuye.demo.transition_handover import MODELS, build_demo_handover
from wuye.registry import services as rs
from wuye.territory.models import Department
from wuye.transition.developers.models import DevelopedEstate, DeveloperViolation
from wuye.transition.handover.models import HandoverCase, HandoverDefect, HandoverDocument
from wuye.transition.handover.rules import early_delivery_kind, filing_due, filing_overdue

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _city(world, developer):
    root = world.users["city"]
    Department.objects.create(district=world.d1, kind=Department.Kind.CONSTRUCTION, name="东城区建设委员会")
    Department.objects.create(district=world.d1, kind=Department.Kind.HOUSING, name="东城区住房和城乡建设委员会")
    for i in range(24):
        community, company = (world.c1, world.company_a) if i % 2 else (world.c2, world.company_b)
        e = rs.estate_create(actor=root, name=f"新建小区{i}", address=f"示范路 {i} 号", community=community, year_built=2024,
                             floor_area=Decimal("30000.00"))
        rs.estate_set_contract(actor=root, estate=e, company=company, start_date=date(2025, 1, 1), end_date=date(2028, 12, 31),
                               contracted_grade="3", fee_rate=Decimal("2.50"), filing_number=f"WY-X{i:03d}")
        DevelopedEstate.objects.create(developer=developer, estate=e)


def _snapshot():
    return list(HandoverCase.objects.order_by("pk").values_list(
        "estate_id", "status", "early_kind", "delivered_on", "handed_over_on", "filing_due", "filed_on"))


def test_demo_handover_cases_are_realistic_and_deterministic(world, developer):
    assert set(MODELS) >= {"handover.HandoverCase", "handover.HandoverDocument"}
    _city(world, developer)
    counts = build_demo_handover(scale="small", seed=7, now=NOW, city_id=world.city.pk)
    cases = list(HandoverCase.objects.all())
    assert counts["handover.HandoverCase"] == len(cases) == 24
    assert {c.status for c in cases} == set(HandoverCase.Status.values)  # every step
    today = NOW.date()
    assert any(filing_overdue(c, today) and c.filed_on is None for c in cases)  # overdue filings
    assert any(c.early_delivery for c in cases)  # early deliveries
    for c in cases:
        assert c.early_kind == early_delivery_kind(delivered_on=c.delivered_on, completion_filed_on=c.completion_filed_on)
        assert c.filing_due == filing_due(c.handed_over_on)
        assert c.created_at <= NOW and (c.handed_over_on or today) <= today and (c.filed_on or today) <= today
        docs = HandoverDocument.objects.filter(case=c)
        if c.status not in ("plan", "documents"):
            assert not docs.filter(status="pending").exists()
            assert not docs.filter(status="missing", promised_on__isnull=True).exists()
        if c.status in ("confirmation", "agreement", "handover", "handed_over", "filed"):
            assert not HandoverDefect.objects.filter(case=c, status="open").exists()
        if c.early_delivery:
            assert DeveloperViolation.objects.filter(source_key=f"handover:{c.pk}:{c.early_kind}").exists()
        if c.status == "handed_over" and filing_overdue(c, today):
            assert c.filing_overdue_at is not None
            assert CreditEvent.objects.filter(source_key=f"handover-filing:{c.pk}", rule__code="BA01").exists()
    early_d1 = [c for c in cases if c.early_delivery and c.district_id == world.d1.pk]
    assert early_d1
    for c in early_d1:  # referred to district 1's construction and housing departments
        c.refresh_from_db()
        assert c.referral_notice is not None and c.referral_notice.receipts.count() == 2
    assert Notice.objects.filter(source_kind="handover").count() == len(early_d1)
    first = _snapshot()
    HandoverCase.objects.all().delete()
    build_demo_handover(scale="small", seed=7, now=NOW, city_id=world.city.pk)
    assert _snapshot() == first
