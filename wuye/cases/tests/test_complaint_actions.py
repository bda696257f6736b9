"""Actions that explain themselves, the first contact as a record, the masked call-back and the
resident's plain-language tracking (issue 14 §4–§7)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from wuye.accounts.testing import api_token_for
from wuye.cases.models import (
    CallbackRequest,
    Complaint,
    ContactMethod,
    Event,
    Photo,
    Status,
    Task,
)
from wuye.cases.resident_words import RESIDENT_STATUS_LABELS
from wuye.cases.selectors import action_states_for, actions_for
from wuye.cases.workflow import TRANSITIONS
from wuye.core.calendar import local_text
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction, AuditLog
from wuye.core.workflow import Machine, T
from wuye.notifications.models import Notification, OutboxMessage
from wuye.registry.selectors import can_reveal_personal_data

from .conftest import act, file

URL = "/api/v1/complaints/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(cworld):
    def _api(role: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(cworld.users[role])}")
        return client

    return _api


def png(name: str = "p.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (12, 12), (10, 120, 200)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def states(user, c) -> dict[str, dict]:
    return {a["action"]: a for a in action_states_for(user, c)}


def blocked(user, c) -> dict[str, str]:
    return {a["action"]: a["reason"] for a in action_states_for(user, c) if not a["allowed"]}


def dispatched(w, **kw) -> Complaint:
    c = file(w, **kw)
    act(w.users["city"], c, "dispatch", note="内部：请先核实是否为开发商遗留问题")
    return c


def contact_params(**over) -> dict:
    params = {"method": ContactMethod.PHONE, "made_at": timezone.now(),
              "person": "诉求人本人", "result": "约定明日上午上门查看"}
    params.update(over)
    return params


# ---- §4 the core's reason ------------------------------------------------------------------------


def test_the_core_machine_says_why_not_in_the_same_words_as_its_check():
    probe = Machine(name="probe_why", model=object, register=False, states={"a", "b"}, initial={"a"}, noun="该记录",
                    states_labels={"a": "草稿", "b": "已发布"},
                    transitions={"publish": T("发布", {"a"}, "b", {"editor"})})

    class Row:
        status = "a"

    row = Row()
    assert probe.why_not("publish", row, {"editor"}) == ""
    assert probe.why_not("publish", row, {"reader"}) == "您无权对该记录执行“发布”"
    row.status = "b"
    assert probe.why_not("publish", row, {"editor"}) == "该记录当前为“已发布”，不能执行“发布”"
    with pytest.raises(ServiceError) as exc:
        probe.check("publish", row, {"editor"})
    assert exc.value.messages[0] == probe.why_not("publish", row, {"editor"})


# ---- §4 blocked actions with their reasons -------------------------------------------------------


def test_the_company_sees_what_comes_next_with_reasons_and_never_the_desk_actions(cworld):
    c = dispatched(cworld)
    st = states(cworld.users["manager_a"], c)
    assert st["sign"]["allowed"] is True and st["sign"]["reason"] == "" and st["sign"]["label"] == "签收"
    assert blocked(cworld.users["manager_a"], c) == {
        "contact": "签收后可登记首次联系",
        "reply": "签收并首次联系诉求人后可答复",
        "request_callback": "签收后可请求回拨",
    }
    assert not {"dispatch", "accept", "approve_reply", "callback", "withdraw", "supervise"} & set(st)
    # The allowed ones are exactly the names the services accept.
    assert [a for a, s in st.items() if s["allowed"]] == actions_for(cworld.users["manager_a"], c)


def test_a_resident_never_sees_dispatch_and_learns_when_they_may_rate(cworld):
    resident = cworld.users["resident"]
    c = file(cworld, reporter_user=resident, reporter_name="王秀英", reporter_phone="13812345678", source="resident")
    st = states(resident, c)
    assert set(st) == {"withdraw", "callback"}
    assert st["withdraw"]["allowed"] and st["callback"]["reason"] == "办理答复发布后可评价"
    # An outsider, a rival company: nothing at all.
    assert action_states_for(cworld.users["manager_b"], c) == []
    assert action_states_for(cworld.users["outsider"], c) == []


def test_the_lead_waits_for_the_co_unit_by_name(cworld):
    u = cworld.users
    c = file(cworld)
    act(u["city"], c, "dispatch", co_units=[f"community:{cworld.c1.pk}"])
    act(u["manager_a"], c, "sign")
    act(u["manager_a"], c, "contact", **contact_params())
    reason = blocked(u["manager_a"], c)["reply"]
    assert reason == "等待协办单位多福巷社区答复后可答复"
    # The service refuses in the same words, and nothing changes.
    with pytest.raises(ServiceError) as exc:
        act(u["manager_a"], c, "reply", note="已处理")
    assert exc.value.messages[0] == reason
    c.refresh_from_db()
    assert c.status == Status.IN_PROGRESS
    # The community signs and replies on its own task; then the lead may reply.
    assert blocked(u["community"], c) == {"reply": "签收后可答复", "request_callback": "签收后可请求回拨"}
    act(u["community"], c, "sign")
    assert blocked(u["manager_a"], c)["reply"] == reason
    act(u["community"], c, "reply", note="社区已协助")
    assert states(u["manager_a"], c)["reply"]["allowed"] is True


def test_a_rejected_return_is_final_and_says_so(cworld):
    u = cworld.users
    c = dispatched(cworld)
    act(u["manager_a"], c, "sign")
    act(u["manager_a"], c, "request_return", note="不属于物业职责", legal_basis="职责分工文件")
    assert blocked(u["manager_a"], c) == {"reply": "退单审核中，审核结果出来前不能答复", "request_return": "退单申请审核中",
                                          "request_extension": "退单审核中，不能申请延期"}
    act(u["district"], c, "decide_return", approve=False, note="属于物业服务范围")
    assert blocked(u["manager_a"], c)["request_return"] == "退单已被驳回（终局决定），须继续办理，不能再次退单"
    with pytest.raises(ServiceError) as exc:
        act(u["manager_a"], c, "request_return", note="再退", legal_basis="x")
    assert exc.value.messages[0] == "退单已被驳回（终局决定），须继续办理，不能再次退单"


def test_an_extension_after_the_deadline_is_blocked_with_the_reason(cworld):
    u = cworld.users
    c = dispatched(cworld)
    act(u["manager_a"], c, "sign")
    Complaint.objects.filter(pk=c.pk).update(resolve_due=timezone.now() - timedelta(hours=1))
    c.refresh_from_db()
    assert blocked(u["manager_a"], c)["request_extension"] == "已超过办结期限，不能再申请延期"


def test_every_blocked_action_has_a_chinese_reason(cworld):
    u = cworld.users
    c = dispatched(cworld)
    for who in ("city", "district", "street", "community", "manager_a", "staff_a", "resident", "fire"):
        for a in action_states_for(u[who], c):
            assert a["allowed"] or (a["reason"] and any("\u4e00" <= ch <= "\u9fff" for ch in a["reason"])), (who, a)
            assert a["action"] in TRANSITIONS and a["label"] == str(TRANSITIONS[a["action"]].label)


def test_detail_page_shows_the_blocked_button_disabled_with_its_reason(cworld, login, client):
    c = dispatched(cworld)
    login(cworld.users["manager_a"])
    html = client.get(f"/complaints/{c.pk}/").content.decode()
    assert 'data-testid="action-sign"' in html
    assert 'data-testid="blocked-reply"' in html and 'title="签收并首次联系诉求人后可答复"' in html
    assert 'data-testid="reason-reply"' in html and "disabled" in html
    assert 'data-testid="action-reply"' not in html and "action-dispatch" not in html and "blocked-dispatch" not in html
    # Posting the blocked action anyway gets the same reason, and changes nothing.
    r = client.post(f"/complaints/{c.pk}/act/", {"action": "reply", "version": c.version, "note": "x"})
    assert r.status_code == 200
    assert "当前状态（待签收）下不能执行“答复”：签收并首次联系诉求人后可答复" in r.content.decode()
    assert Complaint.objects.get(pk=c.pk).status == Status.DISPATCHED


def test_api_lists_actions_as_objects_and_refuses_a_blocked_one_with_its_reason(cworld, api):
    c = dispatched(cworld)
    data = api("manager_a").get(f"{URL}{c.pk}/").json()
    assert data["actions"][0] == {"action": "sign", "label": "签收", "allowed": True, "reason": ""}
    assert {"action": "reply", "label": "答复", "allowed": False, "reason": "签收并首次联系诉求人后可答复"} in data["actions"]
    assert all(set(a) == {"action", "label", "allowed", "reason"} for a in data["actions"])
    r = api("manager_a").post(f"{URL}{c.pk}/actions/", {"action": "reply", "note": "已处理"}, format="json")
    assert r.status_code == 409 and "不能执行“答复”" in r.json()["detail"]
    resident_view = api("resident").get(f"{URL}{c.pk}/")
    assert resident_view.status_code == 404  # not theirs


def test_the_schema_describes_actions_as_objects(cworld, api):
    schema = api("city").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    detail = schema["components"]["schemas"]["ComplaintDetail"]["properties"]["actions"]
    assert detail["type"] == "array"
    assert set(detail["items"]["properties"]) == {"action", "label", "allowed", "reason"}


# ---- §5 the first contact as a record ------------------------------------------------------------


def test_first_contact_records_how_when_with_whom_and_the_result(cworld, login, client):
    u = cworld.users
    c = dispatched(cworld)
    act(u["manager_a"], c, "sign")
    when = timezone.localtime()
    login(u["manager_a"])
    c.refresh_from_db()
    r = client.post(f"/complaints/{c.pk}/act/", {
        "action": "contact", "version": c.version, "method": "visit", "made_at": when.strftime("%Y-%m-%dT%H:%M"),
        "person": "诉求人家属（女儿）", "result": "已上门查看，约定周六清运"})
    assert r.status_code == 302, r.content.decode()[:2000]
    task = Task.objects.get(complaint=c, role=Task.Role.LEAD)
    assert (task.contact_method, task.contact_person, task.contact_result) == ("visit", "诉求人家属（女儿）", "已上门查看，约定周六清运")
    assert local_text(task.contact_made_at) == local_text(when.replace(second=0, microsecond=0))
    ev = Event.objects.get(complaint=c, action="contact")
    assert ev.data["method"] == "visit" and ev.data["person"] == "诉求人家属（女儿）"
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, object_type="cases.complaint", detail__startswith="首次联系").exists()
    html = client.get(f"/complaints/{c.pk}/").content.decode()
    assert "上门 · " + local_text(when.replace(second=0, microsecond=0)) + " · 诉求人家属（女儿） · 已上门查看，约定周六清运" in html


def test_first_contact_form_refuses_a_future_time_or_missing_fields_and_keeps_the_input(cworld, login, client):
    u = cworld.users
    c = dispatched(cworld)
    act(u["manager_a"], c, "sign")
    login(u["manager_a"])
    c.refresh_from_db()
    future = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/complaints/{c.pk}/act/", {"action": "contact", "version": c.version, "method": "phone",
                                                 "made_at": future, "person": "本人", "result": "已联系"})
    html = r.content.decode()
    assert r.status_code == 200 and "联系时间不能晚于现在" in html and "已联系" in html
    r = client.post(f"/complaints/{c.pk}/act/", {"action": "contact", "version": c.version})
    html = r.content.decode()
    assert "请选择联系方式：电话、上门、短信或其他" in html and "请填写联系对象" in html and "请填写联系结果" in html
    c.refresh_from_db()
    assert c.status == Status.SIGNED and c.contacted_at is None


def test_first_contact_service_checks_the_time_against_the_dispatch(cworld):
    u = cworld.users
    c = dispatched(cworld)
    act(u["manager_a"], c, "sign")
    with pytest.raises(ServiceError) as exc:
        act(u["manager_a"], c, "contact", **contact_params(made_at=c.dispatched_at - timedelta(hours=3)))
    assert "联系时间不能早于派单时间" in exc.value.messages[0]
    with pytest.raises(ServiceError) as exc:
        act(u["manager_a"], c, "contact", **contact_params(method="fax"))
    assert exc.value.messages[0] == "请选择联系方式：电话、上门、短信或其他"
    assert Complaint.objects.get(pk=c.pk).status == Status.SIGNED


def test_first_contact_through_the_api(cworld, api):
    u = cworld.users
    c = dispatched(cworld)
    act(u["manager_a"], c, "sign")
    missing = api("manager_a").post(f"{URL}{c.pk}/actions/", {"action": "contact", "note": "打过电话"}, format="json")
    assert missing.status_code == 400
    assert missing.json()["method"] == ["请选择联系方式：电话、上门、短信或其他"]
    assert set(missing.json()) == {"method", "made_at", "person", "result"}
    future = api("manager_a").post(f"{URL}{c.pk}/actions/", {
        "action": "contact", "method": "phone", "made_at": (timezone.now() + timedelta(hours=1)).isoformat(),
        "person": "本人", "result": "已联系"}, format="json")
    assert future.status_code == 400 and future.json() == {"detail": "联系时间不能晚于现在"}
    ok = api("manager_a").post(f"{URL}{c.pk}/actions/", {
        "action": "contact", "method": "sms", "made_at": local_text(timezone.now(), "%Y-%m-%dT%H:%M:%S"),
        "person": "诉求人本人", "result": "短信约定下午上门"}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"] == "in_progress"
    ev = [e for e in ok.json()["events"] if e["action"] == "contact"][0]
    assert ev["data"]["method"] == "sms" and ev["data"]["person"] == "诉求人本人"
    assert Task.objects.get(complaint=c, role="lead").contact_method == "sms"


# ---- §6 the company never sees the number; the masked call-back --------------------------------


def test_only_officials_reveal_a_complainant(cworld):
    u = cworld.users
    for who in ("city", "district", "street", "community"):
        assert can_reveal_personal_data(u[who], complainant=True), who
    for who in ("manager_a", "staff_a", "resident", "fire", "outsider"):
        assert not can_reveal_personal_data(u[who], complainant=True), who
    # The registry's own reveal (a company's staff and owners) is unchanged.
    assert can_reveal_personal_data(u["manager_a"])


def test_the_company_cannot_reveal_the_resident_and_is_told_how_to_reach_them(cworld, login, client):
    c = dispatched(cworld)
    login(cworld.users["manager_a"])
    html = client.get(f"/complaints/{c.pk}/").content.decode()
    assert "138****5678" in html and "13812345678" not in html and "显示完整号码" not in html
    assert 'data-testid="masked-contact-hint"' in html and "请求回拨" in html
    before = AuditLog.objects.filter(action=AuditAction.DENIED).count()
    r = client.post(f"/complaints/{c.pk}/reveal/")
    assert r.status_code == 403 and "13812345678" not in r.content.decode()
    assert AuditLog.objects.filter(action=AuditAction.DENIED).count() == before + 1
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()
    login(cworld.users["district"])
    r = client.post(f"/complaints/{c.pk}/reveal/")
    assert r.status_code == 200 and "13812345678" in r.content.decode()
    assert AuditLog.objects.filter(action=AuditAction.REVEAL, actor=cworld.users["district"]).count() == 1


def test_a_callback_request_texts_the_resident_the_company_number(cworld, login, client):
    u = cworld.users
    c = dispatched(cworld)
    act(u["staff_a"], c, "sign")
    login(u["staff_a"])
    c.refresh_from_db()
    r = client.post(f"/complaints/{c.pk}/act/", {"action": "request_callback", "version": c.version,
                                                 "callback_number": "0571-87001234", "note": "需约定上门时间"})
    assert r.status_code == 302, r.content.decode()[:1500]
    req = CallbackRequest.objects.get(complaint=c)
    assert (req.relay, req.callback_number, req.unit_name, req.requested_by) == (
        "sms", "0571-87001234", "安居物业服务有限公司", u["staff_a"])
    sms = OutboxMessage.objects.get(channel="sms", recipient="13812345678", body__contains="0571-87001234")
    assert "安居物业服务有限公司" in sms.body and "需约定上门时间" in sms.body
    assert Notification.objects.filter(user=u["district"], subject="承办单位请求回拨").exists()
    ev = Event.objects.get(complaint=c, action="request_callback")
    assert ev.public is False and ev.data["relay"] == "sms"
    c.refresh_from_db()
    assert c.status == Status.SIGNED  # no change of state
    # Nothing the company reads carries the resident's number.
    for page in (f"/complaints/{c.pk}/", "/complaints/queue/"):
        assert "13812345678" not in client.get(page).content.decode()
    assert "回拨号码 0571-87001234 · 短信转告诉求人回电" in client.get(f"/complaints/{c.pk}/").content.decode()


def test_a_callback_request_without_a_mobile_goes_to_the_desk_and_is_limited(cworld):
    u = cworld.users
    c = dispatched(cworld, reporter_phone="010-65001234")
    act(u["manager_a"], c, "sign")
    act(u["manager_a"], c, "request_callback", callback_number="13700000001")
    assert CallbackRequest.objects.get(complaint=c).relay == "desk"
    assert not OutboxMessage.objects.filter(body__contains="13700000001").exists()  # no text to a landline
    assert Notification.objects.filter(user=u["district"], body__contains="未登记手机号码").exists()
    act(u["manager_a"], c, "request_callback", callback_number="13700000001")
    act(u["manager_a"], c, "request_callback", callback_number="13700000001")
    with pytest.raises(ServiceError) as exc:
        act(u["manager_a"], c, "request_callback", callback_number="13700000001")
    assert "24 小时内已请求回拨 3 次" in exc.value.messages[0]
    with pytest.raises(ServiceError) as exc:
        act(u["manager_a"], c, "request_callback", callback_number="电话")
    assert exc.value.messages[0] == "回拨号码格式不正确（手机号码，或带区号的固定电话）"
    assert CallbackRequest.objects.filter(complaint=c).count() == 3


def test_callback_request_roles(cworld, api):
    u = cworld.users
    c = dispatched(cworld)
    act(u["manager_a"], c, "sign")
    assert states(u["manager_a"], c)["request_callback"]["allowed"]
    for who in ("city", "district", "resident"):
        assert "request_callback" not in states(u[who], c), who
    assert api("manager_b").post(f"{URL}{c.pk}/actions/", {"action": "request_callback", "callback_number": "13700000001"},
                                 format="json").status_code == 404
    no_number = api("manager_a").post(f"{URL}{c.pk}/actions/", {"action": "request_callback"}, format="json")
    assert no_number.status_code == 400 and no_number.json()["callback_number"] == ["请填写回拨号码（诉求人回电时拨打的本单位电话）"]
    ok = api("manager_a").post(f"{URL}{c.pk}/actions/", {"action": "request_callback", "callback_number": "13700000001"},
                               format="json")
    assert ok.status_code == 200 and CallbackRequest.objects.filter(complaint=c).count() == 1


# ---- §7 the resident's tracking ------------------------------------------------------------------


def test_every_state_has_one_resident_phrase():
    assert set(RESIDENT_STATUS_LABELS) == set(Status)
    assert str(RESIDENT_STATUS_LABELS[Status.REPLIED]) == "请您评价办理结果"
    assert len({str(v) for v in RESIDENT_STATUS_LABELS.values()}) == len(Status)


def _to_replied(w, c):
    u = w.users
    act(u["city"], c, "dispatch", note="内部派单指示：先查开发商遗留问题")
    act(u["staff_a"], c, "sign", note="内部签收备注")
    act(u["staff_a"], c, "contact", note="内部联系备注", **contact_params())
    act(u["staff_a"], c, "reply", note="垃圾已清运。", photos=[png("e.png")])
    act(u["district"], c, "approve_reply", public_reply="垃圾已清运，并增加清运频次。")


def test_tracking_page_speaks_plainly_shows_own_photos_and_no_internal_notes(cworld, client):
    c = file(cworld, reporter_phone="13812345678", photos=[png("mine.png")])
    _to_replied(cworld, c)
    client.post("/complaints/track/", {"tracking_code": c.tracking_code, "phone": "13812345678"})
    html = client.get(f"/complaints/track/{c.tracking_code}/").content.decode()
    assert "请您评价办理结果" in html and "待回访" not in html
    assert "内部派单指示" not in html and "内部签收备注" not in html and "内部联系备注" not in html
    assert "承办单位：安居物业服务有限公司" in html and "垃圾已清运，并增加清运频次。" in html
    mine = Photo.objects.get(complaint=c, kind=Photo.Kind.REPORT)
    assert 'data-testid="report-photos"' in html and f"/complaints/photo/{mine.pk}/" in html


def test_the_logged_in_resident_pages_and_api_hide_the_instruction(cworld, login, client, api):
    resident = cworld.users["resident"]
    c = file(cworld, reporter_user=resident, reporter_name="王秀英", reporter_phone="13812345678", source="resident")
    _to_replied(cworld, c)
    login(resident)
    for page in (f"/complaints/track/{c.tracking_code}/", f"/complaints/{c.pk}/", "/complaints/mine/"):
        html = client.get(page).content.decode()
        assert "内部派单指示" not in html, page
        assert "请您评价办理结果" in html, page
    data = api("resident").get(f"{URL}{c.pk}/").json()
    assert all("内部" not in (e["note"] or "") for e in data["events"])
    assert {p["kind"] for p in data["photos"]} == {"evidence"}
    official = api("district").get(f"{URL}{c.pk}/").json()
    assert any(e["note"] == "内部派单指示：先查开发商遗留问题" for e in official["events"])
