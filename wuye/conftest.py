"""Shared test personas, built through the real services (DESIGN.md: no JSON fixtures).

``world`` is two districts, each with a street, a community and an estate; two rival
companies; owners and units; and one user per role, bound to the first district's side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

import pytest
from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.registry import services as rs
from wuye.territory.models import City, Community, Department, District, Street

PASSWORD = "Wuye@2026"

# Valid unified social credit codes (GB 32100-2015 check characters).
CREDIT_CODES = ["91110105MA01ABCD00", "91110108MA02EFGH1P", "91110102MA03JKLM2D", "91110106MA04NPQR3K"]


def password_hash() -> str:
    """PASSWORD hashed once per test process and hasher list (Argon2 is slow on purpose; each
    persona reuses it). Keyed on the hashers so that a test module which switches to a fast
    hasher never hands its hash to tests that run with the real ones."""
    from django.conf import settings

    return _password_hash(tuple(settings.PASSWORD_HASHERS))


@lru_cache(maxsize=4)
def _password_hash(hashers: tuple[str, ...]) -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


def make_user(username: str, role: str, **binding) -> User:
    user = User(username=username, role=role, full_name=username, password_changed_at=timezone.now(), **binding)
    user.password = password_hash()
    user.save()
    return user


@dataclass
class World:
    city: City
    d1: District
    d2: District
    s1: Street
    s2: Street
    c1: Community
    c2: Community
    company_a: object
    company_b: object
    estate_a: object  # district 1, served by company A
    estate_b: object  # district 2, served by company B
    building_a: object
    building_b: object
    unit_a: object
    unit_b: object
    owner_a: object
    owner_b: object
    parking_a: object
    parking_b: object
    staff_a: object
    staff_b: object
    committee_a: object
    committee_b: object
    users: dict


def build_world() -> World:
    city = City.objects.create(name="示范市", code="110000")
    d1 = District.objects.create(city=city, name="东城区", code="110101")
    d2 = District.objects.create(city=city, name="西城区", code="110102")
    s1 = Street.objects.create(district=d1, name="东华门街道", code="110101001000")
    s2 = Street.objects.create(district=d2, name="西长安街街道", code="110102001000")
    c1 = Community.objects.create(street=s1, name="多福巷社区", code="110101001001")
    c2 = Community.objects.create(street=s2, name="府右街社区", code="110102001001")
    dept = Department.objects.create(district=d1, kind=Department.Kind.MARKET, name="东城区市场监管局")
    root = make_user("root_city", Role.CITY)
    ca = rs.company_create(actor=root, name="安居物业服务有限公司", credit_code=CREDIT_CODES[0],
                           legal_representative="张伟", address="东城区东华门大街1号", service_phone="01065550001")
    cb = rs.company_create(actor=root, name="百润物业管理有限公司", credit_code=CREDIT_CODES[1],
                           legal_representative="李娜", address="西城区西长安街2号", service_phone="01065550002")
    ea = rs.estate_create(actor=root, name="幸福里小区", address="东城区多福巷 8 号", community=c1, year_built=2005,
                          floor_area=Decimal("52000.00"))
    eb = rs.estate_create(actor=root, name="翠湖花园", address="西城区府右街 18 号", community=c2, year_built=2012,
                          floor_area=Decimal("88000.00"))
    for estate, company in ((ea, ca), (eb, cb)):
        rs.estate_set_contract(actor=root, estate=estate, company=company, start_date=date(2023, 1, 1),
                               end_date=date(2027, 12, 31), contracted_grade="3", fee_rate=Decimal("2.50"),
                               filing_number=f"WY-{estate.pk:04d}")
    ea.refresh_from_db()
    eb.refresh_from_db()
    ba = rs.building_create(actor=root, estate=ea, name="3号楼", floors=6)
    bb = rs.building_create(actor=root, estate=eb, name="1号楼", floors=18, has_lift=True)
    ua = rs.unit_create(actor=root, building=ba, number="3-1-101", exclusive_area=Decimal("89.50"), floor=1)
    ub = rs.unit_create(actor=root, building=bb, number="1-2-1801", exclusive_area=Decimal("120.30"), floor=18)
    oa = rs.owner_create(actor=root, name="王秀英", phone="13812345678", id_number="11010519491231002X")
    ob = rs.owner_create(actor=root, name="赵强", phone="13987654321")
    rs.ownership_create(actor=root, unit=ua, owner=oa)
    rs.ownership_create(actor=root, unit=ub, owner=ob)
    pa = rs.parking_create(actor=root, estate=ea, number="A-001", kind="underground", ownership="developer", disposal="idle")
    pb = rs.parking_create(actor=root, estate=eb, number="B-001", kind="surface", ownership="common", disposal="rented",
                           monthly_rent=Decimal("300.00"))
    sa = rs.staff_create(actor=root, company=ca, name="刘洋", role="project_manager", phone="13700000001", estate=ea)
    sb = rs.staff_create(actor=root, company=cb, name="陈静", role="project_manager", phone="13700000002", estate=eb)
    cma = rs.committee_create(actor=root, estate=ea, term_start=date(2024, 1, 1), term_end=date(2028, 12, 31))
    cmb = rs.committee_create(actor=root, estate=eb, term_start=date(2024, 1, 1), term_end=date(2028, 12, 31))
    rs.committee_member_add(actor=root, committee=cma, name="孙丽", position="director", is_party_member=True)
    users = {
        "city": root,
        "district": make_user("p_district", Role.DISTRICT, district=d1),
        "district2": make_user("p_district2", Role.DISTRICT, district=d2),
        "street": make_user("p_street", Role.STREET, street=s1),
        "community": make_user("p_community", Role.COMMUNITY, community=c1),
        "department": make_user("p_dept", Role.DEPARTMENT, department=dept),
        "manager_a": make_user("p_manager_a", Role.COMPANY_MANAGER, company=ca),
        "staff_a": make_user("p_staff_a", Role.COMPANY_STAFF, company=ca),
        "manager_b": make_user("p_manager_b", Role.COMPANY_MANAGER, company=cb),
        "committee": make_user("p_committee", Role.COMMITTEE, estate=ea),
        "resident": make_user("p_resident", Role.RESIDENT, owner=oa),
        "sysadmin": make_user("p_sysadmin", Role.SYSADMIN),
        "secadmin": make_user("p_secadmin", Role.SECADMIN),
        "auditor": make_user("p_auditor", Role.AUDITOR),
        "outsider": make_user("p_outsider", Role.NONE),
    }
    return World(city, d1, d2, s1, s2, c1, c2, ca, cb, ea, eb, ba, bb, ua, ub, oa, ob, pa, pb, sa, sb, cma, cmb, users)


@pytest.fixture
def world(db) -> World:
    built = build_world()
    # The working-day calendar caches the override table per process: start each test from this
    # test's own table, loaded now, so that no page's query count includes the one-off load.
    from wuye.core.calendar import warm_up

    warm_up()
    return built


@pytest.fixture
def login(client):
    """login("district") logs the test client in as that persona (skipping the login form)."""

    def _login(user: User):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login
