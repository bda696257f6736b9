"""Create, edit and delete pages: services do the writes (audited), forms keep what was typed,
service errors land on the fields in Chinese, choices are scoped, htmx gets partials."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from wuye.core.models import AuditAction, AuditLog
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

from .view_support import credit_code, edit_payload, fast_passwords  # noqa: F401

HTMX = {"HTTP_HX_REQUEST": "true"}


def audit(action, model, pk=None):
    qs = AuditLog.objects.filter(action=action, object_type=model._meta.label_lower)
    return qs.filter(object_id=str(pk)) if pk is not None else qs


# ---- create --------------------------------------------------------------------------------


def test_district_creates_an_estate(world, client, login):
    user = world.users["district"]
    login(user)
    r = client.post(reverse("registry:estate_create"), {
        "name": "锦绣华庭", "address": "东城区某路 1 号", "community": world.c1.pk, "kind": "commercial",
        "year_built": "2010", "floor_area": "12345.67", "management_mode": "professional",
    })
    estate = Estate.objects.get(name="锦绣华庭")
    assert r.status_code == 302 and r["Location"] == reverse("registry:estate_detail", args=[estate.pk])
    assert estate.district == world.d1 and estate.floor_area == Decimal("12345.67") and estate.search_key == "jxht"
    row = audit(AuditAction.CREATE, Estate, estate.pk).get()
    assert row.actor == user and row.changes["name"] == [None, "锦绣华庭"]


def test_a_district_cannot_pick_a_community_of_another_district(world, client, login):
    login(world.users["district"])
    r = client.post(reverse("registry:estate_create"), {
        "name": "越界小区", "address": "某路", "community": world.c2.pk, "kind": "commercial",
        "management_mode": "professional",
    })
    assert r.status_code == 200
    assert "community" in r.context["form"].errors
    assert not Estate.objects.filter(name="越界小区").exists()
    html = client.get(reverse("registry:estate_create")).content.decode()
    assert "多福巷社区" in html and "府右街社区" not in html


def test_company_manager_creates_buildings_only_in_its_estates(world, client, login):
    login(world.users["manager_a"])
    url = reverse("registry:building_create")
    html = client.get(url, {"estate": world.estate_a.pk}).content.decode()
    assert "幸福里小区" in html and "翠湖花园" not in html
    r = client.post(url, {"estate": world.estate_b.pk, "name": "9号楼", "floors": "6"})
    assert r.status_code == 200 and "estate" in r.context["form"].errors
    r = client.post(url, {"estate": world.estate_a.pk, "name": "9号楼", "floors": "6", "has_lift": "on"})
    building = Building.objects.get(name="9号楼")
    assert r.status_code == 302 and building.estate == world.estate_a and building.has_lift
    assert audit(AuditAction.CREATE, Building, building.pk).get().actor == world.users["manager_a"]


def test_bad_credit_code_gets_a_chinese_error_and_keeps_the_input(world, client, login):
    login(world.users["city"])
    data = {"name": "新物业有限公司", "credit_code": "91110105MA01ABCD01", "legal_representative": "周某",
            "address": "某地", "service_phone": "01012345678", "filing_status": "filed"}
    r = client.post(reverse("registry:company_create"), data)
    assert r.status_code == 200
    assert "校验位" in " ".join(r.context["form"].errors["credit_code"])
    html = r.content.decode()
    assert 'value="新物业有限公司"' in html and 'value="91110105MA01ABCD01"' in html and "is-invalid" in html
    assert not PropertyCompany.objects.filter(name="新物业有限公司").exists()


def test_htmx_invalid_post_returns_the_form_partial(world, client, login):
    login(world.users["city"])
    r = client.post(reverse("registry:company_create"), {"name": "半填物业"}, **HTMX)
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html and html.lstrip().startswith("<form")
    assert "该字段是必填项" in html and 'value="半填物业"' in html


def test_htmx_valid_post_redirects_on_the_client(world, client, login):
    login(world.users["city"])
    r = client.post(reverse("registry:company_create"), {
        "name": "新物业有限公司", "credit_code": credit_code(7), "legal_representative": "周某", "address": "某地",
        "service_phone": "01012345678", "filing_status": "filed",
    }, **HTMX)
    company = PropertyCompany.objects.get(name="新物业有限公司")
    assert r.status_code == 200 and r["HX-Redirect"] == reverse("registry:company_detail", args=[company.pk])


def test_a_new_company_the_creator_cannot_see_yet_leads_back_to_the_list(world, client, login):
    login(world.users["district"])
    r = client.post(reverse("registry:company_create"), {
        "name": "待签约物业有限公司", "credit_code": credit_code(8), "legal_representative": "周某", "address": "某地",
        "service_phone": "01012345678", "filing_status": "pending",
    })
    assert PropertyCompany.objects.filter(name="待签约物业有限公司").exists()
    assert r.status_code == 302 and r["Location"] == reverse("registry:company_list")


def test_unit_parking_staff_and_committee_creation(world, client, login):
    login(world.users["district"])
    r = client.post(reverse("registry:unit_create"), {
        "building": world.building_a.pk, "number": "3-1-102", "floor": "1", "exclusive_area": "88.80",
        "area_source": "surveyed", "sale_status": "delivered",
    })
    unit = Unit.objects.get(number="3-1-102")
    assert r.status_code == 302 and unit.estate == world.estate_a and unit.exclusive_area == Decimal("88.80")
    r = client.post(reverse("registry:parking_create"), {
        "estate": world.estate_a.pk, "number": "A-002", "kind": "underground", "ownership": "developer",
        "disposal": "rented", "monthly_rent": "300.00", "offered_for_rent": "on",
    })
    assert r.status_code == 302 and ParkingSpace.objects.get(number="A-002").monthly_rent == Decimal("300.00")
    r = client.post(reverse("registry:staff_create"), {
        "company": world.company_a.pk, "name": "新员工", "role": "cleaner", "phone": "13600000000",
        "estate": world.estate_a.pk,
    })
    assert r.status_code == 302 and Staff.objects.get(name="新员工").estate == world.estate_a
    r = client.post(reverse("registry:committee_create"), {
        "estate": world.estate_a.pk, "term_start": "2025-01-01", "term_end": "2031-01-01",
    })
    assert r.status_code == 200 and "5 年" in " ".join(r.context["form"].errors["term_end"])
    r = client.post(reverse("registry:committee_create"), {
        "estate": world.estate_a.pk, "term_start": "2025-01-01", "term_end": "2029-12-31", "filed_on": "2025-01-20",
    })
    assert r.status_code == 302
    assert OwnersCommittee.objects.get(estate=world.estate_a, is_current=True).term_start == date(2025, 1, 1)


def test_staff_must_serve_an_estate_of_their_company(world, client, login):
    login(world.users["city"])
    r = client.post(reverse("registry:staff_create"), {
        "company": world.company_a.pk, "name": "错派员工", "role": "cleaner", "estate": world.estate_b.pk,
    })
    assert r.status_code == 200
    assert "只能派驻到本企业服务的小区" in " ".join(r.context["form"].errors["estate"])
    assert not Staff.objects.filter(name="错派员工").exists()


# ---- edit ----------------------------------------------------------------------------------


def test_edit_records_before_and_after(world, client, login):
    user = world.users["street"]
    login(user)
    url = reverse("registry:estate_edit", args=[world.estate_a.pk])
    r = client.get(url)
    assert 'value="幸福里小区"' in r.content.decode()
    r = client.post(url, edit_payload("estate", world.estate_a, user, name="幸福里小区（一期）", year_built=2006))
    assert r.status_code == 302
    estate = Estate.objects.get(pk=world.estate_a.pk)
    assert estate.name == "幸福里小区（一期）" and estate.year_built == 2006 and estate.search_key.startswith("xfl")
    row = audit(AuditAction.UPDATE, Estate, estate.pk).first()
    assert row.changes["name"] == ["幸福里小区", "幸福里小区（一期）"] and row.changes["year_built"] == [2005, 2006]


def test_owner_edit_never_shows_the_clear_phone_and_blank_keeps_it(world, client, login):
    login(world.users["district"])
    owner = world.owner_a
    url = reverse("registry:owner_edit", args=[owner.pk])
    html = client.get(url).content.decode()
    assert "13812345678" not in html and "11010519491231002X" not in html and "138****5678" in html
    r = client.post(url, {"kind": "person", "name": "王秀英", "phone": "", "id_number": ""})
    assert r.status_code == 302
    owner.refresh_from_db()
    assert owner.phone == "13812345678" and owner.id_number == "11010519491231002X"
    r = client.post(url, {"kind": "person", "name": "王秀英", "phone": "13900001111", "id_number": "110105194912310021"})
    assert r.status_code == 200 and "身份证号码不正确" in " ".join(r.context["form"].errors["id_number"])
    r = client.post(url, {"kind": "person", "name": "王秀英", "phone": "13900001111", "id_number": ""})
    owner.refresh_from_db()
    assert r.status_code == 302 and owner.phone == "13900001111"
    row = audit(AuditAction.UPDATE, Owner, owner.pk).first()
    assert row.changes == {"phone": ["13812345678", "13900001111"]}


def test_unit_can_only_move_to_a_building_of_the_same_estate(world, client, login):
    user = world.users["city"]
    login(user)
    url = reverse("registry:unit_edit", args=[world.unit_a.pk])
    r = client.post(url, edit_payload("unit", world.unit_a, user, building=world.building_b.pk))
    assert r.status_code == 200 and "building" in r.context["form"].errors
    assert Unit.objects.get(pk=world.unit_a.pk).building == world.building_a


def test_unchanged_edit_writes_no_audit_row(world, client, login):
    user = world.users["city"]
    login(user)
    before = AuditLog.objects.filter(action=AuditAction.UPDATE).count()
    r = client.post(reverse("registry:parking_edit", args=[world.parking_a.pk]), edit_payload("parking", world.parking_a, user))
    assert r.status_code == 302
    assert AuditLog.objects.filter(action=AuditAction.UPDATE).count() == before


# ---- delete --------------------------------------------------------------------------------


def test_delete_needs_post_after_a_confirmation_page(world, client, login):
    user = world.users["district"]
    login(user)
    space = world.parking_a
    r = client.get(reverse("registry:parking_confirm_delete", args=[space.pk]))
    assert r.status_code == 200 and "确认删除" in r.content.decode()
    assert client.get(reverse("registry:parking_delete", args=[space.pk])).status_code == 405
    assert ParkingSpace.objects.filter(pk=space.pk).exists()
    r = client.post(reverse("registry:parking_delete", args=[space.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("registry:parking_list")
    assert not ParkingSpace.objects.filter(pk=space.pk).exists()
    row = audit(AuditAction.DELETE, ParkingSpace, space.pk).get()
    assert row.actor == user and row.changes["number"] == ["A-001", None]


def test_deleting_a_record_still_in_use_explains_why(world, client, login):
    login(world.users["city"])
    r = client.post(reverse("registry:estate_delete", args=[world.estate_a.pk]), follow=True)
    assert "仍被其他数据引用" in r.content.decode()
    assert Estate.objects.filter(pk=world.estate_a.pk).exists()
    assert not audit(AuditAction.DELETE, Estate, world.estate_a.pk).exists()


def test_visible_but_not_writable_delete_is_403(world, client, login):
    login(world.users["street"])
    assert client.post(reverse("registry:company_delete", args=[world.company_a.pk])).status_code == 403
    assert PropertyCompany.objects.filter(pk=world.company_a.pk).exists()


# ---- an estate's contract --------------------------------------------------------------------


def test_setting_a_contract_replaces_the_current_one(world, client, login):
    user = world.users["district"]
    login(user)
    url = reverse("registry:estate_contract", args=[world.estate_a.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"company": world.company_b.pk, "start_date": "2028-01-01", "end_date": "2027-01-01",
                          "contracted_grade": "4", "fee_rate": "3.20"})
    assert r.status_code == 200 and "不得早于起始日" in " ".join(r.context["form"].errors["end_date"])
    r = client.post(url, {"company": world.company_b.pk, "start_date": "2028-01-01", "end_date": "2030-12-31",
                          "contracted_grade": "4", "fee_rate": "3.20", "filing_number": "WY-2028-001"})
    assert r.status_code == 302
    current = ServiceContract.objects.get(estate=world.estate_a, is_current=True)
    assert current.company == world.company_b and current.fee_rate == Decimal("3.20")
    assert Estate.objects.get(pk=world.estate_a.pk).company == world.company_b
    assert audit(AuditAction.CREATE, ServiceContract, current.pk).get().actor == user
    html = client.get(reverse("registry:estate_detail", args=[world.estate_a.pk])).content.decode()
    assert "百润物业管理有限公司" in html and "WY-2028-001" in html


@pytest.mark.parametrize("role, status", [("manager_a", 403), ("street", 200), ("district2", 404), ("resident", 403)])
def test_who_may_set_a_contract(world, client, login, role, status):
    login(world.users[role])
    assert client.get(reverse("registry:estate_contract", args=[world.estate_a.pk])).status_code == status


# ---- a unit's owners -----------------------------------------------------------------------


def test_register_a_new_co_owner_and_remove_them(world, client, login):
    user = world.users["manager_a"]
    login(user)
    url = reverse("registry:owner_create") + f"?unit={world.unit_a.pk}"
    r = client.post(url, {"unit": world.unit_a.pk, "owner": "", "name": "", "phone": "13800000000"})
    assert r.status_code == 200 and "请选择已登记的业主" in " ".join(r.context["form"].errors["name"])
    assert 'value="13800000000"' in r.content.decode()
    r = client.post(url, {"unit": world.unit_a.pk, "name": "李建国", "kind": "person", "phone": "13800000000",
                          "share": "50"})
    assert r.status_code == 302 and r["Location"] == reverse("registry:unit_detail", args=[world.unit_a.pk])
    ownership = Ownership.objects.get(unit=world.unit_a, owner__name="李建国")
    assert ownership.share == Decimal("50.00") and ownership.estate == world.estate_a
    assert audit(AuditAction.CREATE, Owner, ownership.owner_id).exists()
    assert audit(AuditAction.CREATE, Ownership, ownership.pk).get().actor == user
    html = client.get(reverse("registry:unit_detail", args=[world.unit_a.pk])).content.decode()
    assert "李建国" in html and "王秀英" in html and "共有" in html
    remove = reverse("registry:ownership_remove", args=[ownership.pk])
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert not Ownership.objects.filter(pk=ownership.pk).exists()
    assert Owner.objects.filter(pk=ownership.owner_id).exists()
    assert audit(AuditAction.DELETE, Ownership, ownership.pk).exists()


def test_add_an_owner_already_on_file_and_refuse_duplicates(world, client, login):
    login(world.users["city"])
    url = reverse("registry:owner_create") + f"?unit={world.unit_a.pk}"
    r = client.post(url, {"unit": world.unit_a.pk, "owner": world.owner_b.pk})
    assert r.status_code == 302 and Ownership.objects.filter(unit=world.unit_a, owner=world.owner_b).exists()
    r = client.post(url, {"unit": world.unit_a.pk, "owner": world.owner_b.pk})
    assert r.status_code == 200 and "已登记为此房屋的产权人" in r.content.decode()


def test_owner_choices_and_units_are_scoped(world, client, login):
    login(world.users["manager_a"])
    r = client.post(reverse("registry:owner_create"), {"unit": world.unit_a.pk, "owner": world.owner_b.pk})
    assert r.status_code == 200 and "owner" in r.context["form"].errors
    r = client.post(reverse("registry:owner_create"), {"unit": world.unit_b.pk, "name": "越界业主"})
    assert r.status_code == 200 and "unit" in r.context["form"].errors
    assert client.get(reverse("registry:owner_create"), {"unit": world.unit_b.pk}).status_code == 404
    assert not Owner.objects.filter(name="越界业主").exists()


def test_removing_an_owner_out_of_scope_is_404(world, client, login):
    ownership = Ownership.objects.get(unit=world.unit_b)
    login(world.users["manager_a"])
    assert client.post(reverse("registry:ownership_remove", args=[ownership.pk])).status_code == 404
    login(world.users["committee"])
    own = Ownership.objects.get(unit=world.unit_a)
    assert client.post(reverse("registry:ownership_remove", args=[own.pk])).status_code == 403
    assert Ownership.objects.filter(pk__in=[ownership.pk, own.pk]).count() == 2


# ---- a committee's members -------------------------------------------------------------------


def test_committee_members_add_edit_remove(world, client, login):
    user = world.users["community"]
    login(user)
    committee = world.committee_a
    r = client.post(reverse("registry:member_add", args=[committee.pk]),
                    {"name": "周敏", "position": "deputy", "is_party_member": "on", "phone": "13512345678"})
    assert r.status_code == 302
    member = CommitteeMember.objects.get(name="周敏")
    assert member.is_party_member and member.position == "deputy" and member.committee == committee
    html = client.get(reverse("registry:committee_detail", args=[committee.pk])).content.decode()
    assert "周敏" in html and "135****5678" in html and "13512345678" not in html
    edit = reverse("registry:member_edit", args=[member.pk])
    assert "13512345678" not in client.get(edit).content.decode()
    r = client.post(edit, {"name": "周敏", "position": "member", "phone": ""})
    member.refresh_from_db()
    assert r.status_code == 302 and member.position == "member" and not member.is_party_member
    assert member.phone == "13512345678"
    assert audit(AuditAction.UPDATE, CommitteeMember, member.pk).get().changes == {
        "position": ["deputy", "member"], "is_party_member": [True, False]}
    remove = reverse("registry:member_remove", args=[member.pk])
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert not CommitteeMember.objects.filter(pk=member.pk).exists()
    assert audit(AuditAction.DELETE, CommitteeMember, member.pk).get().actor == user


def test_committee_members_are_managed_by_officials_only(world, client, login):
    member = world.committee_a.members.get()
    for role, status in (("manager_a", 403), ("committee", 403), ("district2", 404)):
        login(world.users[role])
        assert client.get(reverse("registry:member_add", args=[world.committee_a.pk])).status_code == status, role
        assert client.post(reverse("registry:member_remove", args=[member.pk])).status_code == status, role
    assert CommitteeMember.objects.filter(pk=member.pk).exists()


def test_wrong_methods(world, client, login):
    login(world.users["city"])
    assert client.put(reverse("registry:estate_edit", args=[world.estate_a.pk])).status_code == 405
    assert client.post(reverse("registry:estate_detail", args=[world.estate_a.pk])).status_code == 405
    assert client.post(reverse("registry:estate_confirm_delete", args=[world.estate_a.pk])).status_code == 405


def test_a_company_manager_cannot_change_its_credit_code_or_filing_status(world, client, login):
    user = world.users["manager_a"]
    login(user)
    company = world.company_a
    url = reverse("registry:company_edit", args=[company.pk])
    payload = edit_payload("company", company, world.users["city"], service_phone="01088889999",
                           filing_status="pending", credit_code=credit_code(9))
    r = client.post(url, payload)
    assert r.status_code == 302
    company.refresh_from_db()
    assert company.service_phone == "01088889999"
    assert company.filing_status == "filed" and company.credit_code == "91110105MA01ABCD00"


def test_mistyped_filter_ids_are_ignored(world, client, login):
    login(world.users["city"])
    r = client.get(reverse("registry:estate_list"), {"district": "abc", "street": "1;drop", "company": "x"})
    assert r.status_code == 200 and len(r.context["rows"]) == 2


def test_identifier_errors_show_together_with_the_other_field_errors(world, client, login):
    login(world.users["city"])
    r = client.post(reverse("registry:company_create"), {"name": "半填物业", "credit_code": "91110105MA01ABCD01"})
    errors = r.context["form"].errors
    assert "校验位" in " ".join(errors["credit_code"]) and "legal_representative" in errors
    r = client.post(reverse("registry:owner_create") + f"?unit={world.unit_a.pk}",
                    {"unit": world.unit_a.pk, "name": "李四", "kind": "person", "id_number": "110105194912310021"})
    assert "身份证号码不正确" in " ".join(r.context["form"].errors["id_number"])
    assert not Owner.objects.filter(name="李四").exists()
