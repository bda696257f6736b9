"""Helpers shared by the registry page tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Model
from stdnum.cn import uscc

from wuye.core.models import AuditAction, AuditLog
from wuye.registry import services as rs
from wuye.registry.pages import TYPES

ALL_ROLES = [
    "city", "district", "district2", "street", "community", "department", "manager_a", "staff_a", "manager_b",
    "committee", "resident", "sysadmin", "secadmin", "auditor", "outsider",
]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The personas' passwords are hashed with a fast hasher: these tests are about pages."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def post_value(value):
    if value is None:
        return ""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (datetime.date, Decimal)):
        return str(value)
    return value


def edit_payload(slug: str, obj, user, **changes) -> dict:
    """What the edit form of ``obj`` would post unchanged, with ``changes`` applied."""
    rt = TYPES[slug]
    form = rt.form_class(user=user, instance=obj)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = post_value(value)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = post_value(value)
    return data


def denied_rows(model, pk) -> int:
    return AuditLog.objects.filter(
        action=AuditAction.DENIED, object_type=model._meta.label_lower, object_id=str(pk)
    ).count()


def credit_code(n: int) -> str:
    """A valid unified social credit code (GB 32100-2015), different for each ``n``."""

    body = f"9111010{n % 10}MA{n:07d}"[:17].ljust(17, "0")
    return body + uscc.calc_check_digit(body)


def grow(world, slug: str, n: int) -> None:
    """Add ``n`` more records of one type on the A side of the world (district 1, company A)."""

    root = world.users["city"]
    for i in range(n):
        if slug == "company":
            company = rs.company_create(actor=root, name=f"测试物业{i:03d}有限公司", credit_code=credit_code(100 + i),
                                        legal_representative="某某", address="东城区某路", service_phone="01060000000")
            estate = rs.estate_create(actor=root, name=f"测试小区{i:03d}", address="某路", community=world.c1)
            rs.estate_set_contract(actor=root, estate=estate, company=company, start_date=datetime.date(2024, 1, 1),
                                   end_date=datetime.date(2026, 12, 31), contracted_grade="2", fee_rate=Decimal("1.50"))
        elif slug == "estate":
            rs.estate_create(actor=root, name=f"测试小区{i:03d}", address="某路", community=world.c1, year_built=2000 + i)
        elif slug == "building":
            rs.building_create(actor=root, estate=world.estate_a, name=f"{i + 10}号楼", floors=6)
        elif slug == "unit":
            rs.unit_create(actor=root, building=world.building_a, number=f"3-2-{i + 100}", exclusive_area=Decimal("80.00"))
        elif slug == "owner":
            unit = rs.unit_create(actor=root, building=world.building_a, number=f"3-3-{i + 100}",
                                  exclusive_area=Decimal("80.00"))
            rs.unit_owner_register(actor=root, unit=unit, name=f"王测试{i:03d}", phone=f"1390000{i:04d}")
        elif slug == "parking":
            rs.parking_create(actor=root, estate=world.estate_a, number=f"T-{i:03d}", kind="surface",
                              ownership="common", disposal="rented", monthly_rent=Decimal("200.00"))
        elif slug == "staff":
            rs.staff_create(actor=root, company=world.company_a, name=f"测试员{i:03d}", role="cleaner",
                            phone=f"1370000{i:04d}", estate=world.estate_a)
        elif slug == "committee":
            start = datetime.date(1990 + i, 1, 1)
            committee = rs.committee_create(actor=root, estate=world.estate_a, term_start=start,
                                            term_end=datetime.date(1990 + i + 3, 1, 1))
            rs.committee_member_add(actor=root, committee=committee, name="成员", position="member")
        else:  # pragma: no cover - a typo in a test
            raise ValueError(slug)
