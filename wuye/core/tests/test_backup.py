"""Backups and their restore (issue 18 §10): back up, change data, restore into a fresh database;
the audit chain verifies, its head equals the manifest's and every count matches — on SQLite and
on PostgreSQL (the same test under each suite)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from wuye.core.audit import audit_record
from wuye.core.backup import BackupError, backup
from wuye.core.models import AuditAction, AuditChainHead, AuditLog
from wuye.registry.models import PropertyCompany

ROOT = Path(settings.BASE_DIR)


def _manage(*args, database_url: str, media: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "WUYE_MEDIA_ROOT": str(media), "DEBUG": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of a new, empty database of the suite's engine; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    db = connection.settings_dict
    name = f"wuye_restore_{uuid.uuid4().hex[:8]}"
    dsn = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"], "dbname": "postgres",
           **({"password": db["PASSWORD"]} if db.get("PASSWORD") else {})}
    with psycopg.connect(**dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    yield f"postgres://{db['USER']}{auth}@{dsn['host']}:{dsn['port']}/{name}"
    with psycopg.connect(**dsn, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_change_restore_verifies_and_matches(transactional_db, tmp_path, settings, fresh_database):
    # committed rows (pg_dump reads another connection); the root conftest lifts the audit triggers for the flush
    from wuye.conftest import build_world

    world = build_world()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "complaints").mkdir(parents=True)
    (tmp_path / "media" / "complaints" / "a.jpg").write_bytes(b"\xff\xd8photo")
    for i in range(5):
        audit_record(action=AuditAction.UPDATE, object_type="registry.propertycompany", object_id=world.company_a.pk,
                     object_repr=world.company_a.name, detail=f"备份前的修改 {i}")
    manifest = backup(tmp_path / "bk")
    assert manifest["audit_head"]["seq"] == AuditChainHead.objects.get().seq
    assert manifest["tables"]["core_auditlog"] == AuditLog.objects.count()
    assert manifest["tables"]["registry_propertycompany"] == PropertyCompany.objects.count()
    assert manifest["media_files"] == 1 and json.loads((tmp_path / "bk" / "manifest.json").read_text())["vendor"]
    with pytest.raises(BackupError):
        backup(tmp_path / "bk")  # never into a directory that holds a backup
    # after the backup, the data changes
    audit_record(action=AuditAction.UPDATE, object_type="registry.propertycompany", object_id=world.company_a.pk,
                 object_repr=world.company_a.name, detail="备份之后的修改")
    PropertyCompany.objects.filter(pk=world.company_b.pk).update(name="备份后改名")

    media2 = tmp_path / "media2"
    done = _manage("restore", str(tmp_path / "bk"), database_url=fresh_database, media=media2)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "与清单一致" in done.stdout and f"审计链尾序号 {manifest['audit_head']['seq']}" in done.stdout
    verified = _manage("audit_verify", database_url=fresh_database, media=media2)
    assert verified.returncode == 0 and "校验通过" in verified.stdout, verified.stdout + verified.stderr
    assert (media2 / "complaints" / "a.jpg").read_bytes() == b"\xff\xd8photo"
    # a second restore into the now non-empty database is refused unless told
    again = _manage("restore", str(tmp_path / "bk"), database_url=fresh_database, media=media2)
    assert again.returncode != 0 and "不是空的" in again.stderr
