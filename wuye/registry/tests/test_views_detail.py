"""Detail pages: related records, breadcrumbs, buttons only for those who may change the record,
and a number of queries that does not grow with the related data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuye.registry import services as rs

from .view_support import fast_passwords, grow  # noqa: F401


def add_related(world, slug: str, n: int) -> None:
    """More rows around the A-side record of ``slug`` (what its detail page lists or counts)."""
    root = world.users["city"]
    if slug in ("estate", "company"):
        grow(world, "building", n)
        grow(world, "parking", n)
        grow(world, "staff", n)
        for i in range(n):
            estate = rs.estate_create(actor=root, name=f"关联小区{i}", address="某路", community=world.c1)
            rs.estate_set_contract(actor=root, estate=estate, company=world.company_a, start_date="2024-01-01",
                                   end_date="2026-12-31", contracted_grade="2", fee_rate=Decimal("1.00"))
    elif slug == "building":
        grow(world, "unit", n)
    elif slug in ("unit", "owner"):
        for i in range(n):
            unit = rs.unit_create(actor=root, building=world.building_a, number=f"9-{i}", exclusive_area=Decimal("50"))
            rs.ownership_create(actor=root, unit=unit, owner=world.owner_a)
            rs.unit_owner_register(actor=root, unit=world.unit_a, name=f"共有人{i}", phone="13900000000")
    elif slug == "committee":
        for i in range(n):
            rs.committee_member_add(actor=root, committee=world.committee_a, name=f"委员{i}", position="member",
                                    is_party_member=bool(i % 2), phone="13500000000")
    elif slug in ("parking", "staff"):
        for i in range(n):
            rs.estate_update(actor=root, estate=world.estate_a, floor_area=Decimal(50000 + i))  # history rows


OBJECTS = {"company": "company_a", "estate": "estate_a", "building": "building_a", "unit": "unit_a",
           "owner": "owner_a", "parking": "parking_a", "staff": "staff_a", "committee": "committee_a"}


@pytest.mark.parametrize("slug", list(OBJECTS))
def test_detail_queries_do_not_grow_with_related_data(world, client, login, slug, django_assert_num_queries):
    login(world.users["district"])
    url = reverse(f"registry:{slug}_detail", args=[getattr(world, OBJECTS[slug]).pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_related(world, slug, 8)
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_estate_detail_shows_contract_buildings_counts_committee_and_staff(world, client, login):
    login(world.users["street"])
    r = client.get(reverse("registry:estate_detail", args=[world.estate_a.pk]))
    html = r.content.decode()
    for text in ("安居物业服务有限公司", "WY-", "三星级", "2.50", "3号楼", "刘洋", "业主委员会", "2024-01-01 — 2028-12-31",
                 "东城区 · 东华门街道 · 多福巷社区"):
        assert text in html, text
    assert r.context["unit_stats"]["total"] == 1 and r.context["parking_stats"]["violations"] == 1
    assert r.context["committee"].member_count == 1 and r.context["committee"].party_count == 1
    assert 'data-testid="edit"' in html and 'data-testid="set-contract"' in html
    assert '<li class="breadcrumb-item"><a href="/registry/estates/">住宅小区</a></li>' in html


def test_estate_detail_without_contract_says_so(world, client, login):
    root = world.users["city"]
    estate = rs.estate_create(actor=root, name="自管小区", address="某路", community=world.c1,
                              management_mode="self_managed")
    login(root)
    html = client.get(reverse("registry:estate_detail", args=[estate.pk])).content.decode()
    assert "无物业服务合同" in html and "尚未成立或登记业主委员会" in html and "暂无楼栋" in html


@pytest.mark.parametrize("role, buttons", [
    ("city", True), ("district", True), ("street", False), ("manager_a", True), ("staff_a", False),
    ("resident", False), ("committee", False), ("department", False),
])
def test_edit_and_delete_buttons_only_when_the_user_may_change(world, client, login, role, buttons):
    login(world.users[role])
    html = client.get(reverse("registry:company_detail", args=[world.company_a.pk])).content.decode()
    assert ('data-testid="edit"' in html) == buttons
    assert ('data-testid="delete"' in html) == buttons


def test_company_detail_lists_its_estates_and_staff_within_scope(world, client, login):
    login(world.users["district"])
    r = client.get(reverse("registry:company_detail", args=[world.company_a.pk]))
    assert [e.name for e in r.context["estates"]] == ["幸福里小区"]
    assert [s.name for s in r.context["staff"]] == ["刘洋"]
    assert "137****0001" in r.content.decode()


def test_unit_detail_lists_its_owners(world, client, login):
    rs.unit_owner_register(actor=world.users["city"], unit=world.unit_a, name="李娜", phone="13300000000")
    login(world.users["community"])
    r = client.get(reverse("registry:unit_detail", args=[world.unit_a.pk]))
    assert [x.owner.name for x in r.context["ownerships"]] == ["王秀英", "李娜"]
    html = r.content.decode()
    assert 'data-testid="add-owner"' in html and "移除" in html and "133****0000" in html


def test_owner_detail_lists_units_and_committee_seats(world, client, login):
    member = world.committee_a.members.get()
    member.owner = world.owner_a
    member.save()
    login(world.users["district"])
    r = client.get(reverse("registry:owner_detail", args=[world.owner_a.pk]))
    assert [x.unit.number for x in r.context["ownerships"]] == ["3-1-101"]
    assert [m.name for m in r.context["seats"]] == ["孙丽"]


def test_committee_detail_checks_size_and_party_share(world, client, login):
    login(world.users["district"])
    r = client.get(reverse("registry:committee_detail", args=[world.committee_a.pk]))
    assert r.context["member_count"] == 1 and not r.context["size_ok"] and r.context["party_ok"]
    assert "5 至 11 人" in r.content.decode()
    for i in range(4):
        rs.committee_member_add(actor=world.users["city"], committee=world.committee_a, name=f"委员{i}",
                                position="member", is_party_member=False)
    r = client.get(reverse("registry:committee_detail", args=[world.committee_a.pk]))
    assert r.context["size_ok"] and not r.context["party_ok"]


def test_parking_detail_flags_sale_only(world, client, login):
    login(world.users["city"])
    assert "只售不租风险" in client.get(reverse("registry:parking_detail", args=[world.parking_a.pk])).content.decode()
    assert "只售不租风险" not in client.get(reverse("registry:parking_detail", args=[world.parking_b.pk])).content.decode()


def test_history_is_shown_to_officials_not_to_residents(world, client, login):
    url = reverse("registry:estate_detail", args=[world.estate_a.pk])
    login(world.users["district"])
    assert 'data-testid="history"' in client.get(url).content.decode()
    login(world.users["resident"])
    assert "变更记录" not in client.get(url).content.decode()


def test_pick_options_are_scoped_and_searchable(world, client, login):
    login(world.users["manager_a"])
    html = client.get(reverse("registry:pick", args=["estate"]), {"q": ""}).content.decode()
    assert "幸福里小区" in html and "翠湖花园" not in html
    login(world.users["city"])
    html = client.get(reverse("registry:pick", args=["estate"]), {"estate_q": "chhy", "empty": "全部小区"}).content.decode()
    assert "翠湖花园" in html and "幸福里小区" not in html and "全部小区" in html
    html = client.get(reverse("registry:pick", args=["building"]), {"estate": world.estate_b.pk}).content.decode()
    assert "1号楼" in html and "3号楼" not in html
    html = client.get(reverse("registry:pick", args=["owner"]), {"q": "wxy"}).content.decode()
    assert "王秀英（138****5678）" in html and "13812345678" not in html
    assert client.get(reverse("registry:pick", args=["nothing"])).status_code == 404
    login(world.users["auditor"])
    assert "幸福里小区" not in client.get(reverse("registry:pick", args=["estate"])).content.decode()
