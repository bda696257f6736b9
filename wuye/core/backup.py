"""Consistent backups and their restore (issue 18 §10).

A backup directory holds

- ``database.dump`` (PostgreSQL: ``pg_dump`` custom format) or ``database.sqlite3`` (SQLite: the
  online backup API, a consistent copy while the platform runs);
- ``media/``: the uploaded files;
- ``manifest.json``: when, which engine, the row count of every table and the audit chain's head
  (sequence and hash) — all read in the same snapshot as the dump, so that a restore can be checked
  against it.

On PostgreSQL the counts are read in a ``REPEATABLE READ`` transaction whose snapshot is exported
to ``pg_dump --snapshot``: the dump and the manifest see exactly the same rows, while writes go on.

:func:`restore` loads a backup into the empty database named by the settings (refusing one that
holds tables unless ``force``), copies the media back and compares every count and the chain head
with the manifest.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"


class BackupError(RuntimeError):
    """A backup or restore that cannot go on (the message is shown to the operator)."""


def _tables() -> list[str]:
    seen, out = set(), []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if model._meta.managed and not model._meta.proxy and table not in seen:
            seen.add(table)
            out.append(table)
    return sorted(out)


def _counts(cursor, tables: list[str], existing: set[str]) -> dict[str, int]:
    out = {}
    for table in tables:
        if table in existing:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 — table names from the models
            out[table] = cursor.fetchone()[0]
    return out


def _head(cursor) -> dict:
    cursor.execute('SELECT seq, hash FROM "core_auditchainhead" WHERE id = 1')
    row = cursor.fetchone()
    return {"seq": row[0] if row else 0, "hash": row[1] if row else "0" * 64}


def _pg_env(db: dict) -> dict:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args


def _copy_media(src: Path, dst: Path) -> int:
    if not src.exists():
        dst.mkdir(parents=True, exist_ok=True)
        return 0
    shutil.copytree(src, dst, dirs_exist_ok=True)
    return sum(1 for p in dst.rglob("*") if p.is_file())


def backup(output: Path) -> dict:
    """Write a backup into ``output`` (created; must be empty) and return its manifest."""
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"备份目录 {output} 不是空目录，请指定新的目录。")
    output.mkdir(parents=True, exist_ok=True)
    tables = _tables()
    manifest = {"created_at": timezone.now().isoformat(), "vendor": connection.vendor, "tables": {}, "audit_head": {}}
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                existing = set(connection.introspection.table_names(cursor))
                manifest["tables"] = _counts(cursor, tables, existing)
                manifest["audit_head"] = _head(cursor)
                done = subprocess.run(
                    ["pg_dump", *_pg_args(db), "-Fc", "--no-owner", f"--snapshot={snapshot}",
                     "-f", str(output / PG_DUMP), db["NAME"]],
                    env=_pg_env(db), capture_output=True, text=True)
                if done.returncode != 0:
                    raise BackupError(f"pg_dump 失败：{done.stderr.strip()[:500]}")
        manifest["database"] = PG_DUMP
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(output / SQLITE_COPY)
        try:
            connection.connection.backup(target)  # the online backup API: one consistent copy
            cursor = target.cursor()
            existing = {r[0] for r in cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            manifest["tables"] = _counts(cursor, tables, existing)
            manifest["audit_head"] = _head(cursor)
        finally:
            target.close()
        manifest["database"] = SQLITE_COPY
    else:  # pragma: no cover - the platform runs on PostgreSQL or SQLite
        raise BackupError(f"不支持的数据库：{connection.vendor}")
    manifest["media_files"] = _copy_media(Path(settings.MEDIA_ROOT), output / "media")
    (output / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


BACKUP_STAMP = "%Y%m%d-%H%M%S"


@dataclass
class ScheduledBackup:
    path: Path
    manifest: dict
    removed: list[Path]


def backups_in(root: Path) -> list[Path]:
    """The complete backups under ``root`` (folders with a manifest), oldest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / MANIFEST).is_file())


def scheduled_backup(root: Path, *, keep: int, now=None) -> ScheduledBackup:
    """One backup into a new folder under ``root`` named by the local time (20261208-020000),
    then retention: the newest ``keep`` complete backups stay, older ones go, and so does any
    folder an interrupted run left without its manifest — but only after this backup is complete,
    so that a failing run never removes the last good one."""
    from .calendar import local_text

    if keep < 1:
        raise BackupError("至少要保留 1 份备份（WUYE_BACKUP_KEEP）。")
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    target = root / local_text(now or timezone.now(), BACKUP_STAMP)
    if target.exists():
        raise BackupError(f"备份目录 {target} 已存在：同一秒内不会做两次备份。")
    manifest = backup(target)
    complete = backups_in(root)
    removed = [p for p in complete[:-keep]]
    removed += [p for p in root.iterdir() if p.is_dir() and not (p / MANIFEST).is_file() and p.name < target.name]
    for p in removed:
        shutil.rmtree(p, ignore_errors=True)
    return ScheduledBackup(path=target, manifest=manifest, removed=sorted(removed))


