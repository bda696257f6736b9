"""The 回头看 and clue pages: each role's access, the draw with its seed shown, the phone form that
records a relapse, bad input kept with a Chinese message, the clue pages audited on each view, and
list query counts that do not grow with the data."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from wuye.core.models import AuditAction, AuditLog
from wuye.supervision.tests.inspection_support import png
from wuye.transition.recheck import clues
from wuye.transition.recheck.models import ClueReport, Recheck, RecheckCampaign

from .test_campaigns import drawn, make_campaign


@pytest.mark.parametrize("who, status", [
    ("city", 200), ("district", 200), ("street", 200), ("community", 403), ("manager_a", 403), ("resident", 403),
    ("police", 403)])
def test_campaign_list_by_role(rworld, login, who, status):
    drawn(rworld)
    r = login(rworld.w.users[who]).get(reverse("recheck:campaign_list"))
    assert r.status_code == status
    if status == 200:
        assert "2026年度东城区回头看".encode() in r.content


def test_campaign_list_queries_do_not_grow(rworld, login, django_assert_max_num_queries):
    client = login(rworld.w.users["district"])
    drawn(rworld)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("recheck:campaign_list")).status_code == 200
    for n in range(4):
        drawn(rworld, seed=f"more-{n}")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("recheck:campaign_list")).status_code == 200


def test_create_over_an_empty_year_keeps_the_form_with_a_chinese_message(rworld, login):
    client = login(rworld.w.users["district"])
    r = client.post(reverse("recheck:campaign_create"), {
        "name": "2019年度回头看", "year": "2019", "district": rworld.w.d1.pk, "order_count": "5", "complaint_count": "5",
        "categories": [rworld.category.pk]})
    assert r.status_code == 400
    assert "无可复查的对象".encode() in r.content and "2019年度回头看".encode() in r.content
    assert not RecheckCampaign.objects.exists()


def test_create_draw_and_the_seed_is_shown(rworld, login):
    client = login(rworld.w.users["district"])
    r = client.post(reverse("recheck:campaign_create"), {
        "name": "东城区回头看", "year": str(rworld.year), "district": rworld.w.d1.pk, "order_count": "2",
        "complaint_count": "2", "categories": [rworld.category.pk]})
    c = RecheckCampaign.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("recheck:campaign_detail", args=[c.pk])
    assert client.get(reverse("recheck:campaign_draw", args=[c.pk])).status_code == 405
    r = client.post(reverse("recheck:campaign_draw", args=[c.pk]), {"seed": "published-seed-7"})
    assert r.status_code == 302
    page = client.get(reverse("recheck:campaign_detail", args=[c.pk]))
    assert b"published-seed-7" in page.content and b'data-testid="verified"' in page.content
    assert "结果一致".encode() in page.content
    data = json.loads(client.get(reverse("recheck:campaign_data", args=[c.pk])).content)
    assert data["seed"] == "published-seed-7" and data["algorithm"] == "wuye-recheck-v1"
    assert len(data["result"]["orders"]) == 2 and len(data["result"]["complaints"]) == 2


@pytest.mark.parametrize("who", ["street", "district2", "manager_a"])
def test_only_the_campaigns_official_may_draw(rworld, login, who):
    c = make_campaign(rworld)
    r = login(rworld.w.users[who]).post(reverse("recheck:campaign_draw", args=[c.pk]), {"seed": "x"})
    assert r.status_code in (403, 404)
    c.refresh_from_db()
    assert c.status == "draft" and not c.seed
    assert AuditLog.objects.filter(action=AuditAction.DENIED, object_type="recheck.recheckcampaign").exists()


def test_the_phone_form_records_a_relapse(rworld, login):
    c = drawn(rworld)
    r = Recheck.objects.filter(campaign=c, kind="order").get()
    client = login(rworld.w.users["street"])
    page = client.get(reverse("recheck:recheck_detail", args=[r.pk]))
    assert page.status_code == 200 and b'capture="environment"' in page.content
    bad = client.post(reverse("recheck:recheck_detail", args=[r.pk]), {"result": "relapsed", "note": "又堆满了"})
    assert bad.status_code == 400 and "须上传至少一张现场照片".encode() in bad.content and "又堆满了".encode() in bad.content
    ok = client.post(reverse("recheck:recheck_detail", args=[r.pk]),
                     {"result": "relapsed", "note": "又堆满了", "photos": png()})
    assert ok.status_code == 302
    r.refresh_from_db()
    assert r.result == "relapsed" and r.new_order_id and r.credit_event_id
    photo = r.photos.get()
    assert client.get(reverse("recheck:recheck_photo", args=[photo.pk])).status_code == 200
    assert login(rworld.w.users["district2"]).get(reverse("recheck:recheck_photo", args=[photo.pk])).status_code == 404


def test_a_user_who_may_not_record_gets_403(rworld, login):
    c = drawn(rworld)
    r = Recheck.objects.filter(campaign=c, kind="order").get()
    resp = login(rworld.w.users["district2"]).post(reverse("recheck:recheck_detail", args=[r.pk]), {"result": "fixed"})
    assert resp.status_code == 404
    r.refresh_from_db()
    assert r.result == ""


def test_finish_and_report_through_the_pages(rworld, login):
    c = drawn(rworld)
    for r in Recheck.objects.filter(campaign=c):
        login(rworld.w.users["street"]).post(reverse("recheck:recheck_detail", args=[r.pk]), {"result": "fixed"})
    assert login(rworld.w.users["district"]).post(reverse("recheck:campaign_act", args=[c.pk, "finish"])).status_code == 302
    c.refresh_from_db()
    assert c.status == "finished"
    r = login(rworld.w.users["city"]).post(reverse("recheck:campaign_report", args=[c.pk]))
    c.refresh_from_db()
    assert r.status_code == 302 and r["Location"] == reverse("bulletins:detail", args=[c.bulletin_id])


# ---- clues --------------------------------------------------------------------------------------


def _clue(rw):
    return clues.clue_file(actor=rw.w.users["resident"], target="company", company=rw.w.company_a, district=rw.w.d1,
                           content="暴力收费")


@pytest.mark.parametrize("who, status", [
    ("city", 200), ("police", 200), ("city_police", 200), ("police2", 404), ("district", 403), ("street", 403),
    ("manager_a", 403), ("resident", 403), ("department", 403), ("auditor", 403)])
def test_clue_detail_by_role_and_each_view_is_audited(rworld, login, who, status):
    clue = _clue(rworld)
    client = login(rworld.w.users[who])
    r = client.get(reverse("recheck:clue_detail", args=[clue.pk]))
    assert r.status_code == status
    reveals = AuditLog.objects.filter(object_type="recheck.cluereport", object_id=str(clue.pk), action=AuditAction.REVEAL)
    if status == 200:
        assert "暴力收费".encode() in r.content and reveals.count() == 1
        client.get(reverse("recheck:clue_detail", args=[clue.pk]))
        assert reveals.count() == 2
    else:
        assert "暴力收费".encode() not in r.content and reveals.count() == 0
    lst = client.get(reverse("recheck:clue_list"))
    assert (clue.number.encode() in lst.content) is (status == 200)


def test_a_resident_files_and_sees_only_the_receipt(rworld, login):
    client = login(rworld.w.users["resident"])
    assert client.get(reverse("recheck:clue_new")).status_code == 200
    bad = client.post(reverse("recheck:clue_new"), {"target": "company", "district": rworld.w.d1.pk, "content": "强收费"})
    assert bad.status_code == 400 and "请选择被举报的物业服务企业".encode() in bad.content and "强收费".encode() in bad.content
    r = client.post(reverse("recheck:clue_new"), {"target": "company", "company": rworld.w.company_a.pk,
                                                  "district": rworld.w.d1.pk, "content": "强收费并威胁业主"})
    clue = ClueReport.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("recheck:clue_receipt", args=[clue.pk])
    receipt = client.get(r["Location"])
    assert clue.number.encode() in receipt.content and "强收费并威胁业主".encode() not in receipt.content
    assert rworld.w.company_a.name.encode() not in receipt.content
    assert clue.number.encode() in client.get(reverse("recheck:clue_receipts")).content
    # Another account cannot open this receipt.
    assert login(rworld.w.users["committee"]).get(reverse("recheck:clue_receipt", args=[clue.pk])).status_code == 404


def test_a_company_cannot_file(rworld, login):
    assert login(rworld.w.users["manager_a"]).get(reverse("recheck:clue_new")).status_code == 403


def test_the_police_conclude_on_the_page(rworld, login):
    clue = _clue(rworld)
    client = login(rworld.w.users["police"])
    client.post(reverse("recheck:clue_act", args=[clue.pk, "accept"]))
    client.post(reverse("recheck:clue_act", args=[clue.pk, "conclude"]), {"confirmed": "1", "outcome": "查证属实"})
    clue.refresh_from_db()
    assert clue.status == "confirmed" and clue.credit_event_id
    page = client.get(reverse("recheck:clue_detail", args=[clue.pk]))
    assert b'data-testid="credit-link"' in page.content
    # The city bureau sees the link too; it cannot act for the police.
    city = login(rworld.w.users["city"])
    assert b'data-testid="credit-link"' in city.get(reverse("recheck:clue_detail", args=[clue.pk])).content
