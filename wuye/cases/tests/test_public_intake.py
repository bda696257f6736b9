"""The public complaint form, the estate search, SMS codes and filing without an account
(issue 3 items 1 and 17): happy paths, wrong methods, bad input that loses nothing, rate limits
(429), what the database and the audit log hold afterwards. The owner's and the desk's forms are
in ``test_owner_and_hotline_intake.py``."""

from __future__ import annotations

import re

import pytest

from wuye.cases import services
from wuye.cases.models import Category, Complaint, Event, IdempotencyKey, Photo, Source, Status
from wuye.cases.selectors import reporter_name_for, reporter_phone_for
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction, AuditLog
from wuye.notifications.models import OutboxMessage, SmsCode
from wuye.registry import services as rs

from .conftest import act
from .intake_support import (  # noqa: F401
    DESCRIPTION,
    NEW,
    PHONE,
    SMS,
    allow_next_code,
    clean_fixture,
    fake_image,
    file_on_form,
    form_data,
    image_file,
    last_code,
    request_code,
)

# ---- the form page and the estate search ----------------------------------------------------


def test_form_page_is_public_mobile_and_preselects_the_estate_from_the_qr_code(cworld, client):
    response = client.get(f"{NEW}?estate={cworld.estate_a.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="viewport"' in html and "wy-public" in html and "btn-touch" in html
    assert 'data-testid="estate-chosen"' in html and "幸福里小区" in html and "东城区多福巷 8 号" in html
    assert f'name="estate" value="{cworld.estate_a.pk}"' in html
    # Every active category; the confidential one marked, with the note where it goes.
    assert "涉黑涉恶线索（保密）" in html and "只由公安机关和市住房保障房产局处理" in html
    assert "请求发送验证码" in html and "对物业企业隐藏我的姓名" in html
    assert 'enctype="multipart/form-data"' in html and 'multiple' in html
    assert re.search(r'name="idem" value="[0-9a-f]{32}"', html)


def test_form_page_without_estate_has_nothing_chosen(cworld, client):
    html = client.get(f"{NEW}?estate=999999").content.decode()
    assert 'name="estate" value="999999"' not in html
    assert re.search(r'data-testid="estate-chosen"', html) and "d-none" in html


def test_inactive_categories_are_not_offered(cworld, client):
    Category.objects.filter(code="noise").update(active=False)
    html = client.get(NEW).content.decode()
    assert "噪音扰民" not in html and "保洁绿化" in html


def test_estate_search_json_by_name_address_and_pinyin_initials(cworld, client):
    by_name = client.get("/complaints/estates/", {"q": "幸福"}).json()["results"]
    assert by_name == [{"id": cworld.estate_a.pk, "name": "幸福里小区", "address": "东城区多福巷 8 号", "district": "东城区"}]
    by_address = client.get("/complaints/estates/", {"q": "府右街"}).json()["results"]
    assert [e["name"] for e in by_address] == ["翠湖花园"]
    by_initials = client.get("/complaints/estates/", {"q": "xfl"}).json()["results"]
    assert [e["id"] for e in by_initials] == [cworld.estate_a.pk]
    assert client.get("/complaints/estates/", {"q": ""}).json() == {"results": []}
    assert client.get("/complaints/estates/", {"q": "不存在的小区"}).json() == {"results": []}


def test_estate_search_returns_at_most_ten_with_constant_queries(cworld, client, django_assert_num_queries):
    root = cworld.users["city"]
    for i in range(12):
        rs.estate_create(actor=root, name=f"阳光小区{i:02d}期", address=f"东城区阳光路 {i} 号", community=cworld.c1)
    with django_assert_num_queries(1):
        results = client.get("/complaints/estates/", {"q": "阳光"}).json()["results"]
    assert len(results) == 10 and results[0]["name"] == "阳光小区00期"


def test_estate_search_for_htmx_is_a_list_to_click(cworld, client):
    html = client.get("/complaints/estates/", {"estate_q": "幸福"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'data-estate-id="{cworld.estate_a.pk}"' in html and "幸福里小区" in html
    empty = client.get("/complaints/estates/", {"q": "火星"}, HTTP_HX_REQUEST="true").content.decode()
    assert "没有找到与“火星”相关的小区" in empty


def test_estate_search_scope_mine_limits_an_official_to_their_area(cworld, login):
    client = login(cworld.users["district"])
    names = [e["name"] for e in client.get("/complaints/estates/", {"q": "小区", "scope": "mine"}).json()["results"]]
    assert names == ["幸福里小区"]
    names = [e["name"] for e in client.get("/complaints/estates/", {"q": "翠湖", "scope": "mine"}).json()["results"]]
    assert names == []


def test_estate_search_wrong_method(cworld, client):
    assert client.post("/complaints/estates/", {"q": "幸福"}).status_code == 405


# ---- SMS codes ------------------------------------------------------------------------------


def test_sms_code_is_sent_and_the_hint_masks_the_phone(cworld, client):
    response = client.post(SMS, {"phone": "+86 138-1234-5678"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "验证码已发送至 138****5678" in html and PHONE not in html
    assert 'data-testid="demo-code"' not in html  # not the demo: the code is only in the SMS
    row = OutboxMessage.objects.get(channel="sms", category="sms_code")
    assert row.recipient == PHONE and re.search(r"\d{6}", row.body)
    assert SmsCode.objects.filter(phone=PHONE, purpose="complaint").count() == 1


def test_sms_code_in_demo_mode_is_shown_in_the_hint(cworld, client, settings):
    settings.DEMO_MODE = True
    html = client.post(SMS, {"phone": PHONE}).content.decode()
    assert 'data-testid="demo-code"' in html and last_code() in html


def test_sms_code_bad_phone_and_wrong_method(cworld, client):
    response = client.post(SMS, {"phone": "12345"})
    assert response.status_code == 400 and "手机号码格式不正确" in response.content.decode()
    assert client.get(SMS).status_code == 405
    assert not SmsCode.objects.exists()


def test_sms_code_again_within_a_minute_is_429(cworld, client):
    request_code(client)
    response = client.post(SMS, {"phone": PHONE})
    assert response.status_code == 429 and "秒后再获取验证码" in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_sms_code_rate_limits_per_phone_and_per_ip(cworld, client, settings):
    settings.WUYE_COMPLAINT_RATE_SMS_PHONE_HOUR = 1
    request_code(client)
    allow_next_code()
    response = client.post(SMS, {"phone": PHONE})
    assert response.status_code == 429 and "该手机号获取验证码过于频繁" in response.content.decode()
    settings.WUYE_COMPLAINT_RATE_SMS_IP_HOUR = 2  # this IP asked twice already
    response = client.post(SMS, {"phone": "13900000000"})
    assert response.status_code == 429 and "当前网络获取验证码过于频繁" in response.content.decode()
    assert SmsCode.objects.count() == 1


def test_send_code_without_javascript_keeps_the_form(cworld, client):
    data = form_data(cworld, send_code="1", description="楼道灯坏了一个月")
    response = client.post(NEW, {**data, "photos": image_file()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "验证码已发送至 138****5678" in html
    assert "楼道灯坏了一个月" in html and 'value="王秀英"' in html and 'value="3号楼2单元门口"' in html
    assert "请重新选择照片" in html or "重新选择照片" in html
    assert not Complaint.objects.exists() and OutboxMessage.objects.filter(category="sms_code").count() == 1


# ---- filing ---------------------------------------------------------------------------------


def test_filing_on_the_public_form(cworld, client):
    code = request_code(client)
    response = client.post(NEW, {**form_data(cworld, code=code), "photos": [image_file("a.png"), image_file("b.jpg", fmt="JPEG")]})
    assert response.status_code == 302 and response["Location"] == "/complaints/new/done/"
    c = Complaint.objects.get()
    assert (c.estate, c.category.code, c.source, c.status) == (cworld.estate_a, "cleaning_greening", Source.WEB, Status.SUBMITTED)
    assert (c.reporter_name, c.reporter_phone, c.anonymous, c.reporter_user) == ("王秀英", PHONE, True, None)
    assert (c.title, c.location, c.description) == ("垃圾未清运", "3号楼2单元门口", DESCRIPTION)
    photos = list(Photo.objects.filter(complaint=c).order_by("id"))
    assert [(p.kind, p.content_type) for p in photos] == [("report", "image/png"), ("report", "image/jpeg")]
    assert Event.objects.filter(complaint=c, action="submit", public=True).count() == 1
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="cases.complaint", object_id=str(c.pk)).exists()
    assert SmsCode.objects.get().used_at is not None
    assert client.session["cases_proven"] == [c.pk]

    done = client.get(response["Location"])
    html = done.content.decode()
    assert done.status_code == 200 and c.tracking_code in html and "请记住查询码" in html
    assert f'/complaints/track/{c.tracking_code}/' in html
    follow = client.get(f"/complaints/track/{c.tracking_code}/")
    assert follow.status_code == 200 and "待受理" in follow.content.decode()


def test_done_page_without_a_submission(cworld, client):
    response = client.get("/complaints/new/done/")
    assert response.status_code == 200 and "没有刚刚提交的诉求" in response.content.decode()
    assert client.post("/complaints/new/done/").status_code == 405


def test_public_form_wrong_method(cworld, client):
    assert client.put(NEW).status_code == 405
    assert client.delete(NEW).status_code == 405


def test_the_same_form_sent_twice_files_one_complaint(cworld, client):
    data = form_data(cworld, code=request_code(client))
    first = client.post(NEW, data)
    second = client.post(NEW, data)
    assert first.status_code == second.status_code == 302
    assert Complaint.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    assert client.get("/complaints/new/done/").content.decode().count(Complaint.objects.get().tracking_code) >= 1


def test_a_reused_sms_code_is_refused_and_the_form_kept(cworld, client):
    code = request_code(client)
    assert client.post(NEW, form_data(cworld, code=code)).status_code == 302
    response = client.post(NEW, form_data(cworld, code=code, idem="b" * 32, description="另一件事：电梯停了"))
    html = response.content.decode()
    assert response.status_code == 200 and "验证码已使用，请重新获取" in html
    assert "另一件事：电梯停了" in html and Complaint.objects.count() == 1


def test_a_wrong_code_is_refused_and_a_right_one_then_works(cworld, client):
    code = request_code(client)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(NEW, form_data(cworld, code=wrong))
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    assert client.post(NEW, form_data(cworld, code=code)).status_code == 302
    assert Complaint.objects.count() == 1


def test_a_verified_phone_needs_no_new_code_after_a_later_error(cworld, client, monkeypatch):
    """The code was right but filing failed: the resident fixes the form without a new code."""
    code = request_code(client)

    def refuse(**kwargs):
        raise ServiceError("请选择诉求类别")

    monkeypatch.setattr(services, "complaint_file_idempotent", refuse)
    response = client.post(NEW, form_data(cworld, code=code))
    html = response.content.decode()
    assert response.status_code == 200 and "请选择诉求类别" in html and 'data-testid="phone-verified"' in html
    monkeypatch.undo()
    assert client.post(NEW, form_data(cworld, code="")).status_code == 302
    assert Complaint.objects.count() == 1


BAD_INPUT = {
    "unknown estate": (dict(estate="", estate_q="不存在的花园"), "未找到“不存在的花园”", None),
    "unknown estate id": (dict(estate="999999", estate_q=""), "所选小区不存在", None),
    "empty description": (dict(description="   "), "请填写诉求内容", None),
    "no category": (dict(category=""), "请选择诉求类别", None),
    "fake image": ({}, "不是有效的图片", "fake"),
    "oversized image": ({}, "超过 10 MB", "big"),
    "too many photos": ({}, "最多上传 5 张照片", "six"),
    "bad phone": (dict(phone="1381234"), "手机号码格式不正确", None),
    "no code": (dict(code="-"), "请填写短信验证码", None),
}


@pytest.mark.parametrize("case", list(BAD_INPUT), ids=list(BAD_INPUT))
def test_bad_input_gets_a_chinese_message_and_loses_nothing(cworld, client, settings, case):
    overrides, message, photos = BAD_INPUT[case]
    settings.WUYE_PHOTO_MAX_BYTES = 2000 if photos == "big" else 10 * 1024 * 1024
    code = request_code(client)
    data = form_data(cworld, code=code, title="标题保留", location="位置保留", name="王秀英")
    data.update(overrides)
    if data["code"] == "-":
        data["code"] = ""
    files = {"fake": [fake_image()], "big": [image_file(size=(600, 600), fmt="PNG")],
             "six": [image_file(f"{i}.png") for i in range(6)]}.get(photos, [image_file()])
    response = client.post(NEW, {**data, "photos": files})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html, html
    assert "您已填写的内容都已保留" in html
    # A refused file must be chosen again; a good photo is kept (staged, issue 14 §10).
    assert ("请重新选择照片" in html) if photos else ('data-testid="staged-photo"' in html)
    for kept in ("标题保留", "位置保留", 'value="王秀英"'):
        assert kept in html
    if case != "empty description":
        assert DESCRIPTION in html
    if case != "bad phone":
        assert f'value="{PHONE}"' in html
    assert not Complaint.objects.exists() and not Photo.objects.exists()
    # The code was not spent on a refused form: it still files the complaint once fixed.
    if case not in ("bad phone", "no code"):
        assert client.post(NEW, form_data(cworld, code=code)).status_code == 302


def test_an_ambiguous_estate_name_offers_choices_without_javascript(cworld, client):
    rs.estate_create(actor=cworld.users["city"], name="幸福里二期", address="东城区多福巷 10 号", community=cworld.c1)
    code = request_code(client)
    response = client.post(NEW, form_data(cworld, estate="", estate_q="幸福", code=code))
    html = response.content.decode()
    assert "找到多个名称相近的小区" in html and 'data-testid="estate-candidates"' in html and "幸福里二期" in html
    chosen = client.post(NEW, form_data(cworld, estate=str(cworld.estate_a.pk), estate_q="幸福", code=code))
    assert chosen.status_code == 302 and Complaint.objects.get().estate == cworld.estate_a


def test_an_estate_typed_without_javascript_is_found_by_name(cworld, client):
    response = file_on_form(client, cworld, estate="", estate_q="翠湖花园")
    assert response.status_code == 302 and Complaint.objects.get().estate == cworld.estate_b


def test_a_changed_estate_text_wins_over_a_stale_choice(cworld, client):
    response = file_on_form(client, cworld, estate=str(cworld.estate_a.pk), estate_q="翠湖")
    assert response.status_code == 302 and Complaint.objects.get().estate == cworld.estate_b


def test_confidential_clue_report_goes_to_police(cworld, client):
    gang = Category.objects.get(code="gang_clues")
    assert file_on_form(client, cworld, category=str(gang.pk), anonymous="").status_code == 302
    c = Complaint.objects.get()
    assert c.confidential and c.routed_unit_kind == "department"
    assert c.routed_unit_id == cworld.users["police"].department_id


# ---- rate limits ----------------------------------------------------------------------------


def test_submissions_per_ip_are_limited_with_429(cworld, client, settings):
    settings.WUYE_COMPLAINT_RATE_IP_HOUR = 2
    client.post(NEW, form_data(cworld, description=""))
    client.post(NEW, form_data(cworld, description=""))
    response = client.post(NEW, form_data(cworld, description="第三次提交"))
    html = response.content.decode()
    assert response.status_code == 429 and "当前网络提交诉求过于频繁" in html
    assert int(response["Retry-After"]) > 0 and "第三次提交" in html
    assert not Complaint.objects.exists()


def test_complaints_per_phone_are_limited_with_429(cworld, client, settings):
    settings.WUYE_COMPLAINT_RATE_PHONE_HOUR = 1
    assert file_on_form(client, cworld).status_code == 302
    allow_next_code()
    response = file_on_form(client, cworld, idem="c" * 32, description="第二件事")
    assert response.status_code == 429 and "该手机号提交诉求过于频繁" in response.content.decode()
    assert Complaint.objects.count() == 1


def test_complaints_per_phone_and_day(cworld, client, settings):
    settings.WUYE_COMPLAINT_RATE_PHONE_DAY = 1
    assert file_on_form(client, cworld).status_code == 302
    allow_next_code()
    assert file_on_form(client, cworld, idem="d" * 32, description="又一件事").status_code == 429


# ---- after filing: the resident hears, the company sees a masked reporter --------------------


def test_the_resident_hears_by_sms_at_acceptance(cworld, client):
    file_on_form(client, cworld)
    c = Complaint.objects.get()
    before = OutboxMessage.objects.filter(channel="sms", recipient=PHONE).exclude(category="sms_code").count()
    act(cworld.users["city"], c, "accept")
    rows = OutboxMessage.objects.filter(channel="sms", recipient=PHONE, category="complaint")
    assert before == 0 and rows.count() == 1
    assert c.tracking_code in rows.get().body and "已受理" in rows.get().body


def test_an_anonymous_complaint_shows_anonymous_and_a_masked_phone_to_the_company(cworld, client, login):
    file_on_form(client, cworld)
    c = Complaint.objects.get()
    act(cworld.users["city"], c, "accept")
    act(cworld.users["city"], c, "dispatch")
    manager = cworld.users["manager_a"]
    assert reporter_name_for(manager, c) == "匿名"
    assert reporter_phone_for(manager, c) == "138****5678"
    assert reporter_name_for(cworld.users["district"], c) == "王**"
    # The company's page of the complaint: neither the name nor the whole phone.
    html = login(manager).get(f"/complaints/{c.pk}/").content.decode()
    assert "匿名" in html and "138****5678" in html
    assert "王秀英" not in html and PHONE not in html


def test_a_named_complaint_is_masked_for_the_company(cworld, client):
    file_on_form(client, cworld, anonymous="")
    c = Complaint.objects.get()
    assert not c.anonymous
    assert reporter_name_for(cworld.users["manager_a"], c) == "王**"


