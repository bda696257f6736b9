"""Excel export of the registry lists: current filters respected, personal data masked, one
EXPORT audit row per export, a cap with a Chinese message, no formulas from user input."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from wuye.core.models import AuditAction, AuditLog
from wuye.registry import services as rs
from wuye.registry.pages import TYPES

from .view_support import fast_passwords  # noqa: F401


def sheet_rows(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(wb.active.iter_rows(values_only=True))


@pytest.mark.parametrize("slug", list(TYPES))
def test_every_list_exports_with_one_audit_row(world, client, login, slug):
    user = world.users["city"]
    login(user)
    r = client.get(reverse(f"registry:{slug}_list"), {"export": "xlsx"})
    assert r.status_code == 200
    assert "attachment" in r["Content-Disposition"] and ".xlsx" in r["Content-Disposition"]
    rows = sheet_rows(r)
    assert len(rows) == 1 + 2  # header + one record on each side of the world
    exports = AuditLog.objects.filter(action=AuditAction.EXPORT)
    assert exports.count() == 1
    row = exports.get()
    assert row.actor == user and row.object_type == TYPES[slug].model._meta.label_lower and "2 条" in row.detail


def test_owner_export_masks_phone_and_id_number(world, client, login):
    login(world.users["city"])
    rows = sheet_rows(client.get(reverse("registry:owner_list"), {"export": "xlsx", "q": "王"}))
    assert rows[0][:4] == ("姓名/名称", "类型", "手机号码（脱敏）", "证件号码（脱敏）")
    assert rows[1][:4] == ("王秀英", "自然人", "138****5678", "1101**********002X")
    assert "幸福里小区 3号楼 3-1-101" in rows[1][4]
    content = repr(rows)
    assert "13812345678" not in content and "11010519491231002X" not in content


def test_staff_export_masks_phone(world, client, login):
    login(world.users["manager_a"])
    rows = sheet_rows(client.get(reverse("registry:staff_list"), {"export": "xlsx"}))
    assert [r[0] for r in rows[1:]] == ["刘洋"]  # only the company's own staff
    assert rows[1][4] == "137****0001"


def test_export_respects_filters_and_records_them(world, client, login):
    login(world.users["city"])
    rows = sheet_rows(client.get(reverse("registry:estate_list"), {"export": "xlsx", "q": "xfl", "sort": "-name"}))
    assert [r[0] for r in rows[1:]] == ["幸福里小区"]
    row = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert "q=xfl" in row.detail and "1 条" in row.detail


def test_export_is_scoped_like_the_list(world, client, login):
    login(world.users["district2"])
    rows = sheet_rows(client.get(reverse("registry:unit_list"), {"export": "xlsx"}))
    assert [r[2] for r in rows[1:]] == ["1-2-1801"]


def test_export_over_the_cap_is_refused_with_a_chinese_message(world, client, login, settings):
    settings.WUYE_EXPORT_MAX_ROWS = 1
    login(world.users["city"])
    r = client.get(reverse("registry:estate_list"), {"export": "xlsx", "kind": "commercial"}, follow=True)
    assert r.redirect_chain[-1][0] == reverse("registry:estate_list") + "?kind=commercial"
    assert "超过 1 条" in r.content.decode() and "缩小范围" in r.content.decode()
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_text_that_looks_like_a_formula_stays_text(world, client, login):
    root = world.users["city"]
    rs.unit_owner_register(actor=root, unit=world.unit_a, name='=HYPERLINK("http://evil","点我")')
    login(root)
    r = client.get(reverse("registry:owner_list"), {"export": "xlsx"})
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    cells = [row[0] for row in wb.active.iter_rows(min_row=2)]
    evil = next(c for c in cells if str(c.value).startswith("="))
    assert evil.data_type == "s"


def test_export_is_get_only_and_needs_a_registry_role(world, client, login):
    login(world.users["auditor"])
    assert client.get(reverse("registry:owner_list"), {"export": "xlsx"}).status_code == 403
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_export_audit_detail_is_readable(world, client, login):
    login(world.users["city"])
    client.get(reverse("registry:owner_list"), {"export": "xlsx", "q": "王", "kind": ""})
    assert AuditLog.objects.get(action=AuditAction.EXPORT).detail == "导出业主 1 条；筛选：q=王"
