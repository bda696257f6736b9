from datetime import date
from decimal import Decimal

import pytest

from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction, AuditLog
from wuye.registry import services as rs
from wuye.registry.models import Estate


def test_world_builds_with_audit_rows(world):
    assert world.estate_a.district_id == world.d1.pk
    assert world.estate_a.company_id == world.company_a.pk
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="registry.estate").count() == 2


def test_bad_credit_code_gets_chinese_error(world):
    with pytest.raises(ServiceError) as exc:
        rs.company_create(actor=world.users["city"], name="坏代码物业", credit_code="91110105MA01ABCD01",
                          legal_representative="某", address="某地", service_phone="01012345678")
    assert "校验位" in str(exc.value.message_dict["credit_code"])


def test_update_audits_before_and_after(world):
    rs.estate_update(actor=world.users["district"], estate=world.estate_a, floor_area=Decimal("60000.00"))
    row = AuditLog.objects.filter(action=AuditAction.UPDATE, object_type="registry.estate").first()
    assert row.changes == {"floor_area": ["52000.00", "60000.00"]}
    assert row.actor_username == "p_district"
    assert Estate.objects.get(pk=world.estate_a.pk).floor_area == Decimal("60000.00")


def test_company_manager_cannot_change_identity_or_filing(world):
    manager = world.users["manager_a"]
    with pytest.raises(ServiceError) as exc:
        rs.company_update(actor=manager, company=world.company_a, filing_status="unfiled")
    assert "住房主管部门" in exc.value.message_dict["filing_status"][0]
    rs.company_update(actor=manager, company=world.company_a, service_phone="01065559999",
                      filing_status=world.company_a.filing_status)
    world.company_a.refresh_from_db()
    assert world.company_a.service_phone == "01065559999"
    rs.company_update(actor=world.users["district"], company=world.company_a, filing_status="pending")
    world.company_a.refresh_from_db()
    assert world.company_a.filing_status == "pending"


def test_committee_term_is_at_most_five_years_on_update_too(world):
    with pytest.raises(ServiceError):
        rs.committee_update(actor=world.users["city"], committee=world.committee_a, term_end=date(2029, 1, 2))
    rs.committee_update(actor=world.users["city"], committee=world.committee_a, term_end=date(2029, 1, 1))
    with pytest.raises(ServiceError):
        rs.committee_create(actor=world.users["city"], estate=world.estate_b, term_start=date(2024, 2, 29),
                            term_end=date(2029, 3, 1))
