"""The 准物业 pages and API: each role's access (a street sees its own contracts, a provider its
own), the create form's bad input, the phone check entry, the rectification round and the lists'
query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wuye.accounts.models import Role
from wuye.conftest import make_user
from wuye.core.calendar import month_start
from wuye.core.models import AuditAction, AuditLog
from wuye.transition.quasi.models import MonthlyCheck, QuasiContract, Rectification

from .conftest import END, START, TODAY, make_contract, png

NO_ACCESS = ("department", "committee", "resident", "sysadmin", "outsider")


def form_data(quasi, **over):
    data = {
        "title": "老旧楼院准物业服务", "provider_kind": "company", "company": quasi.world.company_a.pk,
        "estates": [quasi.old1.pk, quasi.old2.pk], "start_date": START.isoformat(), "end_date": END.isoformat(),
        "amount": "240000.00", "funding": "district", "funding_note": "", "full_pay_rate": "90", "floor_rate": "60",
        "rectify_days": "5", "items_security": "门岗值守", "items_cleaning": "每日清扫", "items_facilities": "楼道灯小修",
        "sign": "on",
    }
    data.update(over)
    return data


# ---- who sees what -----------------------------------------------------------------------------


def test_each_role_sees_its_own_contracts(quasi, client, login):
    w = quasi.world
    mine = make_contract(quasi)
    street2 = make_user("q_street2", Role.STREET, street=w.s2)
    theirs = make_contract(quasi, actor=street2, estates=[quasi.old_far], provider="company")
    url = reverse("quasi:contract_list")
    expect = {"city": {mine, theirs}, "district": {mine}, "district2": {theirs}, "street": {mine},
              "community": {mine}, "manager_a": {mine, theirs}, "staff_a": {mine, theirs}, "manager_b": set()}
    for who, contracts in expect.items():
        r = login(w.users[who]).get(url)
        assert r.status_code == 200, who
        assert {c.pk for c in r.context["rows"]} == {c.pk for c in contracts}, who
    for who in NO_ACCESS:
        assert login(w.users[who]).get(url).status_code == 403, who
    assert AuditLog.objects.filter(action=AuditAction.DENIED, object_type="quasi.quasicontract").exists()


def test_a_contract_out_of_scope_is_404_and_in_scope_shows_the_payment_and_formula(quasi, client, login):
    w = quasi.world
    contract = make_contract(quasi)
    url = reverse("quasi:contract_detail", args=[contract.pk])
    for who in ("district2", "manager_b"):
        assert login(w.users[who]).get(url).status_code == 404, who
    for who in ("city", "district", "street", "community", "manager_a"):
        r = login(w.users[who]).get(url)
        assert r.status_code == 200, who
        assert "合格率 ≥ 全额支付合格率" in r.content.decode()
        assert r.context["payment"].payable == contract.amount


def test_only_the_buyer_sees_the_sign_and_terminate_buttons_and_may_use_them(quasi, client, login):
    w = quasi.world
    contract = make_contract(quasi, sign=False)
    sign = reverse("quasi:contract_act", args=[contract.pk, "sign"])
    for who in ("district", "community", "manager_a", "city"):
        assert login(w.users[who]).post(sign).status_code == 403, who
    assert login(w.users["street"]).get(reverse("quasi:contract_detail", args=[contract.pk])).context["actions"]
    r = login(w.users["street"]).post(sign)
    assert r.status_code == 302
    contract.refresh_from_db()
    assert contract.status == "signed"
    assert login(w.users["street"]).get(sign).status_code == 405


# ---- create ------------------------------------------------------------------------------------


def test_a_street_creates_and_signs_a_contract_through_the_form(quasi, client, login):
    w = quasi.world
    r = login(w.users["street"]).post(reverse("quasi:contract_new"), form_data(quasi))
    contract = QuasiContract.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("quasi:contract_detail", args=[contract.pk])
    assert contract.status == "signed" and contract.company == w.company_a
    assert sorted(ce.estate_id for ce in contract.coverage.all()) == sorted([quasi.old1.pk, quasi.old2.pk])
    assert {d.duty: d.items for d in contract.duties.all()}["cleaning"] == "每日清扫"


def test_the_form_refuses_a_contract_with_no_compounds_and_keeps_what_was_typed(quasi, client, login):
    w = quasi.world
    r = login(w.users["street"]).post(reverse("quasi:contract_new"), form_data(quasi, estates=[]))
    assert r.status_code == 400
    body = r.content.decode()
    assert "购买服务合同须至少覆盖一个小区" in body and "老旧楼院准物业服务" in body and "240000.00" in body
    assert QuasiContract.objects.count() == 0


@pytest.mark.parametrize("who", ["city", "district", "manager_a", *NO_ACCESS])
def test_only_streets_and_communities_open_the_create_form(quasi, client, login, who):
    r = login(quasi.world.users[who]).get(reverse("quasi:contract_new"))
    assert r.status_code == 403


# ---- checks and rectifications ----------------------------------------------------------------


def check_post(**over):
    data = {"month": f"{TODAY:%Y-%m}", "checked_on": TODAY.isoformat(),
            "result_security": "passed", "note_security": "", "result_cleaning": "failed",
            "note_cleaning": "垃圾桶满溢未清运", "result_facilities": "skip", "note_facilities": "",
            "photos_cleaning": png()}
    data.update(over)
    return data


def test_the_community_records_a_monthly_check_and_the_provider_answers(quasi, client, login):
    w = quasi.world
    contract = make_contract(quasi)
    url = reverse("quasi:check_new", args=[contract.pk])
    for who in ("street", "district", "manager_a", "city"):
        assert login(w.users[who]).get(url).status_code == 403, who
    community = login(w.users["community"])
    assert community.get(url).status_code == 200
    r = community.post(url, check_post(estate=quasi.old1.pk))
    assert r.status_code == 302
    assert MonthlyCheck.objects.filter(contract=contract, month=month_start(TODAY)).count() == 2
    rect = Rectification.objects.get()
    photo = MonthlyCheck.objects.get(passed=False).photos.get()
    # the provider sees its checks, its rectification and the photo; the rival company sees none of it
    assert login(w.users["manager_a"]).get(reverse("quasi:photo", args=[photo.pk])).status_code == 200
    assert login(w.users["manager_b"]).get(reverse("quasi:photo", args=[photo.pk])).status_code == 404
    assert len(login(w.users["manager_a"]).get(reverse("quasi:check_list")).context["rows"]) == 2
    assert len(login(w.users["manager_b"]).get(reverse("quasi:check_list")).context["rows"]) == 0
    detail = reverse("quasi:rectification_detail", args=[rect.pk])
    assert login(w.users["manager_b"]).get(detail).status_code == 404
    r = login(w.users["manager_a"]).get(detail)
    assert [a for a, _ in r.context["actions"]] == ["submit"]
    act = reverse("quasi:rectification_act", args=[rect.pk, "submit"])
    login(w.users["manager_a"]).post(act, {"note": "已增加清运频次"})
    rect.refresh_from_db()
    assert rect.status == "submitted" and rect.reply == "已增加清运频次"
    assert login(w.users["district"]).post(reverse("quasi:rectification_act", args=[rect.pk, "close"])).status_code == 403
    login(w.users["community"]).post(reverse("quasi:rectification_act", args=[rect.pk, "close"]), {"note": "复查合格"})
    rect.refresh_from_db()
    assert rect.status == "closed"


def test_a_failed_check_without_a_photo_is_refused_and_the_form_keeps_its_input(quasi, client, login):
    w = quasi.world
    contract = make_contract(quasi)
    data = check_post(estate=quasi.old1.pk)
    data.pop("photos_cleaning")
    r = login(w.users["community"]).post(reverse("quasi:check_new", args=[contract.pk]), data)
    assert r.status_code == 400
    assert "请上传现场照片" in r.content.decode() and "垃圾桶满溢未清运" in r.content.decode()
    assert MonthlyCheck.objects.count() == 0


def test_rectification_list_filters_and_scopes(quasi, client, login):
    from wuye.transition.quasi import services as svc

    w = quasi.world
    contract = make_contract(quasi)
    svc.checks_record(actor=w.users["community"], contract=contract, estate=quasi.old1, month=month_start(TODAY),
                      results=[{"duty": "security", "passed": False, "note": "消防通道堵塞", "photos": [png()]}])
    url = reverse("quasi:rectification_list")
    assert len(login(w.users["street"]).get(url, {"status": "open"}).context["rows"]) == 1
    assert len(login(w.users["street"]).get(url, {"status": "closed"}).context["rows"]) == 0
    assert len(login(w.users["street"]).get(url, {"q": "消防"}).context["rows"]) == 1
    assert len(login(w.users["district2"]).get(url).context["rows"]) == 0
    assert login(w.users["resident"]).get(url).status_code == 403


def test_list_queries_do_not_grow_with_the_contracts(quasi, client, login, django_assert_max_num_queries):
    from datetime import date

    w = quasi.world
    make_contract(quasi)
    c = login(w.users["street"])
    c.get(reverse("quasi:contract_list"))
    with django_assert_max_num_queries(12) as few:
        c.get(reverse("quasi:contract_list"))
    make_contract(quasi, estates=[quasi.old1], provider="organisation", sign=False, start=date(2020, 1, 1),
                  end=date(2020, 12, 31))
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = c.get(reverse("quasi:contract_list"))
    assert len(r.context["rows"]) == 2


# ---- organisations -------------------------------------------------------------------------------


def test_organisations_are_registered_with_a_checked_credit_code(quasi, client, login):
    w = quasi.world
    url = reverse("quasi:organisation_list")
    r = login(w.users["community"]).post(url, {"name": "邻里服务社", "credit_code": "91110105MA01ABCD01"})
    assert r.status_code == 400 and "校验位" in r.content.decode()
    assert login(w.users["manager_a"]).post(url, {"name": "x", "credit_code": "91110106MA04NPQR3K"}).status_code == 403
    assert login(w.users["manager_a"]).get(url).status_code == 403
    r = login(w.users["community"]).post(url, {"name": "邻里服务社", "credit_code": "91110106MA04NPQR3K"})
    assert r.status_code == 302
    assert [o.name for o in login(w.users["district"]).get(url).context["rows"]] == ["多福巷社区服务中心", "邻里服务社"]
    assert login(w.users["district2"]).get(url).context["rows"] == []


# ---- API ----------------------------------------------------------------------------------------


def api_body(quasi, **over):
    body = {"title": "准物业服务", "estates": [quasi.old1.pk], "company": quasi.world.company_a.pk,
            "start_date": START.isoformat(), "end_date": END.isoformat(), "amount": "99000.00", "funding": "street",
            "sign": True}
    body.update(over)
    return body


def test_api_creates_a_contract_and_refuses_one_with_no_compounds(quasi, client, login):
    w = quasi.world
    api = login(w.users["street"])
    r = api.post("/api/v1/quasi-contracts/", api_body(quasi, estates=[]), content_type="application/json")
    assert r.status_code == 400 and "至少覆盖一个小区" in r.json()["estates"][0]
    assert QuasiContract.objects.count() == 0
    r = api.post("/api/v1/quasi-contracts/", api_body(quasi, estates=[quasi.old_far.pk]), content_type="application/json")
    assert r.status_code == 400 and "超出您的数据权限范围" in r.json()["estates"][0]
    r = api.post("/api/v1/quasi-contracts/", api_body(quasi, amount="abc"), content_type="application/json")
    assert r.status_code == 400 and r.json()["amount"] == ["应填写数字"]
    r = api.post("/api/v1/quasi-contracts/", api_body(quasi), content_type="application/json")
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["status"] == "signed" and data["estates"] == [quasi.old1.pk] and data["amount"] == "99000.00"
    assert set(data["duties"]) == {"security", "cleaning", "facilities"}
    assert data["payment"]["payable"] == "99000.00" and data["payment"]["rule"] == "unchecked"
    detail = f"/api/v1/quasi-contracts/{data['id']}/"
    assert login(w.users["manager_a"]).get(detail).status_code == 200
    assert login(w.users["manager_b"]).get(detail).status_code == 404
    assert login(w.users["district2"]).get(detail).status_code == 404
    assert login(w.users["district"]).get("/api/v1/quasi-contracts/").json()["count"] == 1
    assert login(w.users["district2"]).get("/api/v1/quasi-contracts/").json()["count"] == 0


@pytest.mark.parametrize("who", ["city", "district", "manager_a", "resident", "department"])
def test_api_create_is_for_streets_and_communities_only(quasi, client, login, who):
    r = login(quasi.world.users[who]).post("/api/v1/quasi-contracts/", api_body(quasi), content_type="application/json")
    assert r.status_code == 403
    assert QuasiContract.objects.count() == 0
