"""Registry API behaviour: list shape and filters, writes through the services (database state
and audit rows), Chinese errors, exact decimals, masking, reveal, authentication, and query
counts that do not grow with the data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from wuye.accounts.testing import api_token_for
from wuye.core.models import AuditAction, AuditLog
from wuye.registry import services as rs
from wuye.registry.models import (
    Building,
    Estate,
    Owner,
    OwnersCommittee,
    Ownership,
    PropertyCompany,
    ServiceContract,
    Unit,
)

PLAIN_PERSONAL_DATA = ["13812345678", "11010519491231002X", "13987654321", "13700000001", "13700000002",
                       "13600000001"]


@pytest.fixture
def api(world):
    """api("district") → an APIClient authenticated with that persona's token."""

    def _api(role: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(world.users[role])}")
        return client

    return _api


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def grow(world, n: int) -> None:
    """n more estates on side A, each with everything a list can show."""
    root = world.users["city"]
    for i in range(n):
        estate = rs.estate_create(actor=root, name=f"扩展小区{i}", address="示范市", community=world.c1,
                                  floor_area=Decimal("1000.00"))
        rs.estate_set_contract(actor=root, estate=estate, company=world.company_a, start_date=date(2024, 1, 1),
                               end_date=date(2026, 12, 31), contracted_grade="2", fee_rate=Decimal("1.50"))
        building = rs.building_create(actor=root, estate=estate, name=f"{i}号楼")
        unit = rs.unit_create(actor=root, building=building, number=f"{i}-101", exclusive_area=Decimal("70.00"))
        rs.unit_owner_register(actor=root, unit=unit, name=f"业主{i}", phone=f"1360000{i:04d}")
        rs.parking_create(actor=root, estate=estate, number=f"P-{i}", kind="surface", ownership="common",
                          disposal="idle")
        rs.staff_create(actor=root, company=world.company_a, name=f"员工{i}", role="cleaner", estate=estate)
        committee = rs.committee_create(actor=root, estate=estate, term_start=date(2024, 1, 1),
                                        term_end=date(2028, 12, 31))
        for j in range(3):
            rs.committee_member_add(actor=root, committee=committee, name=f"委员{i}{j}", position="member")


# ---- lists ----------------------------------------------------------------------------------


def test_list_is_paginated_as_count_next_previous_results(world, api):
    root = world.users["city"]
    for i in range(24):
        rs.building_create(actor=root, estate=world.estate_a, name=f"{i + 10}号楼")
    client = api("district")

    first = client.get("/api/v1/buildings/", {"page_size": 10}).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 25  # 24 + 3号楼; the other district's building is not counted
    assert first["previous"] is None and "page=2" in first["next"]
    assert len(first["results"]) == 10

    last = client.get("/api/v1/buildings/", {"page_size": 10, "page": 3}).json()
    assert last["next"] is None and last["previous"] is not None
    assert len(last["results"]) == 5

    assert client.get("/api/v1/buildings/", {"page": 99}).status_code == 404


def test_estate_filters_and_chinese_and_pinyin_search(world, api):
    client = api("city")
    assert _ids(client.get("/api/v1/estates/", {"q": "xfl"})) == [world.estate_a.pk]
    assert _ids(client.get("/api/v1/estates/", {"q": "翠湖"})) == [world.estate_b.pk]
    assert _ids(client.get("/api/v1/estates/", {"district": world.d2.pk})) == [world.estate_b.pk]
    assert _ids(client.get("/api/v1/estates/", {"company": world.company_a.pk, "year_built_max": 2010})) == [
        world.estate_a.pk]
    assert _ids(client.get("/api/v1/estates/", {"kind": "old_compound"})) == []
    bad = client.get("/api/v1/estates/", {"kind": "castle"})
    assert bad.status_code == 400 and "kind" in bad.json()


def test_search_never_leaves_the_users_scope(world, api):
    assert _ids(api("manager_a").get("/api/v1/estates/", {"q": "翠湖"})) == []
    assert _ids(api("district").get("/api/v1/owners/", {"q": "赵"})) == []
    assert _ids(api("district").get("/api/v1/owners/", {"q": "王"})) == [world.owner_a.pk]


