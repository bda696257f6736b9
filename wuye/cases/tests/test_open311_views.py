"""Open311 GeoReport v2 at /open311/v2/ through Django's test client: every resource in JSON and
XML, the spec's error format, partner keys, filing and following a complaint to its close, and
what is never shown (personal data, clue reports)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from wuye.cases.models import Category, Complaint, PartnerKey, Source
from wuye.cases.open311 import keys
from wuye.core.models import AuditAction, AuditLog

from .conftest import act, file

BASE = "/open311/v2"


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def partner(cworld):
    keys.ensure_demo_partner_key()
    return keys.DEMO_KEY


def get(client, path, fmt="json", **params):
    return client.get(f"{BASE}/{path}.{fmt}", params)


def parsed(response, fmt):
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.content)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def new_request(client, key, fmt="json", **extra):
    data = {"api_key": key, "service_code": "cleaning_greening", "attribute[estate_id]": "",
            "description": "3号楼门口的垃圾桶已经三天没有清运，气味很大。", "first_name": "秀英", "last_name": "王",
            "phone": "13812345678", "email": "wang@example.cn", "media_url": "http://example.invalid/x.jpg"}
    data.update(extra)
    return client.post(f"{BASE}/requests.{fmt}", data)


def close_satisfied(world, c):
    u = world.users
    act(u["district"], c, "dispatch")
    act(u["staff_a"], c, "sign")
    act(u["staff_a"], c, "contact", note="已电话联系")
    act(u["staff_a"], c, "reply", note="垃圾已清运")
    act(u["district"], c, "approve_reply", public_reply="垃圾已清运，并增加清运频次。")
    act(None, c, "callback", reporter=True, resolved=True, satisfaction="satisfied")
    c.refresh_from_db()
    assert c.status == "closed"


# ---- discovery and services -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery(cworld, client, fmt):
    response = get(client, "discovery", fmt)
    assert response.status_code == 200
    doc = parsed(response, fmt)
    if fmt == "json":
        endpoint = doc["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"] == "http://testserver/open311/v2/"
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert doc["changeset"] and "12345" in doc["contact"]
    else:
        assert doc.tag == "discovery"
        assert doc.findtext("endpoints/endpoint/url") == "http://testserver/open311/v2/"
        assert [f.text for f in doc.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_services_are_the_active_categories(cworld, client, fmt):
    Category.objects.filter(code="other").update(active=False)
    doc = parsed(get(client, "services", fmt), fmt)
    if fmt == "json":
        codes = [s["service_code"] for s in doc]
        first = doc[0]
        assert first == {
            "service_code": "service_attitude", "service_name": "服务态度",
            "description": "服务态度（受理时限 2 小时，办结时限 5 个工作日）", "metadata": True, "type": "realtime",
            "keywords": "服务态度, 小区物业服务企业", "group": "小区物业服务企业"}
    else:
        assert doc.tag == "services"
        codes = [s.findtext("service_code") for s in doc.findall("service")]
        assert doc.find("service/metadata").text == "true" and doc.find("service/type").text == "realtime"
    assert len(codes) == 15 and "other" not in codes and "gang_clues" in codes


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_names_the_estate_attribute(cworld, client, fmt):
    response = get(client, "services/elevator", fmt)
    assert response.status_code == 200
    doc = parsed(response, fmt)
    if fmt == "json":
        assert doc["service_code"] == "elevator"
        attrs = {a["code"]: a for a in doc["attributes"]}
        assert attrs["estate_id"]["datatype"] == "number" and attrs["estate_id"]["variable"] is True
        assert attrs["anonymous"]["values"] == [{"key": "0", "name": "否"}, {"key": "1", "name": "是"}]
    else:
        assert doc.tag == "service_definition"
        assert [a.findtext("code") for a in doc.findall("attributes/attribute")] == ["estate_id", "location", "anonymous"]
        assert [v.findtext("key") for v in doc.findall("attributes/attribute/values/value")] == ["0", "1"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_in_the_spec_error_format(cworld, client, fmt):
    response = get(client, "services/nope", fmt)
    assert response.status_code == 404
    doc = parsed(response, fmt)
    if fmt == "json":
        assert doc == [{"code": 404, "description": "服务类别 nope 不存在"}]
    else:
        assert doc.tag == "errors"
        assert doc.findtext("error/code") == "404" and doc.findtext("error/description") == "服务类别 nope 不存在"


def test_read_only_resources_refuse_other_methods(cworld, client):
    for path in ("discovery.json", "services.xml", "services/elevator.json", "requests/TS1.json", "tokens/TS1.xml"):
        response = client.post(f"{BASE}/{path}")
        assert response.status_code == 405, path
        assert response["Allow"] == "GET, HEAD"
    deleted = client.delete(f"{BASE}/requests.json")
    assert deleted.status_code == 405 and json.loads(deleted.content)[0]["code"] == 405


# ---- POST requests ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_request_files_a_complaint_from_open311(cworld, client, partner, fmt):
    response = new_request(client, partner, fmt, **{"attribute[estate_id]": str(cworld.estate_a.pk),
                                                     "attribute[location]": "3号楼门口", "attribute[anonymous]": "1"})
    assert response.status_code == 201, response.content
    c = Complaint.objects.get()
    assert (c.source, c.estate, c.category.code, c.reporter_name, c.reporter_phone, c.location, c.anonymous) == (
        Source.OPEN311, cworld.estate_a, "cleaning_greening", "王秀英", "13812345678", "3号楼门口", True)
    assert c.photos.count() == 0  # media_url is never downloaded
    doc = parsed(response, fmt)
    if fmt == "json":
        # The public number, never the tracking code; only the filing partner reads the code, in the notice.
        assert doc[0]["service_request_id"] == str(c.pk) != c.tracking_code and doc[0]["account_id"] is None
        assert c.tracking_code in doc[0]["service_notice"]
    else:
        assert doc.tag == "service_requests"
        assert doc.findtext("request/service_request_id") == str(c.pk)
        assert doc.find("request/account_id").text is None
    audit = AuditLog.objects.filter(action=AuditAction.CREATE, object_type="cases.complaint", object_id=str(c.pk))
    assert any("演示合作方" in row.detail for row in audit)
    assert PartnerKey.objects.get().last_used_at is not None


def test_post_request_finds_the_estate_by_exact_name_or_address(cworld, client, partner):
    by_name = new_request(client, partner, address_string="幸福里小区")
    by_address = new_request(client, partner, address_string="西城区府右街 18 号", first_name="Li", last_name="Lei")
    assert (by_name.status_code, by_address.status_code) == (201, 201)
    assert list(Complaint.objects.order_by("id").values_list("estate_id", "reporter_name")) == [
        (cworld.estate_a.pk, "王秀英"), (cworld.estate_b.pk, "Li Lei")]


@pytest.mark.parametrize("extra, message", [
    ({}, "请提供 attribute[estate_id]（小区编号）或 address_string（小区名称或地址）"),
    ({"address_string": "幸福"}, "没有与 address_string “幸福”完全一致的小区名称或地址"),
    ({"attribute[estate_id]": "abc"}, "attribute[estate_id] 应为小区编号（整数）"),
    ({"attribute[estate_id]": "999999"}, "小区编号 999999 不存在"),
    ({"lat": "39.9", "long": "116.4"}, "暂不支持按经纬度定位，请提供 attribute[estate_id] 或 address_string"),
    ({"address_string": "幸福里小区", "service_code": "nope"}, "service_code nope 不存在"),
    ({"address_string": "幸福里小区", "service_code": ""}, "缺少 service_code"),
    ({"address_string": "幸福里小区", "description": " "}, "请填写诉求内容"),
    ({"address_string": "幸福里小区", "phone": "电话号码"}, "联系电话格式不正确（手机号码，或带区号的固定电话）"),
    ({"address_string": "幸福里小区", "attribute[anonymous]": "yes"}, "attribute[anonymous] 只能是 0 或 1"),
])
def test_post_request_bad_input_is_400_with_a_chinese_description(cworld, client, partner, extra, message):
    response = new_request(client, partner, **extra)
    assert response.status_code == 400
    assert json.loads(response.content) == [{"code": 400, "description": message}]
    assert Complaint.objects.count() == 0


def test_two_estates_with_the_same_name_ask_for_the_estate_id(cworld, client, partner):
    from wuye.registry import services as rs

    rs.estate_create(actor=cworld.users["city"], name="幸福里小区", address="西城区某路 1 号", community=cworld.c2)
    response = new_request(client, partner, address_string="幸福里小区")
    assert response.status_code == 400
    assert "请改用 attribute[estate_id]" in json.loads(response.content)[0]["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("api_key", [None, "", "wrong-key"])
def test_missing_or_bad_api_key_is_403(cworld, client, partner, fmt, api_key):
    data = {"service_code": "cleaning_greening", "address_string": "幸福里小区", "description": "垃圾没有清运"}
    if api_key is not None:
        data["api_key"] = api_key
    response = client.post(f"{BASE}/requests.{fmt}", data)
    assert response.status_code == 403
    doc = parsed(response, fmt)
    description = "api_key 无效或已停用，请向平台系统管理员申请接入密钥"
    if fmt == "json":
        assert doc == [{"code": 403, "description": description}]
    else:
        assert doc.findtext("error/code") == "403" and doc.findtext("error/description") == description
    assert Complaint.objects.count() == 0


def test_a_deactivated_key_stops_working(cworld, client, partner):
    key, raw = keys.partner_key_create(user=cworld.users["sysadmin"], name="区网格化平台")
    assert new_request(client, raw, address_string="幸福里小区").status_code == 201
    keys.partner_key_deactivate(user=cworld.users["sysadmin"], key=key)
    assert new_request(client, raw, address_string="幸福里小区").status_code == 403
    assert Complaint.objects.count() == 1


# ---- GET requests, request and token ----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_then_get_shows_open_then_closed_with_notes(cworld, client, partner, fmt):
    posted = json.loads(new_request(client, partner, address_string="幸福里小区").content)
    code = posted[0]["service_request_id"]
    c = Complaint.objects.get(pk=code)

    def fetch():
        response = get(client, f"requests/{code}", fmt)
        assert response.status_code == 200
        doc = parsed(response, fmt)
        if fmt == "json":
            assert len(doc) == 1
            return doc[0]
        assert doc.tag == "service_requests"
        return {child.tag: child.text for child in doc.find("request")}

    first = fetch()
    assert first["service_request_id"] == code and first["status"] == "open"
    assert first["status_notes"] == "待受理"
    assert first["service_code"] == "cleaning_greening" and first["service_name"] == "保洁绿化"
    assert first["address"] == "东城区多福巷 8 号"
    assert first["expected_datetime"] == timezone.localtime(c.accept_due).isoformat(timespec="seconds")
    assert first["requested_datetime"].endswith("+08:00")
    close_satisfied(cworld, c)
    last = fetch()
    assert last["status"] == "closed"
    assert last["status_notes"] == "已办结。答复：垃圾已清运，并增加清运频次。"
    assert last["agency_responsible"] == "安居物业服务有限公司"
    c.refresh_from_db()
    assert last["expected_datetime"] == timezone.localtime(c.resolve_due).isoformat(timespec="seconds")
    assert last["updated_datetime"] == timezone.localtime(c.closed_at).isoformat(timespec="seconds")


def test_requests_never_show_personal_data_or_the_residents_words(cworld, client, partner):
    new_request(client, partner, address_string="幸福里小区", description="我是王秀英，住3-1-101，电话13812345678")
    for fmt in ("json", "xml"):
        text = get(client, "requests", fmt).content.decode()
        for secret in ("13812345678", "138****5678", "王秀英", "3-1-101", "description", "lat", "media_url"):
            assert secret not in text, (fmt, secret)


def test_confidential_clue_reports_are_never_listed(cworld, client, partner):
    clue = file(cworld, "gang_clues", description="有人在小区收保护费")
    public = file(cworld)
    listed = [r["service_request_id"] for r in json.loads(get(client, "requests").content)]
    assert listed == [str(public.pk)]
    assert get(client, f"requests/{clue.pk}").status_code == 404
    assert get(client, f"tokens/{clue.pk}").status_code == 404
    by_id = json.loads(get(client, "requests", service_request_id=f"{clue.pk},{public.pk}").content)
    assert [r["service_request_id"] for r in by_id] == [str(public.pk)]


def test_get_requests_filters(cworld, client):
    now = timezone.now()
    old = file(cworld, at=now - timedelta(days=120), description="去年的垃圾问题")
    recent = file(cworld, "elevator", description="电梯困人")
    done = file(cworld, description="草坪没有修剪")
    close_satisfied(cworld, done)

    def codes(**params):
        response = get(client, "requests", **params)
        assert response.status_code == 200, response.content
        by_id = {str(c.pk): c.tracking_code for c in Complaint.objects.all()}
        return [by_id[r["service_request_id"]] for r in json.loads(response.content)]

    assert codes() == [done.tracking_code, recent.tracking_code]  # the last 90 days, newest first
    assert codes(status="open") == [recent.tracking_code]
    assert codes(status="closed") == [done.tracking_code]
    assert codes(status="open,closed") == [done.tracking_code, recent.tracking_code]
    assert codes(service_code="elevator") == [recent.tracking_code]
    assert codes(service_code="elevator,cleaning_greening") == [done.tracking_code, recent.tracking_code]
    start = timezone.localtime(now - timedelta(days=130)).isoformat(timespec="seconds")
    end = timezone.localtime(now - timedelta(days=100)).isoformat(timespec="seconds")
    assert codes(start_date=start, end_date=end) == [old.tracking_code]
    assert codes(start_date=start) == [old.tracking_code]
    assert codes(end_date=end) == [old.tracking_code]
    utc = (now - timedelta(days=1)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert set(codes(start_date=utc)) == {done.tracking_code, recent.tracking_code}
    # service_request_id overrides every other filter, old complaints included.
    assert codes(service_request_id=f"{old.pk}, {recent.pk}", status="closed") == [
        recent.tracking_code, old.tracking_code]
    # A tracking code is no public number: it finds nothing.
    assert codes(service_request_id=f"{old.tracking_code},{recent.tracking_code.lower()}") == []


@pytest.mark.parametrize("params, message", [
    ({"status": "pending"}, "status 只能是 open 或 closed"),
    ({"start_date": "yesterday"}, "start_date 格式不正确，应为 ISO 8601 时间，如 2026-01-01T00:00:00+08:00"),
    ({"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"},
     "start_date 与 end_date 相隔不能超过 90 天"),
    ({"start_date": "2026-02-01", "end_date": "2026-01-01"}, "start_date 不能晚于 end_date"),
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_requests_bad_filters_are_400(cworld, client, params, message, fmt):
    response = get(client, "requests", fmt, **params)
    assert response.status_code == 400
    doc = parsed(response, fmt)
    if fmt == "json":
        assert doc == [{"code": 400, "description": message}]
    else:
        assert doc.findtext("error/description") == message


def test_get_requests_is_capped_and_its_query_count_constant(cworld, client, django_assert_num_queries, monkeypatch):
    from wuye.cases.open311 import views

    for i in range(3):
        file(cworld, description=f"第{i}件")
    with django_assert_num_queries(1):
        assert len(json.loads(get(client, "requests").content)) == 3
    dup = file(cworld, description="重复的投诉")
    act(cworld.users["district"], dup, "duplicate", of=Complaint.objects.order_by("id").first().tracking_code)
    for i in range(6):
        file(cworld, description=f"第{i + 3}件")
    monkeypatch.setattr(views, "MAX_REQUESTS", 5)
    with django_assert_num_queries(1):
        rows = json.loads(get(client, "requests").content)
    assert len(rows) == 5


def test_duplicate_notes_name_the_original(cworld, client):
    original = file(cworld)
    dup = file(cworld, description="同一个垃圾桶")
    act(cworld.users["district"], dup, "duplicate", of=original.tracking_code)
    row = json.loads(get(client, f"requests/{dup.pk}").content)[0]
    assert row["status"] == "closed"
    assert row["status_notes"] == f"重复诉求（与诉求 {original.pk} 合并办理）"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_and_token_are_404(cworld, client, fmt):
    for path in ("requests/TS000000AAAAAA", "tokens/TS000000AAAAAA", "requests/999999", "tokens/999999"):
        response = get(client, path, fmt)
        assert response.status_code == 404
        doc = parsed(response, fmt)
        code = doc[0]["code"] if fmt == "json" else int(doc.findtext("error/code"))
        assert code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_token_is_the_public_number(cworld, client, partner, fmt):
    code = json.loads(new_request(client, partner, address_string="幸福里小区").content)[0]["service_request_id"]
    response = get(client, f"tokens/{code}", fmt)
    assert response.status_code == 200
    doc = parsed(response, fmt)
    if fmt == "json":
        assert doc == [{"service_request_id": code, "token": code}]
    else:
        assert doc.findtext("request/service_request_id") == code and doc.findtext("request/token") == code


# ---- keys ----------------------------------------------------------------------------------------


def test_partner_keys_store_only_a_hash_and_are_for_the_sysadmin(cworld):
    from wuye.core.errors import ServiceError

    key, raw = keys.partner_key_create(user=cworld.users["sysadmin"], name=" 区网格化平台 ")
    assert key.name == "区网格化平台" and raw.startswith("o311_") and key.key_prefix == raw[:8]
    assert raw not in (key.key_hash, key.key_prefix) and len(key.key_hash) == 64
    assert keys.partner_key_for(raw) == key
    assert keys.partner_key_for("o311_wrong") is None and keys.partner_key_for("") is None
    rows = AuditLog.objects.filter(object_type="cases.partnerkey", object_id=str(key.pk))
    assert [r.action for r in rows] == [AuditAction.CREATE] and raw not in rows[0].detail
    for role in ("city", "secadmin", "district"):
        with pytest.raises(ServiceError, match="只有系统管理员"):
            keys.partner_key_create(user=cworld.users[role], name="x")
    with pytest.raises(ServiceError, match="请填写合作方名称"):
        keys.partner_key_create(user=cworld.users["sysadmin"], name="  ")
    keys.partner_key_deactivate(user=cworld.users["sysadmin"], key=key)
    with pytest.raises(ServiceError, match="该密钥已停用"):
        keys.partner_key_deactivate(user=cworld.users["sysadmin"], key=key)
    assert keys.partner_key_for(raw) is None


def test_demo_key_is_created_once(cworld):
    first = keys.ensure_demo_partner_key()
    again = keys.ensure_demo_partner_key()
    assert first == again and PartnerKey.objects.count() == 1
    assert first.name == "演示合作方" and keys.partner_key_for("demo-open311-key") == first
