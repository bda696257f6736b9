"""The complaints API: categories, filing (residents and desk officers, idempotency, photos), the
lists and the detail as each viewer may see them, and workflow actions with their status codes."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from wuye.accounts.testing import api_token_for
from wuye.cases import services
from wuye.cases.models import Category, Complaint, Event, IdempotencyKey, Photo, Source, Status, Task
from wuye.cases.services import filing
from wuye.core.models import AuditAction, AuditLog

from .conftest import act, category, file

URL = "/api/v1/complaints/"


def contact_record() -> dict:
    """The first contact's record the API requires (issue 14 §5): how, when (now), with whom, result."""
    return {"method": "phone", "made_at": timezone.now().isoformat(), "person": "诉求人本人", "result": "约定上门查看"}


def allowed(data) -> list[str]:
    """The names of the actions the viewer may take now (``actions`` lists blocked ones too, with a reason)."""
    return [a["action"] for a in data["actions"] if a["allowed"]]

def test_a_retry_replays_even_when_the_filing_would_now_be_refused(cworld):
    """The key is not looked up before filing; a retry that the service would now refuse (the
    category has since been switched off) still gets the first complaint back."""
    cat = category("cleaning_greening")
    args = dict(scope="user:test", key="k-late", fingerprint="f", estate=cworld.estate_a, category=cat,
                description="垃圾桶满了", reporter_name="王秀英", reporter_phone="13812345678")
    first, created = services.complaint_file_idempotent(**args)
    cat.active = False
    cat.save()
    again, created_again = services.complaint_file_idempotent(**args)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Complaint.objects.count() == 1


def test_a_taken_tracking_code_is_drawn_again(cworld, monkeypatch):
    """The filing runs without a savepoint; a clash of the random code fails the whole attempt,
    which is made again with a new code (nothing of the failed attempt remains)."""
    cat = category("cleaning_greening")
    args = dict(estate=cworld.estate_a, category=cat, description="垃圾桶满了", reporter_name="王秀英",
                reporter_phone="13812345678")
    taken = services.complaint_file(**args).tracking_code
    codes = iter([taken, "TS000000AAAAAA", taken, "TS000000BBBBBB"])
    monkeypatch.setattr(filing, "new_tracking_code", lambda moment=None: next(codes))
    assert services.complaint_file(**args).tracking_code == "TS000000AAAAAA"
    again, created = services.complaint_file_idempotent(scope="user:t", key="k-code", fingerprint="f", **args)
    assert (again.tracking_code, created) == ("TS000000BBBBBB", True)
    assert Complaint.objects.count() == 3 and Event.objects.filter(action="submit").count() == 3
    assert IdempotencyKey.objects.filter(key="k-code", complaint=again).exists()