def test_filters_of_every_resource(world, api):
    client = api("city")
    assert _ids(client.get("/api/v1/units/", {"q": "3-1"})) == [world.unit_a.pk]
    assert _ids(client.get("/api/v1/units/", {"estate": world.estate_b.pk})) == [world.unit_b.pk]
    assert _ids(client.get("/api/v1/owners/", {"estate": world.estate_b.pk})) == [world.owner_b.pk]
    assert _ids(client.get("/api/v1/parking-spaces/", {"disposal": "rented"})) == [world.parking_b.pk]
    assert _ids(client.get("/api/v1/staff/", {"company": world.company_a.pk})) == [world.staff_a.pk]
    assert _ids(client.get("/api/v1/companies/", {"q": "brwy"})) == [world.company_b.pk]
    assert _ids(client.get("/api/v1/committees/", {"q": "翠湖"})) == [world.committee_b.pk]
    assert _ids(client.get("/api/v1/contracts/", {"estate": world.estate_a.pk})) == [
        world.estate_a.contracts.get().pk]
    assert len(_ids(client.get("/api/v1/ownerships/", {"owner": world.owner_b.pk}))) == 1


LISTS = ["companies", "estates", "contracts", "buildings", "units", "owners", "ownerships", "parking-spaces",
         "staff", "committees", "committee-members"]


@pytest.mark.parametrize("role", ["city", "district", "department", "manager_a", "resident"])
@pytest.mark.parametrize("prefix", LISTS)
def test_list_queries_do_not_grow_with_the_data(world, api, django_assert_num_queries, prefix, role):
    client = api(role)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/api/v1/{prefix}/").status_code == 200
    grow(world, 6)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(f"/api/v1/{prefix}/")
    assert response.status_code == 200
    if role in ("city", "district", "manager_a") and prefix != "companies":
        assert response.json()["count"] >= 6  # the new rows are in the measured page


@pytest.mark.parametrize("prefix", LISTS)
def test_detail_queries_are_bounded(world, api, django_assert_max_num_queries, prefix):
    grow(world, 3)
    client = api("district")
    first = client.get(f"/api/v1/{prefix}/").json()["results"][0]["id"]
    with django_assert_max_num_queries(6):
        assert client.get(f"/api/v1/{prefix}/{first}/").status_code == 200


# ---- writes ---------------------------------------------------------------------------------


