"""Correction requests (更正申请, 个人信息保护法第四十六条; issue 18 §12): a resident submits what is
wrong and what it should be; the city bureau corrects it or refuses with a reason; each step is an
event and an audit row, and the resident is notified and sees the outcome. Nobody else sees them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuye.conftest import make_user
from wuye.core.errors import ConflictError
from wuye.core.models import AuditAction, AuditLog
from wuye.notifications.models import Notification, OutboxMessage
from wuye.privacy import services
from wuye.privacy.models import CorrectionEvent, CorrectionRequest

pytestmark = pytest.mark.django_db

NEW = "/privacy/corrections/new/"
LIST = "/privacy/corrections/"
S = CorrectionRequest.Status


def detail(req) -> str:
    return f"/privacy/corrections/{req.pk}/"


def handle(req) -> str:
    return f"/privacy/corrections/{req.pk}/handle/"


def submit(user, **over) -> CorrectionRequest:
    data = {"field": "phone", "current_value": "诉求 TS260302 的联系电话 13812345678", "wanted_value": "13812340000"}
    data.update(over)
    return services.correction_submit(user=user, **data)


def test_a_resident_submits_a_request(world, login):
    resident = world.users["resident"]
    client = login(resident)
    assert client.get(NEW).status_code == 200
    r = client.post(NEW, {"field": "name", "current_value": "王秀瑛", "wanted_value": "王秀英"})
    req = CorrectionRequest.objects.get()
    assert r.status_code == 302 and r["Location"] == detail(req)
    assert (req.requester, req.field, req.status, req.wanted_value) == (resident, "name", S.SUBMITTED, "王秀英")
    assert list(CorrectionEvent.objects.values_list("action", "to_status")) == [("submit", "submitted")]
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="privacy.correctionrequest",
                                   object_id=str(req.pk), actor=resident).count() == 1
    told = Notification.objects.get(user=world.users["city"])
    assert "更正申请" in told.subject and told.url == detail(req)


@pytest.mark.parametrize(("data", "message"), [
    ({"field": "", "current_value": "a", "wanted_value": "b"}, "请选择需要更正的信息"),
    ({"field": "name", "current_value": "", "wanted_value": "b"}, "请填写现有内容"),
    ({"field": "name", "current_value": "王秀英", "wanted_value": "王秀英"}, "应更正的内容与现有内容相同"),
])
def test_bad_input_gets_a_chinese_message_and_keeps_what_was_typed(world, login, data, message):
    r = login(world.users["resident"]).post(NEW, data)
    assert r.status_code == 200
    page = r.content.decode()
    assert message in page and (data["wanted_value"] in page)
    assert not CorrectionRequest.objects.exists()


@pytest.mark.parametrize("who", ["city", "committee", "manager_a", "sysadmin", "outsider"])
def test_only_residents_submit(world, login, who):
    assert login(world.users[who]).post(NEW, {"field": "name", "current_value": "a", "wanted_value": "b"}).status_code == 403
    assert not CorrectionRequest.objects.exists()


def test_the_city_refuses_only_with_a_reason(world, login):
    resident = world.users["resident"]
    resident.phone = "13812345678"
    resident.save(update_fields=["phone"])
    req = submit(resident)
    city = login(world.users["city"])
    r = city.post(handle(req), {"action": "refuse", "note": "  "})
    assert r.status_code == 400 and "请填写“不予更正”的理由" in r.content.decode()
    req.refresh_from_db()
    assert req.status == S.SUBMITTED and req.version == 0

    r = city.post(handle(req), {"action": "refuse", "note": "经核实，登记的号码与您提交诉求时填写的一致"})
    assert r.status_code == 302
    req.refresh_from_db()
    assert (req.status, req.handled_by, req.reply) == (S.REFUSED, world.users["city"], "经核实，登记的号码与您提交诉求时填写的一致")
    assert req.handled_at is not None
    ev = CorrectionEvent.objects.get(request=req, action="refuse")
    assert (ev.from_status, ev.to_status, ev.actor) == ("submitted", "refused", world.users["city"])
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, object_type="privacy.correctionrequest",
                                   object_id=str(req.pk), actor=world.users["city"]).count() == 1
    note = Notification.objects.get(user=resident)
    assert "不予更正" in note.body and "经核实" in note.body
    assert OutboxMessage.objects.filter(channel="sms", recipient="13812345678").exists()
    # The resident sees the outcome, on the request and on their page.
    client = login(resident)
    page = client.get(detail(req)).content.decode()
    assert "不予更正" in page and "经核实" in page and 'data-testid="actions"' not in page
    assert "经核实" in client.get("/privacy/mine/").content.decode()


def test_the_city_corrects_and_a_second_decision_is_refused(world, login):
    req = submit(world.users["resident"])
    city = login(world.users["city"])
    assert 'data-testid="actions"' in city.get(detail(req)).content.decode()
    assert city.post(handle(req), {"action": "correct", "note": "已将诉求联系电话更正"}).status_code == 302
    req.refresh_from_db()
    assert req.status == S.CORRECTED
    assert "已更正" in Notification.objects.get(user=world.users["resident"]).body
    r = city.post(handle(req), {"action": "refuse", "note": "重复处理"})
    assert r.status_code == 400 and "当前为“已更正”，不能执行“不予更正”" in r.content.decode()
    req.refresh_from_db()
    assert req.status == S.CORRECTED


def test_others_cannot_see_or_handle(world, login):
    req = submit(world.users["resident"])
    other = make_user("p_resident_b", "resident", owner=world.owner_b)
    assert login(other).get(detail(req)).status_code == 404
    assert login(other).post(handle(req), {"action": "correct"}).status_code == 404
    assert login(world.users["resident"]).post(handle(req), {"action": "correct"}).status_code == 403
    for who in ("sysadmin", "district", "manager_a", "auditor"):
        client = login(world.users[who])
        assert client.get(detail(req)).status_code == 403
        assert client.get(LIST).status_code == 403
        assert client.post(handle(req), {"action": "correct"}).status_code == 403
    req.refresh_from_db()
    assert req.status == S.SUBMITTED
    assert client.get(handle(req)).status_code == 405


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lists_filter_paginate_count_the_inbox_and_keep_their_queries(world, login):
    resident = world.users["resident"]
    other = make_user("p_resident_b", "resident", owner=world.owner_b)
    first = submit(resident, field="name", current_value="王秀瑛", wanted_value="王秀英")
    submit(other)
    city = login(world.users["city"])
    services.correction_handle(user=world.users["city"], request=first, action="correct", note="已更正")
    page = city.get(LIST).content.decode()
    assert 'data-testid="inbox-count"' in page and "待处理 1" in page
    assert city.get(LIST, {"status": "corrected"}).context["page"].paginator.count == 1
    assert city.get(LIST, {"field": "phone"}).context["page"].paginator.count == 1
    assert city.get(LIST, {"status": "nonsense"}).context["page"].paginator.count == 2
    # The resident's list holds their own only.
    mine = login(resident).get(LIST)
    assert [r.pk for r in mine.context["page"].object_list] == [first.pk]
    city = login(world.users["city"])  # the same test client, back to the city bureau
    before = _queries(city, LIST)
    for i in range(25):
        submit(other, current_value=f"第 {i} 条", wanted_value="正确")
    assert _queries(city, LIST) == before
    second = city.get(LIST, {"page": 2})
    assert len(second.context["page"].object_list) == 7
    assert "待处理 26" in city.get(LIST).content.decode()


def test_two_handlers_at_once_one_wins(world):
    req = submit(world.users["resident"])
    second_officer = make_user("p_city2", "city")
    stale = CorrectionRequest.objects.get(pk=req.pk)
    services.correction_handle(user=world.users["city"], request=req, action="correct", note="已更正")
    with pytest.raises(ConflictError, match="该更正申请已被他人处理"):
        services.correction_handle(user=second_officer, request=stale, action="refuse", note="理由")
    req.refresh_from_db()
    assert (req.status, req.handled_by) == (S.CORRECTED, world.users["city"])
    assert CorrectionEvent.objects.filter(request=req).count() == 2  # submit, correct
