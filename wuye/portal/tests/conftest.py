"""Helpers shared by the portal tests: more data of the same shapes as the ``world`` personas."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from wuye.registry import services as rs
from wuye.territory.models import Community, Street

CREDIT_CODES = ["91110102MA03JKLM2D", "91110106MA04NPQR3K"]


def grow(world, n: int = 3, tag: str = "扩") -> None:
    """Add ``n`` estates to each district with buildings, units, owners, parking, staff, contracts
    and committees that all need attention, so that every workbench table has more rows."""
    root = world.users["city"]
    today = timezone.localdate()
    for district, community, company in ((world.d1, world.c1, world.company_a), (world.d2, world.c2, world.company_b)):
        street = Street.objects.create(district=district, name=f"{district.name}{tag}街道",
                                       code=f"{district.code}{900 + len(tag):03d}000")
        extra = Community.objects.create(street=street, name=f"{district.name}{tag}社区", code=f"{street.code[:9]}001")
        for i in range(n):
            estate = rs.estate_create(actor=root, name=f"{district.name}{tag}园{i}", address=f"{district.name}{tag}路{i}号",
                                      community=extra if i % 2 else community)
            if i % 3 == 0:
                rs.estate_update(actor=root, estate=estate, management_mode="none")
                continue
            rs.estate_set_contract(actor=root, estate=estate, company=company, start_date=date(2022, 1, 1),
                                   end_date=today + timedelta(days=10 * i), contracted_grade="2", fee_rate=Decimal("1.80"))
            estate.refresh_from_db()
            building = rs.building_create(actor=root, estate=estate, name=f"{i}号楼")
            for k in range(2):
                unit = rs.unit_create(actor=root, building=building, number=f"{i}-{k}", exclusive_area=Decimal("70.00"))
                owner = rs.owner_create(actor=root, name=f"{tag}业主{i}{k}")
                rs.ownership_create(actor=root, unit=unit, owner=owner)
            rs.parking_create(actor=root, estate=estate, number=f"P{i}", kind="underground", ownership="developer",
                              disposal="idle")
            rs.staff_create(actor=root, company=company, name=f"{tag}员工{i}", role="cleaner")
            rs.committee_create(actor=root, estate=estate, term_start=date(2020, 1, 1), term_end=date(2024, 12, 31))


@pytest.fixture
def grow_world():
    return grow
