"""The audit chain: append-only in the ORM and in the database, and ``audit_verify`` finds an
edited row, a deleted middle row and a deleted newest row."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from wuye.core.audit import audit_record, audit_verify_chain, row_hash
from wuye.core.db import audit_triggers_disabled
from wuye.core.models import AuditAction, AuditChainHead, AuditLog


@pytest.fixture
def chain(db):
    for i in range(5):
        audit_record(action=AuditAction.UPDATE, username="tester", object_type="registry.estate", object_id=i,
                     changes={"name": [f"旧{i}", f"新{i}"]}, detail=f"第 {i + 1} 条")
    return list(AuditLog.objects.order_by("seq"))


def verify(capsys=None):
    """Run the command; returns (ok, output)."""

    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


def raw(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_intact_chain_passes(chain):
    ok, out = verify()
    assert ok
    assert "共 5 条" in out and "校验通过" in out
    assert audit_verify_chain() == []


def test_an_empty_chain_passes(db):
    ok, out = verify()
    assert ok and "共 0 条" in out


def test_a_row_edited_in_the_database_is_found(chain):
    with audit_triggers_disabled():
        raw("UPDATE core_auditlog SET detail = %s WHERE seq = %s", ["被改过", 3])
    ok, out = verify()
    assert not ok
    assert "序号 3：内容与哈希不符（已被修改）" in out
    assert "校验失败" in out
    assert [p.seq for p in audit_verify_chain()] == [3]


def test_a_row_edited_with_a_recomputed_hash_breaks_the_next_link(chain):
    row = AuditLog.objects.get(seq=3)
    row.actor_username = "冒名者"
    new_hash = row_hash(row.prev_hash, row)
    with audit_triggers_disabled():
        raw("UPDATE core_auditlog SET actor_username = %s, hash = %s WHERE seq = 3", ["冒名者", new_hash])
    ok, out = verify()
    assert not ok
    assert "序号 4：与前一条记录的链接不符" in out


def test_a_deleted_middle_row_is_found(chain):
    with audit_triggers_disabled():
        raw("DELETE FROM core_auditlog WHERE seq = 2")
    ok, out = verify()
    assert not ok
    assert "缺少序号 2–2 的记录（已被删除）" in out
    assert "序号 3：与前一条记录的链接不符" in out


def test_a_deleted_newest_row_is_found(chain):
    with audit_triggers_disabled():
        raw("DELETE FROM core_auditlog WHERE seq = 5")
    ok, out = verify()
    assert not ok
    assert "链尾与最后一条记录不符" in out


def test_a_deleted_first_row_is_found(chain):
    with audit_triggers_disabled():
        raw("DELETE FROM core_auditlog WHERE seq = 1")
    ok, out = verify()
    assert not ok and "缺少序号 1–1" in out


def test_the_orm_cannot_change_or_delete_audit_rows(chain):
    row = chain[0]
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).update(detail="x")
    with pytest.raises(PermissionError):
        AuditLog.objects.all().delete()
    with pytest.raises(PermissionError):
        row.delete()
    row.detail = "x"
    with pytest.raises(PermissionError):
        row.save()
    assert AuditLog.objects.get(pk=row.pk).detail == "第 1 条"
    assert audit_verify_chain() == []


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditlog SET detail = 'x' WHERE seq = 2",
        "DELETE FROM core_auditlog WHERE seq = 2",
        "DELETE FROM core_auditlog",
    ],
)
def test_raw_sql_is_refused_by_the_database(chain, sql):
    """Runs on SQLite by default and on PostgreSQL when DATABASE_URL points there (CI does both)."""
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():
            raw(sql)
    assert AuditLog.objects.count() == 5
    assert AuditLog.objects.get(seq=2).detail == "第 2 条"


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="TRUNCATE exists on PostgreSQL only")
def test_truncate_is_refused_on_postgresql(chain):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():
            raw("TRUNCATE core_auditlog")
    assert AuditLog.objects.count() == 5


def test_the_triggers_come_back_after_the_test_helper(chain):
    with audit_triggers_disabled():
        pass
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            raw("DELETE FROM core_auditlog")


def test_the_chain_head_follows_the_newest_row(chain):
    head = AuditChainHead.objects.get(id=1)
    assert (head.seq, head.hash) == (chain[-1].seq, chain[-1].hash)
