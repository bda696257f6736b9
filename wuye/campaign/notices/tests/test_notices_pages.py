"""Notice pages: compose by territory and kind, the inbox (a GET never writes; reading is a POST
from the page), acknowledgement, feedback, the live receipts table, bulk reminder and the Excel
export; wrong users get 404 or 403."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from wuye.campaign.notices import services as svc
from wuye.campaign.notices.models import Notice, Receipt, ReceiptEvent
from wuye.cases.units import get_unit
from wuye.core.calendar import local_text
from wuye.core.models import AuditLog
from wuye.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _local(dt):
    return local_text(dt, "%Y-%m-%dT%H:%M")


@pytest.fixture
def notice(world):
    return svc.create_notice(by=world.users["district"], title="防汛值守通知", body="请安排值守",
                             ack_due=timezone.now() + timedelta(days=2), feedback_kind="figure",
                             feedback_due=timezone.now() + timedelta(days=3), feedback_label="值守人数",
                             recipients=[get_unit("company", world.company_a.pk), get_unit("street", world.s1.pk)])


def test_compose_by_territory_and_kind(world, login):
    client = login(world.users["district"])
    assert client.get("/notices/new/").status_code == 200
    due = timezone.now() + timedelta(days=1)
    r = client.post("/notices/new/", {"title": "消防检查", "body": "请排查", "ack_due": _local(due), "supervision": "on",
                                      "by_kind": "company", "by_district": "", "units": [f"street:{world.s1.pk}"]})
    assert r.status_code == 302, r.content.decode()[:2000]
    n = Notice.objects.get(title="消防检查")
    keys = set(Receipt.objects.filter(notice=n).values_list("unit_kind", "unit_id"))
    assert keys == {("company", world.company_a.pk), ("street", world.s1.pk)}  # company B serves no estate here
    # nothing chosen: the form says so in Chinese and keeps what was typed
    r = client.post("/notices/new/", {"title": "保留的标题", "body": "b", "ack_due": _local(due)})
    assert r.status_code == 200 and "请至少选择一个接收单位" in r.content.decode() and "保留的标题" in r.content.decode()
    assert login(world.users["manager_a"]).get("/notices/new/").status_code == 403


def test_inbox_read_ack_feedback(world, login, notice):
    client = login(world.users["manager_a"])
    assert "防汛值守通知" in client.get("/notices/inbox/").content.decode()
    receipt = Receipt.objects.get(notice=notice, unit_kind="company")
    page = client.get(f"/notices/inbox/{notice.pk}/")
    assert page.status_code == 200 and 'hx-trigger="load"' in page.content.decode()
    receipt.refresh_from_db()
    assert receipt.status == "pending" and receipt.read_at is None  # GET never writes
    assert client.get(f"/notices/inbox/{notice.pk}/read/").status_code == 405
    assert client.post(f"/notices/inbox/{notice.pk}/read/").status_code == 200
    receipt.refresh_from_db()
    assert receipt.status == "read" and receipt.read_by == world.users["manager_a"]
    # feedback before acknowledging is refused
    client.post(f"/notices/inbox/{notice.pk}/feedback/", {"text": "x", "figure": "3"})
    receipt.refresh_from_db()
    assert receipt.fed_back_at is None
    client.post(f"/notices/inbox/{notice.pk}/ack/", {})
    client.post(f"/notices/inbox/{notice.pk}/feedback/", {"text": "已安排值守", "figure": "6"})
    receipt.refresh_from_db()
    assert receipt.status == "acknowledged" and str(receipt.feedback_figure) == "6.00"
    assert list(ReceiptEvent.objects.filter(receipt=receipt).values_list("action", flat=True)) == ["read", "acknowledge", "feedback"]
    # another company's user, and the sender, are not recipients
    assert login(world.users["manager_b"]).get(f"/notices/inbox/{notice.pk}/").status_code == 404
    assert login(world.users["district"]).post(f"/notices/inbox/{notice.pk}/ack/").status_code == 404


def test_sender_sees_receipts_reminds_and_exports(world, login, notice):
    svc.notice_acknowledge(user=world.users["street"], receipt=Receipt.objects.get(notice=notice, unit_kind="street"))
    client = login(world.users["district"])
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "已签收 1 / 2" in page
    panel = client.get(f"/notices/{notice.pk}/receipts/?status=acknowledged").content.decode()
    assert world.s1.name in panel and world.company_a.name not in panel
    before = Notification.objects.filter(user=world.users["manager_a"]).count()
    assert client.get(f"/notices/{notice.pk}/remind/").status_code == 405
    assert client.post(f"/notices/{notice.pk}/remind/").status_code == 302
    rec = Receipt.objects.get(notice=notice, unit_kind="company")
    assert rec.remind_count == 1
    # the street acknowledged but still owes the feedback: it is reminded too
    assert Receipt.objects.get(notice=notice, unit_kind="street").remind_count == 1
    assert Notification.objects.filter(user=world.users["manager_a"]).count() == before + 1
    x = client.get(f"/notices/{notice.pk}/?export=xlsx")
    assert x.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(x.streaming_content))).active
    names = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert set(names) >= {world.company_a.name, world.s1.name}
    assert AuditLog.objects.filter(action="export", object_type="notices.receipt").exists()
    for who in ("district2", "street", "manager_a"):
        assert login(world.users[who]).get(f"/notices/{notice.pk}/").status_code in (403, 404), who
    assert login(world.users["city"]).get("/notices/").status_code == 200


def test_receipts_panel_queries_do_not_grow(world, login, notice, django_assert_max_num_queries):
    client = login(world.users["district"])
    client.get(f"/notices/{notice.pk}/receipts/")
    with django_assert_max_num_queries(20):
        client.get(f"/notices/{notice.pk}/receipts/")