def test_a_hotline_filing_runs_a_fixed_short_list_of_statements(cworld, api):
    """Intake must sustain 150 filings a second (issue §18): no look-up of the key before the
    insert (its unique constraint catches a retry), no request or joint-task query for a complaint
    that has not been dispatched, and no savepoint around the audit row."""
    client = api("city")
    client.post(URL, body(cworld, reporter_name="王秀英", reporter_phone="13812345678", source="12345",
                          source_ticket="H-0"), format="json", HTTP_IDEMPOTENCY_KEY="warm")
    with CaptureQueriesContext(connection) as q:
        r = client.post(URL, body(cworld, reporter_name="王秀英", reporter_phone="13812345678", source="12345",
                                  source_ticket="H-1"), format="json", HTTP_IDEMPOTENCY_KEY="h-1")
    assert r.status_code == 201
    sql = [x["sql"] for x in q.captured_queries if not x["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert not [x for x in sql if "cases_request" in x or ("cases_idempotencykey" in x and x.startswith("SELECT"))]
    assert len(sql) <= 12, sql
    savepoints = [x for x in q.captured_queries if x["sql"].startswith("SAVEPOINT")]
    assert len(savepoints) <= 3  # the test's own, the key's block and the tracking code's retry


@pytest.fixture
def api(cworld):
    """api("district") → an APIClient authenticated with that persona's token."""

    def _api(role: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(cworld.users[role])}")
        return client

    return _api


def png(name: str = "photo.png", color: str = "red") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def body(world, **extra) -> dict:
    return {"estate": world.estate_a.pk, "category": category("cleaning_greening").pk,
            "description": "3号楼门口的垃圾桶已经三天没有清运，气味很大。", **extra}


def dispatched(world, **kwargs) -> Complaint:
    c = file(world, **kwargs)
    act(world.users["district"], c, "dispatch")
    return c


def denied_rows() -> int:
    return AuditLog.objects.filter(action=AuditAction.DENIED).count()


# ---- categories -------------------------------------------------------------------------------


def test_categories_list_active_ones_with_the_confidential_flag(cworld, api):
    Category.objects.filter(code="other").update(active=False)
    response = api("resident").get("/api/v1/complaint-categories/")
    assert response.status_code == 200
    rows = response.json()["results"]
    codes = [r["code"] for r in rows]
    assert "cleaning_greening" in codes and "other" not in codes
    assert len(rows) == 15
    clue = next(r for r in rows if r["code"] == "gang_clues")
    assert clue["confidential"] is True and clue["name"] == "涉黑涉恶线索"
    assert set(rows[0]) >= {"id", "code", "name", "emergency", "confidential", "limits"}
    assert rows[0]["limits"]["accept"] == {"amount": 2, "unit": "hours"}


def test_categories_need_a_signed_in_user_and_are_read_only(cworld, api):
    assert APIClient().get("/api/v1/complaint-categories/").status_code == 401
    assert api("resident").post("/api/v1/complaint-categories/", {"code": "x"}, format="json").status_code == 405


# ---- filing -----------------------------------------------------------------------------------


def test_resident_files_with_name_and_phone_from_the_account(cworld, api):
    response = api("resident").post(URL, body(cworld), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    c = Complaint.objects.get()
    assert data["id"] == c.pk and data["tracking_code"] == c.tracking_code and data["status"] == "submitted"
    assert data["status_display"] == "待受理"
    assert (c.source, c.reporter_user, c.reporter_name, c.reporter_phone) == (
        Source.RESIDENT, cworld.users["resident"], "王秀英", "13812345678")
    assert c.created_by is None
    assert data["reporter_phone"] == "13812345678"  # their own complaint: not masked for them
    assert Event.objects.filter(complaint=c, action="submit").count() == 1
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="cases.complaint", object_id=str(c.pk)).exists()
    assert allowed(data) == ["withdraw"]
    assert {"action": "callback", "label": "回访评价", "allowed": False, "reason": "办理答复发布后可评价"} in data["actions"]


def test_estate_out_of_the_residents_scope_is_refused_as_input(cworld, api):
    before = denied_rows()
    response = api("resident").post(URL, body(cworld, estate=cworld.estate_b.pk), format="json")
    assert response.status_code == 400
    assert response.json()["estate"] == ["小区不存在或不在您的范围内"]
    unknown = api("resident").post(URL, body(cworld, estate=999999), format="json")
    assert unknown.json()["estate"] == ["小区不存在或不在您的范围内"]
    assert Complaint.objects.count() == 0
    assert denied_rows() == before + 2


def test_resident_may_not_name_a_source_or_another_reporter(cworld, api):
    response = api("resident").post(URL, body(cworld, source="12345", reporter_phone="13900000000"), format="json")
    assert response.status_code == 400
    assert "只有市局或区县受理人员可以填写此项" in response.json()["source"][0]
    assert set(response.json()) == {"source", "reporter_phone"}
    assert Complaint.objects.count() == 0


def test_bad_input_gets_chinese_messages(cworld, api):
    client = api("resident")
    empty = client.post(URL, body(cworld, description="   "), format="json")
    assert empty.status_code == 400 and empty.json() == {"detail": "请填写诉求内容"}
    missing = client.post(URL, {"estate": cworld.estate_a.pk}, format="json")
    assert missing.status_code == 400 and missing.json()["description"] == ["请填写诉求内容"]
    cat = client.post(URL, body(cworld, category=999999), format="json")
    assert cat.json()["category"] == ["诉求类别不存在或已停用"]
    assert Complaint.objects.count() == 0


def test_district_desk_enters_a_hotline_transfer(cworld, api):
    client = api("district")
    no_ticket = client.post(URL, body(cworld, source="12345", reporter_name="李四", reporter_phone="13911112222"),
                            format="json")
    assert no_ticket.status_code == 400 and no_ticket.json() == {"detail": "热线转办件须填写来源工单号"}
    response = client.post(URL, body(cworld, source="12345", source_ticket="GD2026-0001", reporter_name="李四",
                                     reporter_phone="+86 139-1111-2222"), format="json")
    assert response.status_code == 201
    c = Complaint.objects.get()
    assert (c.source, c.source_ticket, c.reporter_name, c.reporter_phone, c.created_by, c.reporter_user) == (
        "12345", "GD2026-0001", "李四", "13911112222", cworld.users["district"], None)
    assert response.json()["reporter_phone"] == "139****2222"
    assert "accept" in allowed(response.json())
    bad_phone = client.post(URL, body(cworld, reporter_phone="电话"), format="json")
    assert bad_phone.status_code == 400 and "联系电话格式不正确" in bad_phone.json()["reporter_phone"][0]


def test_desk_source_defaults_to_api_and_the_estate_must_be_in_the_district(cworld, api):
    response = api("district").post(URL, body(cworld), format="json")
    assert response.status_code == 201 and Complaint.objects.get().source == Source.API
    other = api("district").post(URL, body(cworld, estate=cworld.estate_b.pk), format="json")
    assert other.status_code == 400 and other.json()["estate"] == ["小区不存在或不在您的范围内"]


@pytest.mark.parametrize("role", ["manager_a", "street", "department", "sysadmin", "outsider"])
def test_other_roles_may_not_file(cworld, api, role):
    before = denied_rows()
    response = api(role).post(URL, body(cworld), format="json")
    assert response.status_code == 403
    assert "您的角色不能通过接口提交诉求" in response.json()["detail"]
    assert Complaint.objects.count() == 0 and denied_rows() == before + 1


def test_idempotency_key_retry_returns_the_same_complaint(cworld, api):
    client = api("resident")
    first = client.post(URL, body(cworld), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(URL, body(cworld), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["tracking_code"] == again.json()["tracking_code"]
    assert Complaint.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    changed = client.post(URL, body(cworld, description="另一件事：电梯坏了"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert changed.status_code == 409
    assert changed.json() == {"detail": "该 Idempotency-Key 已用于内容不同的另一次提交，请使用新的 Key"}
    assert Complaint.objects.count() == 1
    # Keys belong to one account: another user's same key is another filing.
    other = api("district").post(URL, body(cworld), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 201 and Complaint.objects.count() == 2
    # Without a key every post is a new complaint.
    assert client.post(URL, body(cworld), format="json").status_code == 201
    assert Complaint.objects.count() == 3


def test_multipart_filing_with_photos_and_an_idempotent_retry(cworld, api):
    client = api("resident")
    first = client.post(URL, {**body(cworld), "photos": [png("a.png"), png("b.png", "blue")]}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="photo-1")
    assert first.status_code == 201, first.content
    c = Complaint.objects.get()
    assert Photo.objects.filter(complaint=c, kind="report").count() == 2
    retry = client.post(URL, {**body(cworld), "photos": [png("a.png"), png("b.png", "blue")]}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="photo-1")
    assert retry.status_code == 200 and Photo.objects.count() == 2
    other_photo = client.post(URL, {**body(cworld), "photos": [png("a.png", "green")]}, format="multipart",
                              HTTP_IDEMPOTENCY_KEY="photo-1")
    assert other_photo.status_code == 409


def test_fake_or_too_many_photos_are_refused(cworld, api):
    client = api("resident")
    fake = SimpleUploadedFile("fake.jpg", b"this is text, not a picture", content_type="image/jpeg")
    response = client.post(URL, {**body(cworld), "photos": [fake]}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"detail": "文件“fake.jpg”不是有效的图片（支持 JPG、PNG、WebP、GIF）"}
    six = client.post(URL, {**body(cworld), "photos": [png(f"{i}.png") for i in range(6)]}, format="multipart")
    assert six.status_code == 400 and six.json()["photos"] == ["最多上传 5 张照片"]
    assert Complaint.objects.count() == 0 and Photo.objects.count() == 0


def test_filing_needs_a_signed_in_user_and_post(cworld, api):
    assert APIClient().post(URL, body(cworld), format="json").status_code == 401
    assert api("resident").put(URL, body(cworld), format="json").status_code == 405


# ---- lists and detail -------------------------------------------------------------------------


def test_list_shows_only_what_the_user_may_see(cworld, api):
    a = dispatched(cworld)
    b = file(cworld, estate=cworld.estate_b, description="翠湖花园1号楼电梯困人")
    act(cworld.users["district2"], b, "accept")
    clue = file(cworld, "gang_clues", description="有人在小区收保护费")

    def ids(role):
        response = api(role).get(URL)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids("city") == {a.pk, b.pk, clue.pk}
    assert ids("district") == {a.pk}
    assert ids("manager_a") == {a.pk}
    assert ids("manager_b") == set()
    assert ids("police") == {clue.pk}
    assert ids("resident") == set()  # filed on the public form, not by the account


def test_list_filters_by_status_category_estate_and_keyword(cworld, api):
    a = dispatched(cworld)
    b = file(cworld, "elevator", description="1号楼电梯经常停在半路，很危险")
    c = file(cworld, "noise", estate=cworld.estate_b, description="楼下广场舞声音太大")
    client = api("city")

    def ids(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(status="dispatched") == {a.pk}
    assert ids(status="submitted,dispatched") == {a.pk, b.pk, c.pk}
    assert ids(category=category("elevator").pk) == {b.pk}
    assert ids(category_code="noise") == {c.pk}
    assert ids(estate=cworld.estate_b.pk) == {c.pk}
    assert ids(q="电梯") == {b.pk}
    assert ids(q="垃圾 气味") == {a.pk}
    assert ids(q="电梯", status="dispatched") == set()
    bad = client.get(URL, {"status": "nonsense"})
    assert bad.status_code == 400 and bad.json()["status"] == ["未知的状态：nonsense"]


def test_list_rows_mask_the_reporter_for_the_company(cworld, api):
    dispatched(cworld)
    dispatched(cworld, anonymous=True, description="保洁员态度很差")
    rows = api("manager_a").get(URL).json()["results"]
    assert {(r["reporter_name"], r["reporter_phone"]) for r in rows} == {("王**", "138****5678"), ("匿名", "138****5678")}
    assert "13812345678" not in api("manager_a").get(URL).content.decode()
    assert rows[0]["status"] == "dispatched" and rows[0]["unit_name"] == "安居物业服务有限公司"


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_the_rows(cworld, api, django_assert_num_queries):
    client = api("manager_a")
    for i in range(3):
        dispatched(cworld, description=f"第{i}件：垃圾没有清运")
    few = _list_queries(client)
    for i in range(9):
        dispatched(cworld, description=f"第{i + 3}件：草坪没人修剪")
    with django_assert_num_queries(few):
        response = client.get(URL)
    assert response.json()["count"] == 12 and len(response.json()["results"]) == 12


def test_detail_has_status_deadlines_unit_events_and_actions(cworld, api):
    c = dispatched(cworld)
    response = api("manager_a").get(f"{URL}{c.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "dispatched" and data["status_display"] == "待签收"
    assert data["unit"] == {"kind": "company", "id": cworld.company_a.pk, "name": "安居物业服务有限公司"}
    assert data["deadlines"]["sign"]["due"] and data["deadlines"]["sign"]["overdue"] is False
    assert data["deadlines"]["resolve"]["due"].endswith("+08:00")
    assert [e["action"] for e in data["events"]] == ["submit", "dispatch"]
    assert data["events"][1]["action_display"] == "派单"
    assert allowed(data)[0] == "sign" and "request_return" in allowed(data)
    blocked = {a["action"]: a["reason"] for a in data["actions"] if not a["allowed"]}
    assert blocked["reply"] == "签收并首次联系诉求人后可答复" and blocked["contact"] == "签收后可登记首次联系"
    assert [t["role"] for t in data["tasks"]] == ["lead"]
    assert data["reporter_name"] == "王**" and data["reporter_phone"] == "138****5678"
    city = api("city").get(f"{URL}{c.pk}/").json()
    assert allowed(city) == ["supervise"] and [a["action"] for a in city["actions"]] == ["supervise"]
    assert city["reporter_phone"] == "138****5678"


def test_detail_for_the_resident_shows_the_public_side_only(cworld, api):
    response = api("resident").post(URL, body(cworld), format="json")
    c = Complaint.objects.get(pk=response.json()["id"])
    act(cworld.users["district"], c, "dispatch", note="内部说明：优先处理")
    act(cworld.users["staff_a"], c, "sign")
    act(cworld.users["staff_a"], c, "contact", note="已电话联系")
    act(cworld.users["staff_a"], c, "reply", note="内部答复草稿", photos=[png("evidence.png")])
    data = api("resident").get(f"{URL}{c.pk}/").json()
    assert data["reply"] == ""  # not published yet
    assert data["tasks"] == []
    assert all(e["public"] for e in data["events"])
    assert "reply" not in [e["action"] for e in data["events"]]
    assert [p["kind"] for p in data["photos"]] == []  # the evidence waits for the reply's publication
    assert "内部说明：优先处理" not in json.dumps(data, ensure_ascii=False)  # the desk's instruction stays internal
    assert "已电话联系" not in json.dumps(data, ensure_ascii=False)
    act(cworld.users["district"], c, "approve_reply", public_reply="垃圾已清运，并增加清运频次。")
    data = api("resident").get(f"{URL}{c.pk}/").json()
    assert [p["kind"] for p in data["photos"]] == ["evidence"]
    assert data["reply"] == "垃圾已清运，并增加清运频次。" and data["status"] == "replied"
    assert allowed(data) == ["callback"]
    official = api("district").get(f"{URL}{c.pk}/").json()
    assert official["reply"] == "内部答复草稿" and "reply" in [e["action"] for e in official["events"]]


def test_detail_out_of_scope_is_404_and_audited(cworld, api):
    c = dispatched(cworld)
    before = denied_rows()
    response = api("manager_b").get(f"{URL}{c.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到该记录，或您无权查看。"}
    assert denied_rows() == before + 1
    assert api("resident").get(f"{URL}{c.pk}/").status_code == 404
    assert APIClient().get(f"{URL}{c.pk}/").status_code == 401


# ---- actions ----------------------------------------------------------------------------------


def actions_url(c) -> str:
    return f"{URL}{c.pk}/actions/"


def test_dispatch_without_a_unit_goes_to_the_routed_unit_and_sign_follows(cworld, api):
    c = file(cworld)
    response = api("district").post(actions_url(c), {"action": "dispatch", "note": "请尽快处理"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "dispatched"
    assert response.json()["unit"]["id"] == cworld.company_a.pk
    signed = api("staff_a").post(actions_url(c), {"action": "sign"}, format="json")
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    c.refresh_from_db()
    assert c.status == Status.SIGNED and c.signed_at is not None
    assert list(Event.objects.filter(complaint=c).values_list("action", flat=True)) == ["submit", "dispatch", "sign"]
    assert Task.objects.get(complaint=c).state == Task.State.SIGNED
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, object_type="cases.complaint",
                                   object_id=str(c.pk)).count() == 2


def test_second_officer_signing_gets_409_already_signed(cworld, api):
    c = dispatched(cworld)
    assert api("staff_a").post(actions_url(c), {"action": "sign"}, format="json").status_code == 200
    late = api("manager_a").post(actions_url(c), {"action": "sign"}, format="json")
    assert late.status_code == 409
    assert late.json() == {"detail": "已被他人签收"}
    assert Event.objects.filter(complaint=c, action="sign").count() == 1


def test_action_not_allowed_in_this_state_is_409(cworld, api):
    c = file(cworld)
    response = api("district").post(actions_url(c), {"action": "close", "note": "x"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "当前状态（待受理）下不能执行“办结”"
    assert Complaint.objects.get(pk=c.pk).status == Status.SUBMITTED


def test_action_the_user_may_never_take_is_403_and_audited(cworld, api):
    c = dispatched(cworld)
    before = denied_rows()
    response = api("manager_a").post(actions_url(c), {"action": "close", "note": "自己办结"}, format="json")
    assert response.status_code == 403
    assert denied_rows() == before + 1
    assert Complaint.objects.get(pk=c.pk).status == Status.DISPATCHED


def test_unknown_action_and_missing_parameters_are_400(cworld, api):
    c = dispatched(cworld)
    client = api("staff_a")
    unknown = client.post(actions_url(c), {"action": "explode"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["action"] == ["未知的操作：explode"]
    client.post(actions_url(c), {"action": "sign"}, format="json")
    no_basis = client.post(actions_url(c), {"action": "request_return", "note": "不属于物业职责"}, format="json")
    assert no_basis.status_code == 400
    assert no_basis.json() == {"detail": "退单须注明依据（法律法规或职责分工）"}
    no_note = client.post(actions_url(c), {"action": "request_return", "legal_basis": "《物业管理条例》"}, format="json")
    assert no_note.status_code == 400 and no_note.json() == {"detail": "请填写退单理由"}
    assert Complaint.objects.get(pk=c.pk).status == Status.SIGNED


def test_invisible_complaint_action_is_404(cworld, api):
    c = dispatched(cworld)
    response = api("manager_b").post(actions_url(c), {"action": "sign"}, format="json")
    assert response.status_code == 404
    assert Complaint.objects.get(pk=c.pk).status == Status.DISPATCHED


def test_actions_endpoint_takes_post_only(cworld, api):
    c = dispatched(cworld)
    assert api("staff_a").get(actions_url(c)).status_code == 405
    assert APIClient().post(actions_url(c), {"action": "sign"}, format="json").status_code == 401


def test_whole_case_through_the_api_to_a_satisfied_callback(cworld, api):
    created = api("resident").post(URL, body(cworld), format="json").json()
    url = f"{URL}{created['id']}/actions/"
    steps = [
        ("district", {"action": "accept"}, "accepted"),
        ("district", {"action": "dispatch", "unit": f"company:{cworld.company_a.pk}"}, "dispatched"),
        ("staff_a", {"action": "sign"}, "signed"),
        ("staff_a", {"action": "contact", "note": "已电话联系王阿姨"}, "in_progress"),
        ("staff_a", {"action": "reply", "note": "垃圾已清运，并增加清运频次。"}, "reply_review"),
        ("district", {"action": "approve_reply"}, "replied"),
        ("resident", {"action": "callback", "resolved": True, "satisfaction": "satisfied", "note": "很快"}, "closed"),
    ]
    for role, payload, expected in steps:
        if payload["action"] == "contact":
            payload = {**payload, **contact_record()}  # recorded when it happened: after the dispatch
        response = api(role).post(url, payload, format="json")
        assert response.status_code == 200, (role, payload, response.content)
        assert response.json()["status"] == expected
    c = Complaint.objects.get(pk=created["id"])
    assert (c.satisfaction, c.callback_resolved) == ("satisfied", True)
    assert Event.objects.filter(complaint=c).count() == 8


def test_request_return_and_rejection_with_multipart_reply_evidence(cworld, api):
    c = dispatched(cworld)
    unit = api("staff_a")
    unit.post(actions_url(c), {"action": "sign"}, format="json")
    asked = unit.post(actions_url(c), {"action": "request_return", "note": "属于开发商遗留问题",
                                       "legal_basis": "《物业管理条例》第三十一条"}, format="json")
    assert asked.status_code == 200 and asked.json()["status"] == "return_review"
    rejected = api("district").post(actions_url(c), {"action": "decide_return", "approve": False,
                                                     "note": "属于物业服务范围，须办理"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["return_final"] is True
    assert rejected.json()["status"] == "signed"
    unit.post(actions_url(c), {"action": "contact", "note": "已联系", **contact_record()}, format="json")
    replied = unit.post(actions_url(c), {"action": "reply", "note": "已清运", "photos": [png("after.png")]},
                        format="multipart")
    assert replied.status_code == 200, replied.content
    assert Photo.objects.filter(complaint=c, kind="evidence").count() == 1


def test_dispatch_to_a_named_unit_as_an_object_and_call_departments(cworld, api):
    c = file(cworld)
    fire = cworld.users["fire"].department
    response = api("district").post(actions_url(c), {"action": "dispatch", "unit": {"kind": "street", "id": cworld.s1.pk}},
                                    format="json")
    assert response.status_code == 200 and response.json()["unit"]["kind"] == "street"
    api("street").post(actions_url(c), {"action": "sign"}, format="json")
    called = api("street").post(actions_url(c), {"action": "call_departments", "departments": [fire.pk],
                                                 "note": "消防通道被占"}, format="json")
    assert called.status_code == 200, called.content
    assert {t["unit_name"] for t in called.json()["tasks"]} == {cworld.s1.name, fire.name}
    fire_view = api("fire").get(f"{URL}{c.pk}/").json()
    assert fire_view["actions"] == [
        {"action": "sign", "label": "签收", "allowed": True, "reason": ""},
        {"action": "reply", "label": "答复", "allowed": False, "reason": "签收后可答复"},
        {"action": "request_callback", "label": "请求回拨", "allowed": False, "reason": "签收后可请求回拨"},
    ]


# ---- schema -------------------------------------------------------------------------------------


def test_schema_documents_the_complaint_endpoints_in_chinese(cworld, settings):
    settings.WUYE_API_DOCS_PUBLIC = True
    import re

    import yaml

    schema = yaml.safe_load(APIClient().get("/api/schema/").content)
    paths = schema["paths"]
    for path, method in (("/api/v1/complaint-categories/", "get"), ("/api/v1/complaints/", "get"),
                         ("/api/v1/complaints/", "post"), ("/api/v1/complaints/{id}/", "get"),
                         ("/api/v1/complaints/{id}/actions/", "post")):
        operation = paths[path][method]
        assert re.search(r"[\u4e00-\u9fff]", operation["summary"]), (path, method)
        assert all(re.search(r"[\u4e00-\u9fff]", tag) for tag in operation["tags"]), (path, method)
    create = paths["/api/v1/complaints/"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in create["parameters"]}
    assert {"200", "201", "409"} <= set(create["responses"])
    assert {"409", "403", "404"} <= set(paths["/api/v1/complaints/{id}/actions/"]["post"]["responses"])
    listing = {p["name"] for p in paths["/api/v1/complaints/"]["get"]["parameters"]}
    assert {"status", "category", "estate", "q", "page", "page_size"} <= listing
    detail = schema["components"]["schemas"]["ComplaintDetail"]["properties"]
    assert {"status", "status_display", "actions", "events", "deadlines", "unit"} <= set(detail)


def test_detail_query_count_does_not_grow_with_the_timeline(cworld, api, django_assert_num_queries):
    c = dispatched(cworld)
    client = api("district")
    with CaptureQueriesContext(connection) as short:
        assert client.get(f"{URL}{c.pk}/").status_code == 200
    act(cworld.users["staff_a"], c, "sign")
    act(cworld.users["staff_a"], c, "contact", note="已联系")
    act(cworld.users["staff_a"], c, "reply", note="已处理", photos=[png("a.png"), png("b.png")])
    act(cworld.users["district"], c, "reject_reply", note="请补充说明")
    with django_assert_num_queries(len(short.captured_queries)):
        data = client.get(f"{URL}{c.pk}/").json()
    assert len(data["events"]) == 6 and len(data["photos"]) == 2