def test_district_creates_an_estate_in_its_community(world, api):
    response = api("district").post("/api/v1/estates/", {
        "name": "和平里小区", "address": "东城区和平里 1 号", "community": world.c1.pk, "kind": "old_compound",
        "year_built": 1985, "floor_area": "12345.60", "management_mode": "quasi",
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    estate = Estate.objects.get(pk=body["id"])
    assert (estate.district_id, estate.street_id, estate.search_key) == (world.d1.pk, world.s1.pk, "hplxq")
    assert estate.floor_area == Decimal("12345.60")
    assert body["floor_area"] == "12345.60"
    assert body["district"] == world.d1.pk and body["management_mode_display"] == "政府购买准物业服务"
    row = AuditLog.objects.get(action=AuditAction.CREATE, object_type="registry.estate", object_id=str(estate.pk))
    assert row.actor == world.users["district"]
    assert row.changes["name"] == [None, "和平里小区"]


def test_district_cannot_create_an_estate_in_another_district(world, api):
    before = Estate.objects.count()
    response = api("district").post("/api/v1/estates/", {"name": "越界小区", "address": "西城区",
                                                         "community": world.c2.pk}, format="json")
    assert response.status_code == 400
    assert "超出您的数据权限范围" in response.json()["community"][0]
    assert Estate.objects.count() == before
    assert AuditLog.objects.filter(action=AuditAction.DENIED, object_type="territory.community",
                                   object_id=str(world.c2.pk), actor=world.users["district"]).exists()


def test_update_records_before_and_after_in_the_audit(world, api):
    response = api("street").patch(f"/api/v1/estates/{world.estate_a.pk}/", {"address": "东城区多福巷 10 号"},
                                   format="json")
    assert response.status_code == 200
    assert response.json()["address"] == "东城区多福巷 10 号"
    world.estate_a.refresh_from_db()
    assert world.estate_a.address == "东城区多福巷 10 号"
    row = AuditLog.objects.filter(action=AuditAction.UPDATE, object_id=str(world.estate_a.pk)).first()
    assert row.actor == world.users["street"]
    assert row.changes == {"address": ["东城区多福巷 8 号", "东城区多福巷 10 号"]}


def test_put_needs_every_field_patch_does_not(world, api):
    client = api("district")
    url = f"/api/v1/buildings/{world.building_a.pk}/"
    incomplete = client.put(url, {"floors": 7}, format="json")
    assert incomplete.status_code == 400 and "name" in incomplete.json()
    assert client.put(url, {"name": "3号楼", "floors": 7, "has_lift": True}, format="json").status_code == 200
    world.building_a.refresh_from_db()
    assert (world.building_a.floors, world.building_a.has_lift) == (7, True)


def test_service_errors_come_back_as_400_in_chinese(world, api):
    client = api("city")
    bad_code = client.post("/api/v1/companies/", {
        "name": "错码物业", "credit_code": "91110105MA01ABCD01", "legal_representative": "甲", "address": "乙",
        "service_phone": "01065550003"}, format="json")
    assert bad_code.status_code == 400
    assert bad_code.json() == {"credit_code": ["统一社会信用代码校验位不正确，请核对后重新输入。"]}
    assert not PropertyCompany.objects.filter(name="错码物业").exists()

    duplicate = client.post("/api/v1/buildings/", {"estate": world.estate_a.pk, "name": "3号楼"}, format="json")
    assert duplicate.status_code == 400
    assert duplicate.json()["non_field_errors"] == ["该小区已有同名楼栋。"]

    long_term = client.post("/api/v1/committees/", {"estate": world.estate_a.pk, "term_start": "2025-01-01",
                                                    "term_end": "2031-01-01"}, format="json")
    assert long_term.status_code == 400
    assert "不得超过 5 年" in long_term.json()["term_end"][0]
    assert OwnersCommittee.objects.filter(estate=world.estate_a, is_current=True).get() == world.committee_a

    bad_id = client.post("/api/v1/owners/", {"name": "钱多多", "id_number": "110105194912310021",
                                             "unit": world.unit_a.pk}, format="json")
    assert bad_id.status_code == 400 and "身份证号码不正确" in bad_id.json()["id_number"][0]
    assert not Owner.objects.filter(name="钱多多").exists()


def test_protected_delete_is_refused_with_a_chinese_message(world, api):
    response = api("city").delete(f"/api/v1/estates/{world.estate_a.pk}/")
    assert response.status_code == 400
    assert response.json() == {"detail": "该记录仍被其他数据引用，不能删除。请先处理关联的数据。"}
    assert Estate.objects.filter(pk=world.estate_a.pk).exists()
    assert not AuditLog.objects.filter(action=AuditAction.DELETE, object_type="registry.estate").exists()


def test_owner_created_with_a_unit_becomes_its_co_owner(world, api):
    response = api("manager_a").post("/api/v1/owners/", {
        # A person not yet on file (王秀英's ID number would link her instead: one buyer, one head).
        "name": "李建国", "phone": "136 0000 0001", "id_number": "11010519820528027x", "unit": world.unit_a.pk,
        "share": "50.00"}, format="json")
    assert response.status_code == 201, response.json()
    owner = Owner.objects.get(pk=response.json()["id"])
    assert (owner.phone, owner.id_number, owner.search_key) == ("13600000001", "11010519820528027X", "ljg")
    assert Ownership.objects.get(owner=owner).unit == world.unit_a
    assert response.json()["phone"] == "136****0001"
    assert owner.pk in _ids(api("district").get("/api/v1/owners/", {"estate": world.estate_a.pk}))
    assert owner.pk not in _ids(api("district2").get("/api/v1/owners/"))


def test_new_contract_replaces_the_current_one(world, api):
    old = world.estate_b.contracts.get(is_current=True)
    response = api("district2").post("/api/v1/contracts/", {
        "estate": world.estate_b.pk, "company": world.company_a.pk, "start_date": "2028-01-01",
        "end_date": "2030-12-31", "contracted_grade": "4", "fee_rate": "3.20", "filing_number": "XC-2028-01"},
        format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["fee_rate"] == "3.20"
    world.estate_b.refresh_from_db()
    assert world.estate_b.company == world.company_a
    old.refresh_from_db()
    assert not old.is_current
    assert ServiceContract.objects.get(pk=response.json()["id"]).fee_rate == Decimal("3.20")
    # Company B no longer serves an estate in district 2: its manager loses sight of it.
    assert _ids(api("manager_b").get("/api/v1/estates/")) == []


def test_company_manager_names_only_its_own_company_in_a_contract(world, api):
    response = api("manager_a").post("/api/v1/contracts/", {
        "estate": world.estate_a.pk, "company": world.company_b.pk, "start_date": "2028-01-01",
        "end_date": "2030-12-31", "contracted_grade": "2", "fee_rate": "1.00"}, format="json")
    assert response.status_code == 400 and "company" in response.json()
    world.estate_a.refresh_from_db()
    assert world.estate_a.company == world.company_a


def test_unit_cannot_move_to_a_building_of_another_estate(world, api):
    root = world.users["city"]
    other = rs.estate_create(actor=root, name="和平里小区", address="东城区", community=world.c1)
    building = rs.building_create(actor=root, estate=other, name="1号楼")
    response = api("district").patch(f"/api/v1/units/{world.unit_a.pk}/", {"building": building.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"building": ["只能调整到同一小区的楼栋。"]}
    assert Unit.objects.get(pk=world.unit_a.pk).building == world.building_a


def test_delete_writes_the_audit_row(world, api):
    response = api("manager_a").delete(f"/api/v1/parking-spaces/{world.parking_a.pk}/")
    assert response.status_code == 204
    row = AuditLog.objects.get(action=AuditAction.DELETE, object_type="registry.parkingspace")
    assert row.actor == world.users["manager_a"] and row.object_id == str(world.parking_a.pk)
    assert row.changes["number"] == ["A-001", None]


def test_building_cannot_be_moved_to_another_estate(world, api):
    response = api("city").patch(f"/api/v1/buildings/{world.building_a.pk}/", {"estate": world.estate_b.pk},
                                 format="json")
    assert response.status_code == 200
    assert Building.objects.get(pk=world.building_a.pk).estate == world.estate_a


# ---- decimals and masking -------------------------------------------------------------------


def test_decimals_are_exact_strings(world, api):
    client = api("city")
    estate = client.get(f"/api/v1/estates/{world.estate_a.pk}/").json()
    assert estate["floor_area"] == "52000.00"
    assert estate["current_contract"]["fee_rate"] == "2.50"
    assert client.get(f"/api/v1/units/{world.unit_b.pk}/").json()["exclusive_area"] == "120.30"
    assert client.get(f"/api/v1/parking-spaces/{world.parking_b.pk}/").json()["monthly_rent"] == "300.00"


def test_phones_and_id_numbers_are_masked_in_every_response(world, api):
    client = api("city")
    owner = client.get(f"/api/v1/owners/{world.owner_a.pk}/").json()
    assert owner["phone"] == "138****5678"
    assert owner["id_number"] == "1101**********002X"
    staff = client.get(f"/api/v1/staff/{world.staff_a.pk}/").json()
    assert staff["phone"] == "137****0001"
    rs.committee_member_update(actor=world.users["city"], member=world.committee_a.members.get(),
                               phone="13600000001")
    bodies = [client.get(f"/api/v1/{prefix}/").content.decode() for prefix in LISTS]
    bodies += [client.get(f"/api/v1/committees/{world.committee_a.pk}/").content.decode()]
    committee_members = client.get("/api/v1/committee-members/").json()["results"]
    assert committee_members[0]["phone"] == "136****0001"
    written = client.patch(f"/api/v1/owners/{world.owner_b.pk}/", {"phone": "13987654321"}, format="json")
    bodies.append(written.content.decode())
    for body in bodies:
        for plain in PLAIN_PERSONAL_DATA:
            assert plain not in body


# ---- reveal ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("phone", "13812345678"), ("id_number", "11010519491231002X")])
def test_allowed_role_reveals_an_owner_field_and_it_is_audited(world, api, field, value):
    response = api("district").post(f"/api/v1/owners/{world.owner_a.pk}/reveal/", {"field": field}, format="json")
    assert response.status_code == 200
    assert response.json() == {"field": field, "value": value}
    row = AuditLog.objects.get(action=AuditAction.REVEAL)
    assert (row.actor, row.object_type, row.object_id) == (world.users["district"], "registry.owner",
                                                           str(world.owner_a.pk))
    assert field in row.detail


def test_company_manager_reveals_its_staff_phone(world, api):
    response = api("manager_a").post(f"/api/v1/staff/{world.staff_a.pk}/reveal/", {"field": "phone"},
                                     format="json")
    assert response.json() == {"field": "phone", "value": "13700000001"}
    assert AuditLog.objects.filter(action=AuditAction.REVEAL, object_type="registry.staff").count() == 1


@pytest.mark.parametrize("role", ["committee", "resident", "staff_a", "department"])
def test_roles_without_the_right_are_refused_and_audited(world, api, role):
    response = api(role).post(f"/api/v1/owners/{world.owner_a.pk}/reveal/", {"field": "phone"}, format="json")
    assert response.status_code == 403
    assert "13812345678" not in response.content.decode()
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()
    assert AuditLog.objects.filter(action=AuditAction.DENIED, actor=world.users[role],
                                   object_id=str(world.owner_a.pk)).exists()


def test_reveal_out_of_scope_is_404_and_wrong_input_400(world, api):
    assert api("manager_b").post(f"/api/v1/owners/{world.owner_a.pk}/reveal/", {"field": "phone"},
                                 format="json").status_code == 404
    client = api("city")
    assert client.get(f"/api/v1/owners/{world.owner_a.pk}/reveal/").status_code == 405
    assert client.post(f"/api/v1/owners/{world.owner_a.pk}/reveal/", {"field": "name"},
                       format="json").status_code == 400
    assert client.post(f"/api/v1/staff/{world.staff_a.pk}/reveal/", {"field": "id_number"},
                       format="json").status_code == 400
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()


# ---- authentication -------------------------------------------------------------------------


def test_anonymous_requests_get_401_with_the_token_challenge(world):
    response = APIClient().get("/api/v1/estates/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "身份认证信息未提供。"}
    assert APIClient().post("/api/v1/estates/", {}, format="json").status_code == 401


def test_invalid_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get("/api/v1/estates/").status_code == 401


def test_deactivated_users_token_stops_working(world, api):
    client = api("district")
    assert client.get("/api/v1/estates/").status_code == 200
    user = world.users["district"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/api/v1/estates/").status_code == 401


def test_session_login_works_and_writes_need_the_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["district"], backend="django.contrib.auth.backends.ModelBackend")
    assert _ids(client.get("/api/v1/estates/")) == [world.estate_a.pk]
    response = client.patch(f"/api/v1/estates/{world.estate_a.pk}/", {"address": "x"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    world.estate_a.refresh_from_db()
    assert world.estate_a.address == "东城区多福巷 8 号"


def test_admin_roles_see_no_registry_data(world, api):
    for role in ("sysadmin", "secadmin", "auditor"):
        client = api(role)
        for prefix in LISTS:
            assert client.get(f"/api/v1/{prefix}/").json()["count"] == 0, (role, prefix)


def test_browsable_api_shows_masked_data_and_no_prefilled_forms(world):
    client = APIClient()
    client.force_login(world.users["district"], backend="django.contrib.auth.backends.ModelBackend")
    for url in (f"/api/v1/owners/{world.owner_a.pk}/", f"/api/v1/staff/{world.staff_a.pk}/", "/api/v1/owners/"):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<html" in html
        for plain in PLAIN_PERSONAL_DATA:
            assert plain not in html, (url, plain)
    assert "138****5678" in client.get(f"/api/v1/owners/{world.owner_a.pk}/", HTTP_ACCEPT="text/html").content.decode()