def nightly_backup_if_due(now=None) -> str:
    """The nightly backup (issue 18 §10): in the local hour ``WUYE_BACKUP_HOUR``, once, into
    ``WUYE_BACKUP_DIR`` with retention; the audit chain records it. The periodic job calls this
    every hour so that the hour is read in local time; a second call in the same hour finds that
    hour's backup and does nothing. Returns the new backup's folder, or "" when nothing was due."""
    from .audit import audit_record
    from .calendar import local_text
    from .models import AuditAction

    root = settings.WUYE_BACKUP_DIR
    now = now or timezone.now()
    if not root or timezone.localtime(now).hour != settings.WUYE_BACKUP_HOUR:
        return ""
    hour = local_text(now, "%Y%m%d-%H")
    if any(p.name.startswith(hour) for p in backups_in(root)):
        return ""
    done = scheduled_backup(root, keep=settings.WUYE_BACKUP_KEEP, now=now)
    audit_record(action=AuditAction.CREATE, actor=None, username="system", object_type="core.backup",
                 object_id=done.path.name, object_repr=str(done.path),
                 changes={"tables": len(done.manifest["tables"]), "media_files": done.manifest["media_files"],
                          "audit_head": done.manifest["audit_head"], "removed": [p.name for p in done.removed]},
                 detail=f"定时备份 {done.path.name}，按保留份数删除 {len(done.removed)} 份旧备份")
    return str(done.path)


def backups_status() -> dict:
    """The scheduled backups as the administrator checks them (the system status page): where, the
    schedule, how many are kept, the newest one's time and chain head."""
    from django.utils.dateparse import parse_datetime

    root = settings.WUYE_BACKUP_DIR
    if not root:
        return {"configured": False}
    found = backups_in(root)
    newest = None
    if found:
        manifest = json.loads((found[-1] / MANIFEST).read_text(encoding="utf-8"))
        newest = {"name": found[-1].name, "created_at": parse_datetime(manifest["created_at"]),
                  "media_files": manifest.get("media_files", 0), "audit_seq": manifest["audit_head"].get("seq")}
    return {"configured": True, "root": root, "count": len(found), "keep": settings.WUYE_BACKUP_KEEP,
            "hour": settings.WUYE_BACKUP_HOUR, "newest": newest}


@dataclass
class RestoreResult:
    manifest: dict
    counts: dict[str, int]
    head: dict
    mismatches: list[str]


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(source: Path, *, force: bool = False) -> RestoreResult:
    """Load the backup in ``source`` into the database of the settings, copy its media back and
    check the counts and the audit chain's head against the manifest."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{source} 中没有 {MANIFEST}，不是平台的备份目录。") from exc
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"备份来自 {manifest['vendor']}，当前数据库是 {connection.vendor}，不能直接恢复。")
    if not _database_is_empty() and not force:
        raise BackupError("目标数据库不是空的（已有数据表）。恢复会覆盖其中的数据；确认无误请加 --force。")
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        connection.close()
        done = subprocess.run(
            ["pg_restore", *_pg_args(db), "--no-owner", "--exit-on-error", *(["--clean", "--if-exists"] if force else []),
             "-d", db["NAME"], str(source / manifest["database"])],
            env=_pg_env(db), capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"pg_restore 失败：{done.stderr.strip()[:500]}")
    else:
        copy = sqlite3.connect(source / manifest["database"])
        try:
            connection.ensure_connection()
            copy.backup(connection.connection)
        finally:
            copy.close()
    _copy_media(source / "media", Path(settings.MEDIA_ROOT))
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        counts = _counts(cursor, list(manifest["tables"]), existing)
        head = _head(cursor)
    mismatches = [f"{t}：备份 {n} 行，恢复后 {counts.get(t)} 行" for t, n in manifest["tables"].items() if counts.get(t) != n]
    if head != manifest["audit_head"]:
        mismatches.append(f"审计链尾：备份 {manifest['audit_head']}，恢复后 {head}")
    return RestoreResult(manifest, counts, head, mismatches)
