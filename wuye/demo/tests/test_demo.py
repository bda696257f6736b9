"""The demo city: deterministic, realistic, valid identifiers, and the demo logins."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q
from stdnum.cn import ric, uscc

from wuye.accounts.middleware import password_expired
from wuye.accounts.models import User
from wuye.core.models import AuditAction, AuditLog
from wuye.demo.generator import DEMO_PASSWORD, build_demo_city
from wuye.demo.logins import DEMO_LOGINS
from wuye.registry import selectors
from wuye.registry import services as rs
from wuye.registry.models import (
    Building,
    CommitteeMember,
    Estate,
    Owner,
    OwnersCommittee,
    Ownership,
    ParkingSpace,
    PropertyCompany,
    ServiceContract,
    Staff,
    Unit,
)
from wuye.territory.models import City, Community, Department, District, Street

MODELS = [City, District, Street, Community, Department, PropertyCompany, Estate, ServiceContract, Building, Unit,
          Owner, Ownership, ParkingSpace, Staff, OwnersCommittee, CommitteeMember]
# Columns that record when a row was written, not what it says.
WHEN = {"created_at", "updated_at", "password", "last_login", "date_joined", "password_changed_at"}


def digest() -> str:
    """A digest of every generated row, in primary-key order."""
    h = hashlib.sha256()
    for model in [*MODELS, User]:
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in WHEN]
        h.update(model._meta.label.encode())
        for row in model.objects.order_by("pk").values_list(*fields).iterator(chunk_size=5000):
            h.update(repr(row).encode())
    return h.hexdigest()


def build(seed: int) -> str:
    """Build the small city inside a savepoint, take its digest, and roll it back."""
    with transaction.atomic():
        call_command("demo", scale="small", seed=seed, stdout=StringIO())
        value = digest()
        transaction.set_rollback(True)
    return value


@pytest.fixture
def city(db):
    return build_demo_city(scale="small", seed=1)


def test_small_city_has_the_expected_shape(city):
    assert City.objects.get().name == "示范市"
    assert District.objects.count() == 2
    assert Street.objects.count() >= 4 and Community.objects.count() >= 8
    assert Estate.objects.count() == 20
    assert PropertyCompany.objects.count() == 8
    assert 2_500 <= Unit.objects.count() <= 3_600
    assert Owner.objects.count() >= Unit.objects.count() * 0.9
    assert 550 <= ParkingSpace.objects.count() <= 650
    # Every district has the functional departments, market regulation among them.
    # (plus one city-level department of each kind, a member unit of the campaign's leading group).
    assert Department.objects.filter(kind=Department.Kind.MARKET, district__isnull=False).count() == 2
    assert Department.objects.filter(kind=Department.Kind.MARKET, district__isnull=True).count() == 1
    assert Department.objects.filter(district__isnull=False).values("district").annotate(
        n=Count("id")).filter(n__lt=8).count() == 0
    # Estates carry the street and district of their community.
    assert not Estate.objects.exclude(street=F("community__street")).exists()
    assert not Estate.objects.exclude(district=F("community__street__district")).exists()
    # Management modes: professional estates have a current contract with their company; no company without one.
    for estate in Estate.objects.filter(company__isnull=False).prefetch_related("contracts"):
        current = [c for c in estate.contracts.all() if c.is_current]
        assert len(current) == 1 and current[0].company_id == estate.company_id
    assert not ServiceContract.objects.filter(is_current=True, estate__company__isnull=True).exists()
    assert set(Estate.objects.values_list("kind", flat=True)) >= {"commercial", "old_compound"}


def test_one_import_audit_row_and_no_per_row_audit(city):
    # Besides the import, only what the demo does through the real services is audited: the creation
    # of the Open311 demo partner key, and last month's bulletin, drafted from the city's data,
    # edited, issued and sent for receipts (a handful of rows, never one per generated record).
    through_services = ("cases.partnerkey", "bulletins.bulletin", "bulletins.section", "notices.notice")
    rows = list(AuditLog.objects.exclude(object_type__in=through_services))
    assert AuditLog.objects.filter(object_type="cases.partnerkey").count() <= 1
    assert AuditLog.objects.filter(object_type__in=through_services).count() <= 8
    assert len(rows) == 1
    row = rows[0]
    assert row.action == AuditAction.IMPORT
    assert row.detail == "演示城市数据已生成"
    assert row.changes["seed"] == 1 and row.changes["scale"] == "small"
    assert row.changes["counts"]["unit"] == Unit.objects.count()


def test_same_seed_gives_identical_data_and_another_seed_different_data(db):
    first = build(1)
    assert build(1) == first
    assert build(2) != first


def test_different_seeds_differ_in_content_not_only_ids(db):
    names = []
    for seed in (1, 2):
        with transaction.atomic():
            build_demo_city(scale="small", seed=seed)
            names.append(list(Estate.objects.order_by("pk").values_list("name", flat=True)[1:]))
            transaction.set_rollback(True)
    assert names[0] != names[1]


def test_every_credit_code_and_id_number_is_valid(city):
    codes = list(PropertyCompany.objects.values_list("credit_code", flat=True))
    assert codes and all(uscc.is_valid(c) for c in codes)
    assert len(set(codes)) == len(codes)
    people = list(Owner.objects.filter(kind=Owner.Kind.PERSON).exclude(id_number="").values_list("id_number", flat=True))
    assert len(people) > 500
    assert all(ric.is_valid(n) for n in people)
    orgs = list(Owner.objects.filter(kind=Owner.Kind.ORGANISATION).values_list("id_number", flat=True))
    assert orgs and all(uscc.is_valid(c) for c in orgs)


def test_territory_codes_nest(city):
    for d in District.objects.all():
        assert len(d.code) == 6 and d.code.isdigit() and d.code.startswith("3799")
        for s in d.streets.all():
            assert len(s.code) == 12 and s.code.startswith(d.code) and s.code.endswith("000")
            for c in s.communities.all():
                assert len(c.code) == 12 and c.code[:9] == s.code[:9] and c.code != s.code


def test_areas_and_money_are_exact_and_plausible(city):
    unit = Unit.objects.order_by("pk").first()
    assert isinstance(unit.exclusive_area, Decimal) and unit.exclusive_area.as_tuple().exponent == -2
    assert not Unit.objects.filter(Q(exclusive_area__lt=20) | Q(exclusive_area__gte=F("built_area"))).exists()
    assert Unit.objects.filter(sale_status=Unit.SaleStatus.UNSOLD).exists()
    # Unsold homes are held by the developer (an organisation).
    unsold_owners = Owner.objects.filter(ownerships__unit__sale_status=Unit.SaleStatus.UNSOLD).distinct()
    assert unsold_owners.exists() and not unsold_owners.exclude(kind=Owner.Kind.ORGANISATION).exists()
    rates = ServiceContract.objects.values_list("fee_rate", flat=True)
    assert all(Decimal("0.30") <= r <= Decimal("6.00") and r.as_tuple().exponent == -2 for r in rates)
    # Co-owned homes and owners of several homes both occur.
    assert Ownership.objects.values("unit").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert Ownership.objects.values("owner").annotate(n=Count("id")).filter(n__gt=1).exists()
    # rules.md §5: some developer-held idle spaces are not offered for rent, most rented ones have a rent.
    violations = [p for p in ParkingSpace.objects.all() if p.sale_only_violation]
    assert violations
    assert not ParkingSpace.objects.filter(disposal="rented", monthly_rent__isnull=True).exists()
    assert not ParkingSpace.objects.filter(ownership="owner").exclude(disposal="sold").exists()


def test_committees_follow_the_rules(city):
    committees = OwnersCommittee.objects.annotate(
        n=Count("members"), party=Count("members", filter=Q(members__is_party_member=True))
    )
    assert committees.count() >= 3
    for c in committees:
        assert 5 <= c.n <= 11 and c.n % 2 == 1
        assert c.term_end > c.term_start
        assert c.term_end < c.term_start.replace(year=c.term_start.year + 5) + timedelta(days=1)
        assert c.members.filter(position=CommitteeMember.Position.DIRECTOR).count() == 1
    mostly = sum(1 for c in committees if c.party * 2 >= c.n)
    assert mostly * 2 > committees.count()
    # Members are owners of the estate.
    for m in CommitteeMember.objects.select_related("committee"):
        assert Ownership.objects.filter(owner_id=m.owner_id, estate_id=m.committee.estate_id).exists()


def test_staff_project_managers_serve_their_companys_estates(city):
    managers = Staff.objects.filter(role=Staff.Role.PROJECT_MANAGER, estate__isnull=False)
    assert managers.count() >= Estate.objects.filter(company__isnull=False).count()
    assert not Staff.objects.filter(estate__isnull=False).exclude(estate__company=F("company")).exists()
    assert managers.exclude(certificates="").exists()


def test_demo_logins_have_their_roles_and_bindings(city, client, settings):
    settings.DEMO_MODE = True  # the administrators' demo logins skip the second factor only in demo mode
    users = {u.username: u for u in User.objects.filter(username__in=list(DEMO_LOGINS))}
    assert set(users) == set(DEMO_LOGINS)
    expected_roles = {
        "admin": "sysadmin", "security": "secadmin", "auditor": "auditor", "city": "city", "district": "district",
        "street": "street", "community": "community", "dept_market": "department", "company": "company_manager",
        "committee": "committee", "resident": "resident",
    }
    assert {u: users[u].role for u in users} == expected_roles
    for user in users.values():
        user.full_clean()  # the binding matches the role (accounts.User.clean)
        assert user.is_active and not user.is_superuser and not user.must_change_password
        assert not password_expired(user)
    district = District.objects.order_by("code").first()
    assert users["district"].district == district
    assert users["street"].street.district == district
    assert users["community"].community.street == users["street"].street
    assert users["dept_market"].department.district == district
    assert users["dept_market"].department.kind == Department.Kind.MARKET

    estate = users["committee"].estate
    assert estate.name == "幸福里小区" and estate.community == users["community"].community
    company = users["company"].company
    managed = Estate.objects.filter(company=company)
    assert managed.count() >= 3 and estate in managed
    assert managed.filter(street=users["street"].street).count() >= 2
    member = estate.committees.get(is_current=True).members.get(position=CommitteeMember.Position.DIRECTOR)
    assert member.name == users["committee"].full_name
    assert Ownership.objects.filter(owner=users["resident"].owner, estate=estate).exists()

    for username in DEMO_LOGINS:
        client.logout()
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.session["_auth_user_id"] == str(users[username].pk)


def test_demo_logins_see_what_their_binding_allows(city):
    users = {u.username: u for u in User.objects.filter(username__in=list(DEMO_LOGINS))}
    estate = users["committee"].estate
    assert list(selectors.estates_visible_to(users["committee"])) == [estate]
    assert estate in selectors.estates_visible_to(users["resident"])
    assert selectors.estates_visible_to(users["company"]).count() >= 3
    assert selectors.estates_visible_to(users["community"]).filter(pk=estate.pk).exists()
    assert not selectors.estates_visible_to(users["auditor"]).exists()


def test_if_empty_does_nothing_when_a_city_exists(db):
    out = StringIO()
    call_command("demo", scale="small", seed=1, stdout=out)
    assert "admin" in out.getvalue() and DEMO_PASSWORD in out.getvalue()
    before = digest(), AuditLog.objects.count()
    out = StringIO()
    call_command("demo", scale="small", seed=2, if_empty=True, stdout=out)
    assert (digest(), AuditLog.objects.count()) == before
    text = out.getvalue()
    assert "跳过" in text
    for username in DEMO_LOGINS:
        assert username in text
    with pytest.raises(CommandError, match="已有演示城市"):
        call_command("demo", scale="small", seed=1, stdout=StringIO())


def test_demo_beside_existing_data_keeps_both(world):
    """Other tests may build the demo city next to the shared personas."""
    before = Estate.objects.count()
    result = build_demo_city(scale="small", seed=1)
    assert Estate.objects.count() == before + 20
    assert Estate.objects.get(pk=result.estate_id).name == "幸福里小区"
    assert Estate.objects.get(pk=world.estate_a.pk).name == world.estate_a.name
    # New rows after the bulk insert get fresh ids.
    owner = rs.owner_create(actor=world.users["city"], name="新业主")
    assert owner.pk > Owner.objects.exclude(pk=owner.pk).order_by("-pk").first().pk
