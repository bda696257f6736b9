"""Shared-utility pages: permissions matrix, wrong methods, database state, audit rows, query
counts that do not grow with the data, the public page without names, the resident's own
shares with the calculation spelled out, the officials' flagged list and the public panel."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuye.core.models import AuditLog
from wuye.disclosure.models import HouseholdReading, UtilityAllocation, UtilityShare
from wuye.disclosure.utilities import services as svc
from wuye.registry import services as rs

from .test_services import draft, make_building, put_readings

D = Decimal


S8_AREAS = (D("89.50"), D("8552.80"))
S8_USAGES = (D("100"), D("11630"))
S8_MASTER = (D("0"), D("12480"))


def computed(world, name="5号楼", areas=S8_AREAS, usages=S8_USAGES, master=S8_MASTER, publish=False):
    b, units = make_building(world, name, list(areas))
    a = draft(world, b, master=master)
    put_readings(a, units, list(usages))
    m = world.users["manager_a"]
    a = svc.utility_allocation_compute(actor=m, allocation=a)
    if publish:
        a = svc.utility_allocation_publish(actor=m, allocation=a)
    return a, units


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# ---- list ---------------------------------------------------------------------------------------


def test_list_scoping(world, client, login):
    a, _ = computed(world)
    url = reverse("disclosure:utility_list")
    assert client.get(url).status_code == 302  # anonymous → login
    for who, sees in (("manager_a", True), ("staff_a", True), ("committee", True), ("district", True),
                      ("street", True), ("city", True), ("manager_b", False), ("district2", False),
                      ("resident", False)):  # resident: drafts are not shown
        body = login(world.users[who]).get(url).content.decode()
        assert (reverse("disclosure:utility_detail", args=[a.pk]) in body) is sees, who
    for who in ("sysadmin", "auditor", "outsider"):
        assert login(world.users[who]).get(url).status_code == 403
    assert login(world.users["manager_a"]).post(url).status_code == 405


def test_list_filters(world, client, login):
    a, _ = computed(world, master=(D("0"), D("20000")))  # loss rate 41.5 %, flagged
    c = login(world.users["district"])
    url = reverse("disclosure:utility_list")
    link = reverse("disclosure:utility_detail", args=[a.pk])
    assert link in c.get(url, {"flagged": "on"}).content.decode()
    assert link in c.get(url, {"period": "2026-03", "utility": "electricity", "q": "幸福"}).content.decode()
    assert link not in c.get(url, {"period": "2026-04"}).content.decode()
    assert link not in c.get(url, {"utility": "water"}).content.decode()
    assert c.get(url, {"period": "bad"}).status_code == 200


def test_list_queries_do_not_grow(world, client, login):
    computed(world, "A号楼")
    c = login(world.users["district"])
    url = reverse("disclosure:utility_list")
    n = count_queries(c, url)
    for i in range(5):
        computed(world, f"{i}X号楼")
    assert count_queries(c, url) == n


# ---- create -------------------------------------------------------------------------------------


def test_new_form_creates_a_draft(world, client, login):
    url = reverse("disclosure:utility_new")
    c = login(world.users["manager_a"])
    assert c.get(url).status_code == 200
    assert c.put(url).status_code == 405
    data = {"estate": world.estate_a.pk, "building": world.building_a.pk, "utility": "electricity",
            "period_start": "2026-03-01", "period_end": "2026-03-31", "master_start": "100",
            "master_end": "12580", "method": "formula", "area_weight": "60", "unit_price": "0.52"}
    r = c.post(url, data)
    a = UtilityAllocation.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("disclosure:utility_detail", args=[a.pk])
    assert (a.master_usage, a.formula_text, a.status, a.company_id) == (
        D("12480"), "面积占 60%，户数占 40%", "draft", world.company_a.pk)
    assert AuditLog.objects.filter(action="create", object_type="disclosure.utilityallocation").count() == 1


def test_new_form_keeps_input_on_errors(world, client, login):
    c = login(world.users["manager_a"])
    r = c.post(reverse("disclosure:utility_new"), {
        "estate": world.estate_a.pk, "utility": "water", "period_start": "2026-03-01", "period_end": "2026-03-31",
        "master_start": "500", "master_end": "100", "method": "area", "unit_price": "3.95"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "总表止数不能小于起数" in body and 'value="3.95"' in body
    assert not UtilityAllocation.objects.exists()


def test_new_form_refuses_others(world, client, login):
    url = reverse("disclosure:utility_new")
    for who in ("committee", "district", "resident", "sysadmin"):
        assert login(world.users[who]).get(url).status_code == 403
    # another company's estate is not a choice
    r = login(world.users["manager_b"]).post(url, {
        "estate": world.estate_a.pk, "utility": "water", "period_start": "2026-03-01", "period_end": "2026-03-31",
        "master_start": "0", "master_end": "100", "method": "area", "unit_price": "3.95"})
    assert r.status_code == 200 and not UtilityAllocation.objects.exists()


# ---- detail and actions -------------------------------------------------------------------------


def test_detail_permissions(world, client, login):
    a, _ = computed(world)
    url = reverse("disclosure:utility_detail", args=[a.pk])
    for who in ("manager_a", "staff_a", "committee", "district", "street", "community", "city"):
        assert login(world.users[who]).get(url).status_code == 200, who
    for who in ("manager_b", "district2", "resident"):  # resident: a draft
        assert login(world.users[who]).get(url).status_code == 404, who
    assert login(world.users["auditor"]).get(url).status_code == 403
    assert AuditLog.objects.filter(action="denied", object_type="disclosure.utilityallocation").exists()


def test_detail_queries_do_not_grow(world, client, login):
    a, _ = computed(world)
    c = login(world.users["manager_a"])
    url = reverse("disclosure:utility_detail", args=[a.pk])
    n = count_queries(c, url)
    b, units = make_building(world, "大楼", [D("50.00") + i for i in range(60)])
    big = draft(world, b)
    put_readings(big, units, [D("10")] * 60)
    svc.utility_allocation_compute(actor=world.users["manager_a"], allocation=big)
    assert count_queries(c, reverse("disclosure:utility_detail", args=[big.pk])) == n


def test_reading_add_compute_publish_withdraw(world, client, login):
    b, units = make_building(world, "5号楼", [D("89.50"), D("8552.80")])
    a = draft(world, b)
    c = login(world.users["manager_a"])
    add = reverse("disclosure:utility_reading_add", args=[a.pk])
    assert c.get(add).status_code == 405
    r = c.post(add, {"building": "5号楼", "number": units[0].number, "start": "0", "end": "100"})
    assert r.status_code == 302
    r = c.post(add, {"building": "5号楼", "number": "不存在", "start": "0", "end": "100"})
    assert r.status_code == 400 and "找不到该房屋" in r.content.decode()
    r = c.post(add, {"building": "5号楼", "number": units[1].number, "start": "50", "end": "10"})
    assert r.status_code == 400 and "止数不能小于起数" in r.content.decode()
    c.post(add, {"building": "5号楼", "number": units[1].number, "start": "0", "end": "11630"})
    assert HouseholdReading.objects.filter(allocation=a).count() == 2
    a.refresh_from_db()
    r = c.post(reverse("disclosure:utility_compute", args=[a.pk]), {"version": a.version}, follow=True)
    assert "已计算" in r.content.decode()
    assert UtilityShare.objects.filter(allocation=a).count() == 2
    a.refresh_from_db()
    assert a.total_charge == D("390.00")
    # a stale version is a conflict with a clear message
    r = c.post(reverse("disclosure:utility_publish", args=[a.pk]), {"version": a.version - 1}, follow=True)
    assert "已被他人处理或修改" in r.content.decode()
    r = c.post(reverse("disclosure:utility_publish", args=[a.pk]), {"version": a.version}, follow=True)
    a.refresh_from_db()
    assert a.status == "published" and "已公示" in r.content.decode()
    r = c.post(reverse("disclosure:utility_withdraw", args=[a.pk]), {"version": a.version, "reason": ""}, follow=True)
    assert "请填写撤回原因" in r.content.decode()
    c.post(reverse("disclosure:utility_withdraw", args=[a.pk]), {"version": a.version, "reason": "抄表错误"})
    a.refresh_from_db()
    assert a.status == "withdrawn"
    changes = [row.changes.get("status") for row in AuditLog.objects.filter(
        object_type="disclosure.utilityallocation", object_id=str(a.pk)).order_by("seq")]
    assert ["draft", "published"] in changes and ["published", "withdrawn"] in changes


def test_negative_loss_is_shown_and_nothing_saved(world, client, login):
    b, units = make_building(world, "5号楼", [D("80.00")])
    a = draft(world, b, master=(D("0"), D("100")))
    put_readings(a, units, [D("120")])
    c = login(world.users["manager_a"])
    r = c.post(reverse("disclosure:utility_compute", args=[a.pk]), follow=True)
    assert "分户表读数合计超过总表读数，损耗为负数，请核对抄表数据" in r.content.decode()
    assert not UtilityShare.objects.filter(allocation=a).exists()


def test_actions_refuse_other_users(world, client, login):
    a, _ = computed(world)
    for name in ("utility_compute", "utility_publish", "utility_delete", "utility_reading_add", "utility_import"):
        url = reverse(f"disclosure:{name}", args=[a.pk])
        assert login(world.users["manager_b"]).post(url).status_code == 404, name
        assert login(world.users["committee"]).post(url).status_code == 403, name
        assert login(world.users["district"]).post(url).status_code == 403, name
    a.refresh_from_db()
    assert a.status == "draft" and UtilityAllocation.objects.filter(pk=a.pk).exists()


def test_delete_draft(world, client, login):
    a, _ = computed(world)
    c = login(world.users["manager_a"])
    assert c.get(reverse("disclosure:utility_delete", args=[a.pk])).status_code == 405
    r = c.post(reverse("disclosure:utility_delete", args=[a.pk]))
    assert r.status_code == 302 and not UtilityAllocation.objects.filter(pk=a.pk).exists()
    assert AuditLog.objects.filter(action="delete", object_type="disclosure.utilityallocation").count() == 1


# ---- public -------------------------------------------------------------------------------------


def test_public_page(world, client):
    a, units = computed(world, publish=False)
    rs.ownership_create(actor=world.users["city"], unit=units[0], owner=world.owner_a)
    url = reverse("disclosure:utility_public", args=[a.pk])
    assert client.get(url).status_code == 404  # a draft is not public
    svc.utility_allocation_publish(actor=world.users["manager_a"], allocation=a)
    r = client.get(url)
    body = r.content.decode()
    assert r.status_code == 200
    assert units[0].number in body and "4.04" in body and "390.00" in body and "12,480" in body
    assert "王秀英" not in body and "王*" not in body  # no owner names
    assert client.post(url).status_code == 405
    svc.utility_allocation_withdraw(actor=world.users["manager_a"], allocation=a, reason="抄错")
    assert client.get(url).status_code == 404


def test_public_page_queries_do_not_grow(world, client):
    a, _ = computed(world, publish=True)
    n = count_queries(client, reverse("disclosure:utility_public", args=[a.pk]))
    b, units = make_building(world, "大楼", [D("50.00") + i for i in range(80)])
    big = draft(world, b)
    put_readings(big, units, [D("10")] * 80)
    big = svc.utility_allocation_compute(actor=world.users["manager_a"], allocation=big)
    svc.utility_allocation_publish(actor=world.users["manager_a"], allocation=big)
    assert count_queries(client, reverse("disclosure:utility_public", args=[big.pk])) == n


def test_public_panel_tag(world):
    a, _ = computed(world, publish=True)
    tpl = Template("{% load utility_panels %}{% utility_public_panel estate %}")
    with CaptureQueriesContext(connection) as ctx:
        html = tpl.render(Context({"estate": world.estate_a}))
    assert len(ctx.captured_queries) <= 2
    assert reverse("disclosure:utility_public", args=[a.pk]) in html and "390.00" in html
    assert "暂无水电公摊公示" in tpl.render(Context({"estate": world.estate_b}))


# ---- resident -----------------------------------------------------------------------------------


def test_mine_spells_out_the_calculation(world, client, login):
    a, units = computed(world)
    rs.ownership_create(actor=world.users["city"], unit=units[0], owner=world.owner_a)
    c = login(world.users["resident"])
    url = reverse("disclosure:utility_mine")
    assert "暂无您名下房屋的水电公摊" in c.get(url).content.decode()  # not published yet
    svc.utility_allocation_publish(actor=world.users["manager_a"], allocation=a)
    body = c.get(url).content.decode()
    assert "损耗 750 kWh × 本户面积 89.50 / 总面积 8,642.30 = 7.767 kWh × 0.52 元 = 4.04 元" in body
    assert units[1].number not in body  # only their own unit
    for who in ("manager_a", "committee", "district"):
        assert login(world.users[who]).get(url).status_code == 403
    assert c.post(url).status_code == 405


def test_mine_household_and_formula_text(world, client, login):
    b, units = make_building(world, "8号楼", [D("50.00"), D("100.00"), D("150.00")])
    rs.ownership_create(actor=world.users["city"], unit=units[0], owner=world.owner_a)
    m = world.users["manager_a"]
    for method, aw in (("household", None), ("formula", D("60"))):
        a = draft(world, b, master=(D("0"), D("390")), method=method, price=D("1"), area_weight=aw)
        put_readings(a, units, [D("100")] * 3)
        svc.utility_allocation_publish(actor=m, allocation=svc.utility_allocation_compute(actor=m, allocation=a))
    body = login(world.users["resident"]).get(reverse("disclosure:utility_mine")).content.decode()
    assert "损耗 90 kWh × 1 / 3 户 = 30.000 kWh × 1 元 = 30.00 元" in body
    assert ("损耗 90 kWh × (60% × 本户面积 50.00 / 总面积 300.00 + 40% × 1 / 3 户) = 21.000 kWh × 1 元 = 21.00 元"
            in body)


# ---- officials: flagged -------------------------------------------------------------------------


def test_flagged_list(world, client, login):
    a, _ = computed(world, master=(D("0"), D("20000")), publish=True)
    ok, _ = computed(world, "6号楼", publish=True)
    url = reverse("disclosure:utility_flagged")
    body = login(world.users["district"]).get(url).content.decode()
    assert reverse("disclosure:utility_detail", args=[a.pk]) in body
    assert reverse("disclosure:utility_detail", args=[ok.pk]) not in body
    assert "东城区" in body
    assert reverse("disclosure:utility_detail", args=[a.pk]) not in login(world.users["district2"]).get(url).content.decode()
    for who in ("manager_a", "committee", "resident", "sysadmin"):
        assert login(world.users[who]).get(url).status_code == 403
    c = login(world.users["city"])
    n = count_queries(c, url)
    for i in range(4):
        computed(world, f"{i}F号楼", master=(D("0"), D("20000")), publish=True)
    assert count_queries(c, url) == n


@pytest.mark.parametrize("who", ["city", "district", "street", "community"])
def test_officials_see_flagged_link(world, client, login, who):
    assert reverse("disclosure:utility_flagged") in login(world.users[who]).get(
        reverse("disclosure:utility_list")).content.decode()
