"""City-level member units (issue 16 item 1): a department with no district is registered by the
city bureau, joins the leading group, sees its own kind of complaint city-wide and the city's
estates; the unit picker of tasks offers every kind."""

from __future__ import annotations

import pytest
from django.test import Client

from wuye.accounts.models import Role
from wuye.campaign import services as svc
from wuye.campaign.models import MemberUnit
from wuye.campaign.selectors import picker_units
from wuye.cases import services as cases
from wuye.cases.models import Category
from wuye.cases.selectors import complaints_visible_to
from wuye.cases.units import get_unit
from wuye.conftest import make_user
from wuye.core.errors import ServiceError
from wuye.core.models import AuditLog
from wuye.registry.selectors import estates_visible_to
from wuye.territory.models import Department

pytestmark = pytest.mark.django_db


def as_(user) -> Client:
    """A client of its own for each persona (the ``login`` fixture shares one)."""
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def _file(world, code, estate):
    c = cases.complaint_file(estate=estate, category=Category.objects.get(code=code), description="楼道里私搭乱建，堵塞通道。",
                             reporter_name="王秀英", reporter_phone="13812345678")
    cases.complaint_act(user=world.users["city"], complaint=c, action="dispatch")
    return c


def test_city_department_sees_its_kind_city_wide_and_every_estate(camp):
    for d in (camp.d1, camp.d2):
        Department.objects.create(district=d, kind=Department.Kind.URBAN_MANAGEMENT, name=f"{d.name}城管委")
    c1 = _file(camp, "illegal_construction", camp.estate_a)
    c2 = _file(camp, "illegal_construction", camp.estate_b)
    other = _file(camp, "cleaning_greening", camp.estate_a)
    urban = camp.users["city_dept"]  # 市城市管理委员会, no district
    seen = set(complaints_visible_to(urban).values_list("pk", flat=True))
    assert {c1.pk, c2.pk} <= seen and other.pk not in seen
    assert not complaints_visible_to(camp.users["gas"]).filter(pk__in=[c1.pk, c2.pk]).exists()
    # a district's department stays in its district
    district_urban = make_user("p_d1_urban", Role.DEPARTMENT,
                               department=Department.objects.get(district=camp.d1, kind=Department.Kind.URBAN_MANAGEMENT))
    assert set(complaints_visible_to(district_urban).values_list("pk", flat=True)) == {c1.pk}
    # estates: the city-level department sees the city's, the district's department its district's
    assert set(estates_visible_to(urban).values_list("pk", flat=True)) == {camp.estate_a.pk, camp.estate_b.pk}
    assert set(estates_visible_to(camp.users["department"]).values_list("pk", flat=True)) == {camp.estate_a.pk}


def test_city_police_sees_every_clue_report(camp):
    police = svc.department_register(actor=camp.users["city"], name="市公安局", kind=Department.Kind.POLICE)
    user = make_user("p_city_police", Role.DEPARTMENT, department=police)
    c = cases.complaint_file(estate=camp.estate_b, category=Category.objects.get(code="gang_clues"), description="有人强收装修管理费并威胁业主。",
                             reporter_name="赵强", reporter_phone="13987654321")
    assert complaints_visible_to(user).filter(pk=c.pk).exists()
    assert not complaints_visible_to(camp.users["city_dept"]).filter(pk=c.pk).exists()


def test_register_department_and_member_units(camp):
    city = camp.users["city"]
    with pytest.raises(ServiceError, match="已有此类别"):
        svc.department_register(actor=city, name="又一个城管委", kind=Department.Kind.URBAN_MANAGEMENT)
    with pytest.raises(ServiceError, match="市住房保障房产局"):
        svc.department_register(actor=camp.users["district"], name="市供水集团", kind=Department.Kind.WATER)
    lead = svc.member_unit_save(actor=city, unit=get_unit("city", camp.city.pk), role=MemberUnit.Role.LEAD,
                                contact_name="张科长", contact_phone="01065550000", duty="统筹协调")
    member = svc.member_unit_save(actor=city, unit=get_unit("department", camp.city_dept.pk), duty="加装封闭设施")
    svc.member_unit_save(actor=city, unit=get_unit("district", camp.d1.pk))
    again = svc.member_unit_save(actor=city, unit=get_unit("department", camp.city_dept.pk), duty="老旧楼院封闭")
    assert again.pk == member.pk and again.duty == "老旧楼院封闭" and MemberUnit.objects.count() == 3
    assert lead.role == "lead"
    assert AuditLog.objects.filter(object_type="campaign.memberunit").count() == 4
    svc.member_unit_remove(actor=city, member=member)
    assert not MemberUnit.objects.get(pk=member.pk).active


def test_picker_offers_every_kind(camp):
    kinds = {u["kind"] for u in picker_units()}
    assert kinds == {"district", "department", "street", "community"}
    names = [u["name"] for u in picker_units() if u["kind"] == "department"]
    assert "市城市管理委员会" in names and "东城区市场监管局" in names


def test_members_page(camp):
    client = as_(camp.users["city"])
    r = client.post("/campaign/members/", {"form": "department", "name": "市供热集团", "kind": "heating"})
    assert r.status_code == 302
    dept = Department.objects.get(name="市供热集团")
    assert dept.district_id is None
    r = client.post("/campaign/members/", {"form": "member", "unit": f"department:{dept.pk}", "role": "member",
                                           "contact_name": "刘工", "duty": "供热保障"})
    assert r.status_code == 302 and MemberUnit.objects.filter(unit_id=dept.pk).exists()
    page = client.get("/campaign/members/").content.decode()
    assert "市供热集团" in page and "供热保障" in page
    # a district reads the list but may not change it
    d = as_(camp.users["district"])
    assert d.get("/campaign/members/").status_code == 200
    assert d.post("/campaign/members/", {"form": "department", "name": "x", "kind": "water"}).status_code == 403
    assert as_(camp.users["resident"]).get("/campaign/members/").status_code == 403
