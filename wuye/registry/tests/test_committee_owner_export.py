"""The owners' committee's owner-list export is limited to its duties (issue 13 §14).

GB/T 22239-2019 8.1.4.11 个人信息保护 a)/b) and ASVS 4.0 V8.3.1 / V8.3.5: the committee states a
purpose before the list leaves the platform; the file has names, masked phones and homes, no ID
numbers; the export and its purpose are audited.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from wuye.core.models import AuditAction, AuditLog


def _sheet(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return [list(r) for r in load_workbook(BytesIO(content), read_only=True).active.iter_rows(values_only=True)]


def test_the_committee_states_a_purpose_and_gets_names_masked_phones_and_homes_only(world, login):
    client = login(world.users["committee"])
    before = AuditLog.objects.filter(action=AuditAction.EXPORT).count()
    ask = client.get("/registry/owners/", {"export": "xlsx"})
    assert ask.status_code == 200 and "导出用途" in ask.content.decode()
    assert AuditLog.objects.filter(action=AuditAction.EXPORT).count() == before  # nothing left yet
    assert client.get("/registry/owners/", {"export": "xlsx", "purpose": "anything"}).status_code == 200  # asked again
    response = client.get("/registry/owners/", {"export": "xlsx", "purpose": "vote"})
    rows = _sheet(response)
    assert len(rows[0]) == 4 and not any("证件" in str(c) for c in rows[0])
    flat = " ".join(str(c) for r in rows for c in r)
    assert world.owner_a.name in flat and "13812345678" not in flat and "138****5678" in flat
    assert "0519491231" not in flat  # no part of the ID number beyond nothing at all
    row = AuditLog.objects.filter(action=AuditAction.EXPORT).first()
    assert row.actor_id == world.users["committee"].pk and "用途：组织业主共同决定事项的表决" in row.detail


def test_officials_export_keeps_its_columns(world, login):
    response = login(world.users["district"]).get("/registry/owners/", {"export": "xlsx"})
    rows = _sheet(response)
    assert len(rows[0]) == 5
