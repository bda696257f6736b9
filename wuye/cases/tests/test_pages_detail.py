"""One complaint's page (/complaints/<pk>/), its action forms and POSTs, and the audited reveal."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wuye.accounts.models import Role
from wuye.cases.models import Event, Photo, Request, Status, SupervisionLevel, Task, UnitKind
from wuye.conftest import make_user
from wuye.core.models import AuditAction, AuditLog

from .conftest import act, file


def detail(c) -> str:
    return f"/complaints/{c.pk}/"


def act_url(c) -> str:
    return f"/complaints/{c.pk}/act/"


def post(client, c, action, *, htmx=False, **data):
    c.refresh_from_db()
    payload = {"action": action, "version": c.version, **data}
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(act_url(c), payload, **extra)


def denied(detail_contains: str = "") -> int:
    qs = AuditLog.objects.filter(action=AuditAction.DENIED, object_type="cases.complaint")
    return qs.filter(detail__contains=detail_contains).count() if detail_contains else qs.count()


def png(name="evidence.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


# ---- reading ------------------------------------------------------------------------------------


def test_official_sees_header_deadlines_tasks_timeline_and_actions(cworld, login, client):
    u = cworld.users
    c = file(cworld, source="12345", source_ticket="12345-778899", title="垃圾未清运")
    act(u["city"], c, "dispatch", co_units=[f"community:{cworld.c1.pk}"], note="请协同")
    login(u["district"])
    r = client.get(detail(c))
    assert r.status_code == 200
    html = r.content.decode()
    for text in (c.tracking_code, "待签收", "12345 热线转办", "12345-778899", "幸福里小区", "保洁绿化",
                 "安居物业服务有限公司", "多福巷社区", "协办", "派至 安居物业服务有限公司", "请协同", "签收", "办结",
                 "王*", "138****5678", "显示完整号码"):
        assert text in html, text
    assert "13812345678" not in html
    assert [name for name, *_ in r.context["stages"]][:2] == ["受理", "签收"]
    assert {t.role for t in r.context["tasks"]} == {Task.Role.LEAD, Task.Role.CO}
    assert [a["name"] for a in r.context["actions"]] == ["supervise"]
    assert [e.action for e in r.context["events"]] == ["submit", "dispatch"]


def test_confidential_and_emergency_badges(cworld, login, client):
    clue = file(cworld, "gang_clues", description="线索")
    lift = file(cworld, "elevator")
    login(cworld.users["city"])
    assert "保密线索" in client.get(detail(clue)).content.decode()
    assert "紧急" in client.get(detail(lift)).content.decode()
    login(cworld.users["district"])
    assert client.get(detail(clue)).status_code == 404


def test_company_b_cannot_open_company_a_complaint(cworld, login, client):
    c = file(cworld)
    act(cworld.users["city"], c, "dispatch")
    login(cworld.users["manager_b"])
    before = denied()
    assert client.get(detail(c)).status_code == 404
    assert denied() == before + 1
    row = AuditLog.objects.filter(action=AuditAction.DENIED).order_by("-seq").first()
    assert row.object_id == str(c.pk) and row.actor_username == "p_manager_b"


def test_a_company_sees_a_complaint_only_once_dispatched_to_it(cworld, login, client):
    c = file(cworld)
    login(cworld.users["manager_a"])
    assert client.get(detail(c)).status_code == 404
    act(cworld.users["city"], c, "dispatch")
    assert client.get(detail(c)).status_code == 200


def test_residents_see_only_their_own_complaints_and_the_public_timeline(cworld, login, client):
    u = cworld.users
    resident_b = make_user("p_resident_b", Role.RESIDENT, owner=cworld.owner_b)
    theirs = file(cworld, estate=cworld.estate_b, reporter_user=resident_b, reporter_name="赵强",
                  reporter_phone="13987654321", source="resident")
    act(u["city"], theirs, "accept", note="内部备注：先核实")
    act(u["city"], theirs, "supervise", level=1, note="内部督办")
    login(u["resident"])  # a resident of the other estate
    before = denied()
    assert client.get(detail(theirs)).status_code == 404
    assert denied() == before + 1
    login(resident_b)
    r = client.get(detail(theirs))
    assert r.status_code == 200
    html = r.content.decode()
    assert "13987654321" in html and "赵强" in html  # their own data, unmasked
    assert [e.action for e in r.context["events"]] == ["submit", "accept"]  # the supervision is internal
    assert "内部督办" not in html and "承办单位" not in html
    assert [a["name"] for a in r.context["actions"] if a["allowed"]] == ["withdraw"]
    assert [(a["name"], a["reason"]) for a in r.context["actions"] if not a["allowed"]] == [
        ("callback", "办理答复发布后可评价")]
    assert "显示完整号码" not in html


def test_anonymous_complaint_hides_the_name_from_the_company(cworld, login, client):
    c = file(cworld, anonymous=True)
    act(cworld.users["city"], c, "dispatch")
    login(cworld.users["manager_a"])
    html = client.get(detail(c)).content.decode()
    assert "匿名" in html and "王*" not in html and "显示完整号码" not in html
    login(cworld.users["district"])
    assert "王*" in client.get(detail(c)).content.decode()


def test_detail_wrong_method_and_anonymous(cworld, login, client):
    c = file(cworld)
    assert client.get(detail(c))["Location"].startswith("/accounts/login/")
    login(cworld.users["city"])
    assert client.post(detail(c)).status_code == 405
    assert client.get("/complaints/999999/").status_code == 404


def test_pending_requests_show_reason_and_legal_basis(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    act(u["city"], c, "dispatch")
    act(u["staff_a"], c, "sign")
    act(u["staff_a"], c, "request_return", note="属于开发商遗留问题", legal_basis="《物业管理条例》第三十一条")
    login(u["district"])
    r = client.get(detail(c))
    html = r.content.decode()
    assert "待审核的申请" in html and "属于开发商遗留问题" in html and "《物业管理条例》第三十一条" in html
    assert "decide_return" in [a["name"] for a in r.context["actions"]]


# ---- the action forms ------------------------------------------------------------------------------


def test_action_form_partial_has_exactly_the_fields_of_the_action(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    login(u["city"])
    r = client.get(act_url(c), {"action": "dispatch"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    form = r.context["form"]
    assert list(form.fields) == ["unit", "co_units", "note"]
    assert form.fields["unit"].initial == f"company:{cworld.company_a.pk}"  # the routed unit
    values = [v for v, _l in form.fields["unit"].choices]
    assert f"community:{cworld.c1.pk}" in values and f"street:{cworld.s1.pk}" in values
    assert f"district:{cworld.d1.pk}" in values
    assert f"department:{u['fire'].department_id}" in values
    assert "<html" not in r.content.decode()
    fields = {
        "refuse": ["note"], "duplicate": ["of", "note"], "accept": ["note"],
    }
    for action, expected in fields.items():
        form = client.get(act_url(c), {"action": action}, HTTP_HX_REQUEST="true").context["form"]
        assert list(form.fields) == expected, action
    html = client.get(act_url(c), {"action": "refuse"}, HTTP_HX_REQUEST="true").content.decode()
    assert "data-confirm=" in html and "不可撤销" in html


def test_request_return_form_shows_the_legal_basis_placeholder(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    act(u["city"], c, "dispatch")
    login(u["staff_a"])
    html = client.get(act_url(c), {"action": "request_return"}, HTTP_HX_REQUEST="true").content.decode()
    assert "如：《民法典》第二百七十六条" in html and 'name="legal_basis"' in html


def test_action_form_without_htmx_opens_on_the_detail_page(cworld, login, client):
    c = file(cworld)
    login(cworld.users["city"])
    r = client.get(act_url(c), {"action": "accept"})
    assert r.status_code == 302 and r["Location"] == f"{detail(c)}?action=accept#act"
    r = client.get(detail(c), {"action": "accept"})
    assert r.context["open_form"].action == "accept" and 'data-action="accept"' in r.content.decode()


def test_unknown_action_and_wrong_method(cworld, login, client):
    c = file(cworld)
    login(cworld.users["city"])
    assert client.post(act_url(c), {"action": "explode"}, HTTP_HX_REQUEST="true").status_code == 400
    r = client.post(act_url(c), {"action": "explode"}, follow=True)
    assert "未知的操作" in [str(m) for m in r.context["messages"]]
    assert client.put(act_url(c)).status_code == 405
    assert Event.objects.filter(complaint=c).count() == 1


# ---- performing actions -----------------------------------------------------------------------------


def test_accept_then_dispatch_to_another_unit(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    login(u["district"])
    r = post(client, c, "accept", note="已受理")
    assert r.status_code == 302 and r["Location"] == detail(c)
    c.refresh_from_db()
    assert c.status == Status.ACCEPTED
    assert Event.objects.filter(complaint=c, action="accept", note="已受理", actor=u["district"]).exists()
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, object_id=str(c.pk), actor_username="p_district").exists()
    r = post(client, c, "dispatch", unit=f"community:{cworld.c1.pk}", co_units=[f"street:{cworld.s1.pk}"], htmx=True)
    assert r.status_code == 200 and r["HX-Redirect"] == detail(c)
    c.refresh_from_db()
    assert (c.status, c.unit_kind, c.unit_id) == (Status.DISPATCHED, UnitKind.COMMUNITY, cworld.c1.pk)
    assert set(Task.objects.filter(complaint=c).values_list("role", "unit_kind")) == {
        (Task.Role.LEAD, UnitKind.COMMUNITY), (Task.Role.CO, UnitKind.STREET)}
    ev = Event.objects.get(complaint=c, action="dispatch")
    assert ev.data["unit"] == "多福巷社区" and ev.data["co_units"] == ["东华门街道"]
    follow = client.get(detail(c))
    assert "已完成“派单”。" in [str(m) for m in follow.context["messages"]]


def test_refusal_keeps_what_was_typed(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    act(u["city"], c, "dispatch")
    act(u["staff_a"], c, "sign")
    login(u["staff_a"])
    r = post(client, c, "request_return", note="不属于物业职责范围", legal_basis="", htmx=True)
    html = r.content.decode()
    assert r.status_code == 200 and "退单须注明依据（法律法规或职责分工）" in html
    assert "不属于物业职责范围" in html  # kept
    c.refresh_from_db()
    assert c.status == Status.SIGNED and not Request.objects.filter(complaint=c).exists()
    r = post(client, c, "request_return", note="不属于物业职责范围", legal_basis="《民法典》第二百七十六条")
    c.refresh_from_db()
    assert c.status == Status.RETURN_REVIEW
    req = Request.objects.get(complaint=c)
    assert (req.kind, req.reason, req.legal_basis) == ("return", "不属于物业职责范围", "《民法典》第二百七十六条")


def test_service_refusal_without_htmx_renders_the_page_with_the_message(cworld, login, client):
    c = file(cworld)
    login(cworld.users["city"])
    r = post(client, c, "refuse", note="")
    assert r.status_code == 200
    html = r.content.decode()
    assert "请填写不予受理的理由" in html and c.tracking_code in html
    c.refresh_from_db()
    assert c.status == Status.SUBMITTED


def test_a_stale_page_gets_the_service_message(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    act(u["city"], c, "dispatch")
    c.refresh_from_db()
    seen = c.version
    act(u["manager_a"], c, "sign")  # a colleague signs first
    login(u["staff_a"])
    r = client.post(act_url(c), {"action": "sign", "version": seen}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "已被他人签收" in r.content.decode()
    assert Event.objects.filter(complaint=c, action="sign").count() == 1
    # Another state change under a stale page: the current state is named.
    c2 = file(cworld)
    c2.refresh_from_db()
    seen = c2.version
    act(u["district"], c2, "accept")
    login(u["city"])
    r = client.post(act_url(c2), {"action": "refuse", "version": seen, "note": "重复"}, HTTP_HX_REQUEST="true")
    assert "该诉求已被他人处理（当前状态：待派单）" in r.content.decode()


def test_reply_with_evidence_photo_and_review(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    act(u["city"], c, "dispatch")
    act(u["staff_a"], c, "sign")
    act(u["staff_a"], c, "contact", note="已联系")
    login(u["staff_a"])
    c.refresh_from_db()
    r = client.post(act_url(c), {"action": "reply", "version": c.version, "note": "已清运并增加频次",
                                 "photos": [png()]})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.REPLY_REVIEW and c.reply == "已清运并增加频次"
    photo = Photo.objects.get(complaint=c)
    assert photo.kind == Photo.Kind.EVIDENCE and photo.event.action == "reply"
    login(u["district"])
    r = client.get(detail(c))
    assert f"/complaints/photo/{photo.pk}/" in r.content.decode()
    assert r.context["open_form"] is None
    form = client.get(act_url(c), {"action": "approve_reply"}, HTTP_HX_REQUEST="true").context["form"]
    assert form.fields["public_reply"].initial == "已清运并增加频次"
    post(client, c, "approve_reply", public_reply="垃圾已清运，今后每日清运两次。")
    c.refresh_from_db()
    assert c.status == Status.REPLIED and c.public_reply == "垃圾已清运，今后每日清运两次。"


def test_fake_evidence_photo_is_refused(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    for a, kw in (("dispatch", {}), ("sign", {}), ("contact", {})):
        act(u["city"] if a == "dispatch" else u["staff_a"], c, a, **kw)
    login(u["staff_a"])
    c.refresh_from_db()
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    r = client.post(act_url(c), {"action": "reply", "version": c.version, "note": "答复", "photos": [fake]},
                    HTTP_HX_REQUEST="true")
    assert "不是有效的图片" in r.content.decode() and "答复" in r.content.decode()
    c.refresh_from_db()
    assert c.status == Status.IN_PROGRESS and not Photo.objects.filter(complaint=c).exists()


def test_callback_and_close_as_unreasonable(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    act(u["city"], c, "dispatch")
    act(u["staff_a"], c, "sign")
    act(u["staff_a"], c, "contact")
    act(u["staff_a"], c, "reply", note="已处理")
    act(u["district"], c, "approve_reply")
    login(u["district"])
    r = post(client, c, "callback", resolved="false", satisfaction="dissatisfied", note="仍有异味")
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.EVALUATED and c.callback_resolved is False and c.satisfaction == "dissatisfied"
    r = post(client, c, "close", unreasonable="on", note="诉求人要求物业赔偿，超出服务合同范围")
    c.refresh_from_db()
    assert c.status == Status.CLOSED and c.unreasonable
    assert Task.objects.filter(complaint=c, excluded=True).count() == 1
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, object_id=str(c.pk),
                                   detail__contains="不合理诉求").exists()
    html = client.get(detail(c)).content.decode()
    assert "不合理诉求（不计入考核）" in html and "该诉求已结束" in html


def test_callback_form_requires_both_answers(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    act(u["city"], c, "dispatch")
    act(u["staff_a"], c, "sign")
    act(u["staff_a"], c, "contact")
    act(u["staff_a"], c, "reply", note="已处理")
    act(u["district"], c, "approve_reply")
    login(u["district"])
    r = post(client, c, "callback", resolved="true", htmx=True)
    assert "请选择满意度：满意、基本满意或不满意" in r.content.decode()
    c.refresh_from_db()
    assert c.status == Status.REPLIED


def test_extension_requested_and_approved(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    act(u["city"], c, "dispatch")
    act(u["staff_a"], c, "sign")
    c.refresh_from_db()
    due_before = c.resolve_due
    login(u["staff_a"])
    post(client, c, "request_extension", amount="3", unit="working_days", note="等待配件")
    req = Request.objects.get(complaint=c, kind="extension")
    assert (req.amount, req.unit, req.reason) == (3, "working_days", "等待配件")
    login(u["district"])
    post(client, c, "decide_extension", approve="true", note="同意")
    c.refresh_from_db()
    req.refresh_from_db()
    assert req.state == Request.State.APPROVED and c.resolve_due > due_before and c.extension_count == 1
    assert Event.objects.filter(complaint=c, action="decide_extension", public=True).exists()


def test_return_rejected_is_final(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    act(u["city"], c, "dispatch")
    act(u["staff_a"], c, "sign")
    act(u["staff_a"], c, "request_return", note="非物业职责", legal_basis="《民法典》第二百七十六条")
    login(u["district"])
    r = post(client, c, "decide_return", approve="false", htmx=True)
    assert "驳回退单须说明理由" in r.content.decode()
    post(client, c, "decide_return", approve="false", note="属于物业服务范围，须办理")
    c.refresh_from_db()
    assert c.status == Status.SIGNED and c.return_final
    assert Request.objects.get(complaint=c).state == Request.State.REJECTED


def test_return_approved_and_redispatched(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    act(u["city"], c, "dispatch")
    act(u["staff_a"], c, "sign")
    act(u["staff_a"], c, "request_return", note="违建归城管", legal_basis="职责分工")
    login(u["district"])
    post(client, c, "decide_return", approve="true", unit=f"department:{u['urban'].department_id}", note="改派城管")
    c.refresh_from_db()
    assert c.status == Status.DISPATCHED and (c.unit_kind, c.unit_id) == (UnitKind.DEPARTMENT, u["urban"].department_id)
    assert c.return_count == 1


def test_supervision_by_hand_by_the_street(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    act(u["city"], c, "dispatch")
    login(u["street"])
    form = client.get(act_url(c), {"action": "supervise"}, HTTP_HX_REQUEST="true").context["form"]
    assert [v for v, _l in form.fields["level"].choices] == ["1", "2", "3", "4"]
    post(client, c, "supervise", level="2", note="请今日内联系诉求人")
    c.refresh_from_db()
    assert c.supervision_level == SupervisionLevel.SUPERVISE
    assert Task.objects.get(complaint=c).urgency == 2
    ev = Event.objects.get(complaint=c, action="supervise")
    assert ev.data == {"level": 2, "manual": True} and ev.actor == u["street"]
    r = post(client, c, "supervise", level="1", htmx=True)
    assert "请选择督办等级" in r.content.decode()  # only upwards: 催办 is no longer offered
    html = client.get(detail(c)).content.decode()
    assert "督办" in html and "请今日内联系诉求人" in html


def test_joint_enforcement_called_by_the_street(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    act(u["city"], c, "dispatch")
    act(u["staff_a"], c, "sign")
    login(u["street"])
    form = client.get(act_url(c), {"action": "call_departments"}, HTTP_HX_REQUEST="true").context["form"]
    assert str(u["urban"].department_id) in [v for v, _l in form.fields["departments"].choices]
    post(client, c, "call_departments", departments=[u["urban"].department_id, u["fire"].department_id],
         amount="2", unit="working_days", note="占用消防通道的违建")
    joint = Task.objects.filter(complaint=c, role=Task.Role.JOINT)
    assert set(joint.values_list("unit_id", flat=True)) == {u["urban"].department_id, u["fire"].department_id}
    assert Event.objects.get(complaint=c, action="call_departments").data["departments"]


def test_duplicate_links_the_original(cworld, login, client):
    u = cworld.users
    first = file(cworld)
    second = file(cworld)
    login(u["city"])
    r = post(client, second, "duplicate", of="NOPE")
    assert "请填写重复的原诉求（查询码或编号）" in r.content.decode()
    post(client, second, "duplicate", of=first.tracking_code.lower())
    second.refresh_from_db()
    assert second.status == Status.DUPLICATE and second.duplicate_of_id == first.pk
    assert second.tracking_code in client.get(detail(first)).content.decode()


def test_wrong_user_cannot_act(cworld, login, client):
    u = cworld.users
    c = file(cworld)
    act(u["city"], c, "dispatch")
    login(u["manager_b"])
    before = denied()
    assert post(client, c, "sign").status_code == 404
    assert denied() == before + 1
    login(u["street"])  # sees it, but may not sign for the company
    r = post(client, c, "sign", htmx=True)
    assert "您无权对该诉求执行“签收”" in r.content.decode()
    c.refresh_from_db()
    assert c.status == Status.DISPATCHED


# ---- the reveal -------------------------------------------------------------------------------------


def reveal(client, c, htmx=True):
    return client.post(f"/complaints/{c.pk}/reveal/", HTTP_HX_REQUEST="true" if htmx else "")


def test_reveal_shows_the_full_phone_and_is_audited(cworld, login, client):
    c = file(cworld)
    login(cworld.users["district"])
    r = reveal(client, c)
    assert r.status_code == 200
    html = r.content.decode()
    assert "13812345678" in html and "王秀英" in html
    log = AuditLog.objects.get(action=AuditAction.REVEAL, object_id=str(c.pk))
    assert log.actor_username == "p_district" and log.changes == {"fields": ["reporter_name", "reporter_phone"]}
    r = reveal(client, c, htmx=False)
    assert r.status_code == 200 and "本次查看已记入审计日志" in r.content.decode()
    assert AuditLog.objects.filter(action=AuditAction.REVEAL, object_id=str(c.pk)).count() == 2


def test_reveal_wrong_method_and_refusals(cworld, login, client):
    u = cworld.users
    c = file(cworld, anonymous=True)
    act(u["city"], c, "dispatch")
    login(u["district"])
    assert client.get(f"/complaints/{c.pk}/reveal/").status_code == 405
    login(u["staff_a"])  # company staff may not reveal personal data
    assert reveal(client, c).status_code == 403
    login(u["manager_a"])  # may reveal in general, but the resident is anonymous to the company
    before = denied("隐藏姓名")
    assert reveal(client, c).status_code == 403
    assert denied("隐藏姓名") == before + 1
    login(u["manager_b"])
    assert reveal(client, c).status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()


def test_company_manager_never_reveals_the_resident(cworld, login, client):
    """issue 14 §6: the public form promises companies see only part of the phone, anonymous or not."""
    c = file(cworld)
    act(cworld.users["city"], c, "dispatch")
    login(cworld.users["manager_a"])
    assert "显示完整号码" not in client.get(detail(c)).content.decode()
    r = reveal(client, c)
    assert r.status_code == 403 and "13812345678" not in r.content.decode()
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()
    assert AuditLog.objects.filter(action=AuditAction.DENIED, actor_username="p_manager_a",
                                   detail__contains="请求回拨").count() == 1


@pytest.mark.parametrize("persona", ["department", "street"])
def test_detail_for_other_units(cworld, login, client, persona):
    c = file(cworld)
    login(cworld.users[persona])
    status = client.get(detail(c)).status_code
    assert status == (200 if persona == "street" else 404)


def test_form_of_an_action_not_allowed_now_says_so(cworld, login, client):
    c = file(cworld)
    login(cworld.users["city"])
    r = client.get(act_url(c), {"action": "close"}, HTTP_HX_REQUEST="true")
    assert "当前状态（待受理）下您不能执行“办结”" in r.content.decode()
