"""The auditor's audit page: only the auditor sees it; filters, pagination, detail with before →
after, Excel export that is itself audited, and the chain's integrity status."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wuye.accounts import services as account_services
from wuye.core.audit import audit_record
from wuye.core.db import audit_triggers_disabled
from wuye.core.models import AuditAction, AuditLog
from wuye.registry import services as rs

LIST = reverse("core:audit_list")


@pytest.fixture
def auditor(client, login, world):
    login(world.users["auditor"])
    return client


def rows_in(response):
    return [item["row"] for item in response.context["rows"]]


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "city", "district", "manager_a", "resident", "outsider"])
@pytest.mark.parametrize("name", ["core:audit_list", "core:audit_detail", "core:audit_export"])
def test_only_the_auditor_sees_it_everyone_else_404_and_audited(client, login, world, who, name):
    some_row = AuditLog.objects.order_by("seq").first()
    login(world.users[who])
    url = reverse(name, args=[some_row.pk]) if name == "core:audit_detail" else reverse(name)
    before = AuditLog.objects.count()
    response = client.get(url)
    assert response.status_code == 404
    new = AuditLog.objects.filter(seq__gt=before)
    assert [(r.action, r.actor_username, r.object_type) for r in new] == [
        (AuditAction.DENIED, world.users[who].username, "core.auditlog")]
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_verify_button_is_auditor_only(client, login, world):
    login(world.users["sysadmin"])
    assert client.post(reverse("core:audit_verify")).status_code == 404


def test_auditor_sees_the_list(auditor, world):
    response = auditor.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "审计日志" in body and "链完整性" in body and "链尾一致" in body
    assert rows_in(response)[0].seq > rows_in(response)[-1].seq  # newest first
    # The auditor sees nothing else.
    assert auditor.get(reverse("accounts:user_list")).status_code == 404


def test_wrong_method(auditor):
    assert auditor.post(LIST).status_code == 405
    assert auditor.get(reverse("core:audit_verify")).status_code == 405


def test_filter_by_action_user_object_and_id(auditor, world):
    rs.estate_update(actor=world.users["district"], estate=world.estate_a, floor_area=Decimal("60000.00"))
    response = auditor.get(LIST, {"action": "update", "user": "p_district"})
    rows = rows_in(response)
    assert len(rows) == 1 and rows[0].object_id == str(world.estate_a.pk)
    response = auditor.get(LIST, {"object_type": "registry.estate", "object_id": world.estate_b.pk})
    assert {r.object_id for r in rows_in(response)} == {str(world.estate_b.pk)}
    assert all(r.object_type == "registry.estate" for r in rows_in(response))
    assert rows_in(auditor.get(LIST, {"user": "nobody-at-all"})) == []
    assert "没有符合条件的审计记录" in auditor.get(LIST, {"user": "nobody-at-all"}).content.decode()


def test_filter_by_date_range(auditor, world):
    today = timezone.localdate()
    response = auditor.get(LIST, {"date_from": today.isoformat(), "date_to": today.isoformat()})
    assert len(rows_in(response)) > 0
    tomorrow = today + timedelta(days=1)
    assert rows_in(auditor.get(LIST, {"date_from": tomorrow.isoformat()})) == []
    yesterday = today - timedelta(days=1)
    assert rows_in(auditor.get(LIST, {"date_to": yesterday.isoformat()})) == []


def test_filter_by_ip_and_bad_ip_message(auditor, world):
    audit_record(action=AuditAction.LOGIN_FAILED, username="guess", ip="203.0.113.7")
    rows = rows_in(auditor.get(LIST, {"ip": "203.0.113.7"}))
    assert [r.actor_username for r in rows] == ["guess"]
    response = auditor.get(LIST, {"ip": "not-an-ip"})
    assert response.status_code == 200
    assert "请输入有效的 IP 地址" in response.content.decode()
    assert 'value="not-an-ip"' in response.content.decode()  # what was typed is kept


def test_pagination(auditor, world):
    for i in range(45):
        audit_record(action=AuditAction.LOGIN_FAILED, username=f"bulk{i}")
    first = auditor.get(LIST, {"action": "login_failed"})
    assert len(rows_in(first)) == 20
    assert "共 45 条" in first.content.decode()
    third = auditor.get(LIST, {"action": "login_failed", "page": 3})
    assert len(rows_in(third)) == 5
    assert 'action=login_failed&amp;page=2' in third.content.decode()


def test_list_queries_do_not_grow_with_the_data(auditor, world, django_assert_max_num_queries):
    auditor.get(LIST)
    with django_assert_max_num_queries(10) as few:
        auditor.get(LIST)
    for i in range(60):
        audit_record(action=AuditAction.UPDATE, username=f"u{i}", object_type="registry.estate", object_id=i)
    with django_assert_max_num_queries(len(few.captured_queries)):
        auditor.get(LIST)


def test_detail_shows_changed_fields_before_and_after_masked(auditor, world):
    rs.owner_update(actor=world.users["city"], owner=world.owner_a, phone="13900001111")
    row = AuditLog.objects.filter(action=AuditAction.UPDATE, object_type="registry.owner").first()
    response = auditor.get(reverse("core:audit_detail", args=[row.pk]))
    assert response.status_code == 200
    change = response.context["changes"][0]
    assert (change.name, change.before, change.after) == ("phone", "138****5678", "139****1111")
    assert change.label == "手机号码"
    body = response.content.decode()
    assert "138****5678" in body and "139****1111" in body and "13900001111" not in body
    assert "内容与哈希一致" in body and "与前一条记录链接一致" in body


def test_detail_of_a_tampered_row_says_so(auditor, world):
    row = AuditLog.objects.order_by("seq").first()
    with audit_triggers_disabled():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditlog SET detail = %s WHERE id = %s", ["改", row.pk])
    body = auditor.get(reverse("core:audit_detail", args=[row.pk])).content.decode()
    assert "内容与哈希不符" in body


def test_excel_export_is_itself_audited(auditor, world):
    rs.owner_update(actor=world.users["city"], owner=world.owner_a, phone="13900001111")
    response = auditor.get(reverse("core:audit_export"), {"object_type": "registry.owner"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["序号", "时间", "账号"]
    data = list(sheet.iter_rows(min_row=2, values_only=True))
    assert data and all(r[6] == "业主" for r in data)
    text = " ".join(str(v) for r in data for v in r)
    assert "139****1111" in text and "13900001111" not in text
    export = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert export.actor_username == "p_auditor"
    assert f"导出审计日志 {len(data)} 条" in export.detail and "registry.owner" in export.detail


def test_full_chain_check_on_demand(auditor, world):
    response = auditor.post(reverse("core:audit_verify"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "校验通过" in response.content.decode()
    middle = AuditLog.objects.order_by("seq")[3]
    with audit_triggers_disabled():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [middle.pk])
    body = auditor.post(reverse("core:audit_verify")).content.decode()
    assert "发现" in body and f"缺少序号 {middle.seq}" in body


def test_chain_tail_status_shows_a_deleted_newest_row(auditor, world):
    newest = AuditLog.objects.order_by("-seq").first()
    with audit_triggers_disabled():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [newest.pk])
    response = auditor.get(LIST)
    assert response.context["tail"]["ok"] is False
    assert "链尾不一致" in response.content.decode()


def test_detail_shows_choice_labels_and_related_names(auditor, world):
    target, _ = account_services.account_create(actor=world.users["sysadmin"], username="li.hua", full_name="李华")
    account_services.account_assign_role(actor=world.users["secadmin"], user=target, role="street", street=world.s1)
    row = AuditLog.objects.filter(action=AuditAction.ACCOUNT).first()
    changes = {c.name: c for c in auditor.get(reverse("core:audit_detail", args=[row.pk])).context["changes"]}
    assert (changes["role"].before, changes["role"].after) == ("未分配角色", "街道办事处/乡镇")
    assert changes["street"].after == f"东华门街道（#{world.s1.pk}）"
