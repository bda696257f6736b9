"""Notices API (issue 16 §12): create, acknowledge, receipts counts, permissions, bad input, and
the credit event for a company that lets a supervision notice's ack deadline pass."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from wuye.campaign.notices import services as svc
from wuye.campaign.notices.models import Notice, Receipt, ReceiptEvent
from wuye.cases.units import get_unit
from wuye.conftest import CREDIT_CODES
from wuye.core.models import AuditLog
from wuye.credit.catalogue import seed
from wuye.credit.models import CreditEvent
from wuye.notifications.models import Notification, OutboxMessage
from wuye.registry import services as rs
from wuye.territory.models import Department

pytestmark = pytest.mark.django_db

URL = "/api/v1/notices/"


def _due(hours=48):
    return (timezone.now() + timedelta(hours=hours)).isoformat()


def _third_company(world):
    return rs.company_create(actor=world.users["city"], name="鑫诚物业有限公司", credit_code=CREDIT_CODES[2],
                             legal_representative="周敏", address="东城区", service_phone="01065550003")


@pytest.fixture
def three(world):
    return [world.company_a, world.company_b, _third_company(world)]


def _post(client, data):
    return client.post(URL, data, content_type="application/json")


def test_city_sends_a_notice_to_three_companies_and_receipts_show_one_of_three(world, login, three):
    client = login(world.users["city"])
    r = _post(client, {"title": "关于开展消防安全检查的通知", "body": "请于本周完成消防通道排查。",
                       "recipients": [{"kind": "company", "id": c.pk} for c in three], "ack_due": _due()})
    assert r.status_code == 201, r.content
    nid = r.json()["id"]
    notice = Notice.objects.get(pk=nid)
    assert notice.recipient_count == 3 and notice.supervision
    assert Receipt.objects.filter(notice=notice, status="pending").count() == 3
    assert AuditLog.objects.filter(object_type="notices.notice", object_id=str(nid), action="create").exists()
    # the recipients' users hear about it in the inbox and by SMS
    assert Notification.objects.filter(user=world.users["manager_a"], category="notice").count() == 1
    assert OutboxMessage.objects.filter(channel="sms", category="notice").exists() or not world.users["manager_a"].phone

    ack = login(world.users["manager_a"]).post(f"{URL}{nid}/ack/", {"feedback": "已部署排查"},
                                               content_type="application/json")
    assert ack.status_code == 200, ack.content
    body = ack.json()
    assert body["status"] == "acknowledged" and body["acknowledged_at"]
    first_at = body["acknowledged_at"]
    # repeating it changes nothing
    again = login(world.users["city"]).post(f"{URL}{nid}/ack/", {"feedback": "x"}, content_type="application/json")
    assert again.status_code == 404  # the city bureau is no recipient
    again = login(world.users["staff_a"]).post(f"{URL}{nid}/ack/", {"feedback": "另一条"},
                                               content_type="application/json")
    assert again.status_code == 200 and again.json()["acknowledged_at"] == first_at
    rec = Receipt.objects.get(notice=notice, unit_kind="company", unit_id=world.company_a.pk)
    assert rec.feedback_text == "已部署排查" and rec.acknowledged_by == world.users["manager_a"]
    assert ReceiptEvent.objects.filter(receipt=rec, action="acknowledge").count() == 1

    rc = login(world.users["city"]).get(f"{URL}{nid}/receipts/")
    assert rc.status_code == 200
    data = rc.json()
    assert (data["total"], data["acknowledged"], data["pending"], data["overdue"]) == (3, 1, 2, 0)
    statuses = {e["unit"]["id"]: e["status"] for e in data["entries"]}
    assert statuses[world.company_a.pk] == "acknowledged"
    assert sorted(statuses.values()) == ["acknowledged", "pending", "pending"]
    entry = next(e for e in data["entries"] if e["unit"]["id"] == world.company_a.pk)
    assert entry["acknowledged_at"] == first_at


def test_non_recipients_and_other_senders_get_404(world, login, three):
    notice = svc.create_notice(by=world.users["city"], title="通知", body="正文", ack_due=timezone.now() + timedelta(days=1),
                               recipients=[get_unit("company", world.company_a.pk)])
    for who in ("manager_b", "district", "street", "resident", "outsider"):
        r = login(world.users[who]).post(f"{URL}{notice.pk}/ack/", {}, content_type="application/json")
        assert r.status_code == 404, who
    for who in ("manager_a", "district", "district2", "street"):
        assert login(world.users[who]).get(f"{URL}{notice.pk}/receipts/").status_code == 404, who
    assert Receipt.objects.get(notice=notice).status == "pending"


def test_no_recipients_is_a_chinese_400_and_nothing_is_written(world, login):
    client = login(world.users["city"])
    r = _post(client, {"title": "通知", "body": "正文", "recipients": [], "ack_due": _due()})
    assert r.status_code == 400
    assert "接收单位" in r.content.decode()
    r = _post(client, {"title": "通知", "body": "正文", "recipients": [{"kind": "company", "id": 999999}],
                       "ack_due": _due()})
    assert r.status_code == 400 and "有效的单位" in r.content.decode()
    r = _post(client, {"title": "通知", "body": "正文", "recipients": [{"kind": "company", "id": world.company_a.pk}],
                       "ack_due": _due(-1)})
    assert r.status_code == 400 and "签收期限" in r.content.decode()
    assert not Notice.objects.exists()


def test_who_may_send_and_to_whom(world, login):
    r = _post(login(world.users["manager_a"]), {"title": "t", "body": "b", "ack_due": _due(),
                                                 "recipients": [{"kind": "company", "id": world.company_b.pk}]})
    assert r.status_code == 403
    district = login(world.users["district"])
    # company B serves no estate in 东城区: out of the district's reach
    r = _post(district, {"title": "t", "body": "b", "ack_due": _due(),
                         "recipients": [{"kind": "company", "id": world.company_b.pk}]})
    assert r.status_code == 400 and "管辖范围" in r.content.decode()
    dept = Department.objects.get(district=world.d1)
    r = _post(district, {"title": "t", "body": "b", "ack_due": _due(),
                         "recipients": [{"kind": "company", "id": world.company_a.pk}, {"kind": "street", "id": world.s1.pk},
                                        {"kind": "department", "id": dept.pk}]})
    assert r.status_code == 201, r.content
    nid = r.json()["id"]
    assert login(world.users["district"]).get(f"{URL}{nid}/receipts/").json()["total"] == 3
    assert login(world.users["city"]).get(f"{URL}{nid}/receipts/").status_code == 200  # the bureau sees all
    assert login(world.users["district2"]).get(f"{URL}{nid}/receipts/").status_code == 404
    # the department's user acknowledges
    assert login(world.users["department"]).post(f"{URL}{nid}/ack/", {}, content_type="application/json").status_code == 200


def test_schema_lists_the_notice_endpoints(world, login):
    text = login(world.users["city"]).get("/api/schema/").content.decode()
    for path in ("/api/v1/notices/", "/api/v1/notices/{id}/ack/", "/api/v1/notices/{id}/receipts/"):
        assert path in text


def test_missed_ack_of_a_supervision_notice_records_the_credit_event_once(world, login, three):
    seed()
    notice = svc.create_notice(by=world.users["city"], title="疫情防控值守通知", body="请安排24小时值守",
                               ack_due=timezone.now() + timedelta(hours=1),
                               recipients=[get_unit("company", c.pk) for c in three] + [get_unit("street", world.s1.pk)])
    svc.notice_acknowledge(user=world.users["manager_a"], receipt=Receipt.objects.get(notice=notice, unit_id=world.company_a.pk,
                                                                                      unit_kind="company"))
    assert svc.notice_overdue_check() == 0  # the deadline has not passed
    later = timezone.now() + timedelta(hours=2)
    data = login(world.users["city"]).get(f"{URL}{notice.pk}/receipts/").json()
    assert data["overdue"] == 0
    assert svc.notice_overdue_check(now=later) == 2  # companies B and C; not A (signed), not the street
    assert svc.notice_overdue_check(now=later) == 0  # idempotent
    events = CreditEvent.objects.filter(rule__code="WG02")
    assert sorted(events.values_list("company_id", flat=True)) == sorted([three[1].pk, three[2].pk])
    assert all(e.source_key.startswith(f"notice:{notice.pk}:company:") for e in events)
    # a notice that is no supervision notice leaves no credit event
    other = svc.create_notice(by=world.users["city"], title="工作提示", body="正文", supervision=False,
                              ack_due=timezone.now() + timedelta(hours=1), recipients=[get_unit("company", world.company_b.pk)])
    assert svc.notice_overdue_check(now=later) == 0
    assert not CreditEvent.objects.filter(source_key__startswith=f"notice:{other.pk}:").exists()


def test_overdue_counts_after_the_deadline(world, login, three, monkeypatch):
    notice = svc.create_notice(by=world.users["city"], title="通知", body="正文",
                               ack_due=timezone.now() + timedelta(minutes=5),
                               recipients=[get_unit("company", c.pk) for c in three])
    svc.notice_acknowledge(user=world.users["manager_b"], receipt=Receipt.objects.get(notice=notice, unit_id=three[1].pk))
    Notice.objects.filter(pk=notice.pk).update(ack_due=timezone.now() - timedelta(minutes=1))
    data = login(world.users["city"]).get(f"{URL}{notice.pk}/receipts/").json()
    assert (data["total"], data["acknowledged"], data["pending"], data["overdue"]) == (3, 1, 0, 2)
    assert sorted(e["status"] for e in data["entries"]) == ["acknowledged", "overdue", "overdue"]
