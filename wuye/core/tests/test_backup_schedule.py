"""Scheduled backups with retention (issue 18 §10): the nightly job writes a backup in its local
hour, keeps the newest WUYE_BACKUP_KEEP complete ones, clears folders an interrupted run left, never
removes anything when the backup itself fails, runs once an hour however many consumers ask, and is
recorded in the audit chain and on the system status page. (SQLite's online backup waits for the
test's own transaction: these tests commit.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils.dateparse import parse_datetime
from huey.api import PeriodicTask
from huey.contrib.djhuey import HUEY

from wuye.core import backup as backups
from wuye.core import tasks
from wuye.core.backup import MANIFEST, BackupError, backups_in, scheduled_backup
from wuye.core.calendar import local_text
from wuye.core.models import AuditLog

# 18:00 UTC is 02:00 the next day in Asia/Shanghai
NIGHT = datetime(2026, 12, 7, 18, 0, 5, tzinfo=UTC)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.jpg").write_bytes(b"\xff\xd8photo")
    return tmp_path


def test_backups_are_named_in_local_time_and_only_the_newest_are_kept(transactional_db, media):
    root = media / "backups"
    (root / "20261201-020000").mkdir(parents=True)  # left by an interrupted run: no manifest
    made = [scheduled_backup(root, keep=2, now=NIGHT + timedelta(days=d)) for d in range(4)]
    assert [m.path.name for m in made] == ["20261208-020005", "20261209-020005", "20261210-020005", "20261211-020005"]
    assert [p.name for p in backups_in(root)] == ["20261210-020005", "20261211-020005"]
    assert sorted(p.name for p in root.iterdir()) == ["20261210-020005", "20261211-020005"]
    assert [p.name for p in made[0].removed] == ["20261201-020000"]
    assert [p.name for p in made[2].removed] == ["20261208-020005"]
    assert (root / "20261211-020005" / "media" / "a.jpg").read_bytes() == b"\xff\xd8photo"
    assert made[-1].manifest["tables"]["core_auditlog"] == AuditLog.objects.count()


def test_a_failed_backup_removes_nothing(transactional_db, media, monkeypatch):
    root = media / "backups"
    kept = [scheduled_backup(root, keep=1, now=NIGHT + timedelta(days=d)).path for d in range(2)]
    assert backups_in(root) == kept[-1:]

    def broken(output):
        output.mkdir(parents=True)
        raise BackupError("pg_dump 失败：磁盘已满")

    monkeypatch.setattr(backups, "backup", broken)
    with pytest.raises(BackupError):
        scheduled_backup(root, keep=1, now=NIGHT + timedelta(days=5))
    assert backups_in(root) == kept[-1:]  # the last good one is still there
    with pytest.raises(BackupError, match="至少要保留 1 份"):
        scheduled_backup(root, keep=0)


def test_the_nightly_job_acts_once_in_its_local_hour_and_is_audited(transactional_db, media, settings):
    HUEY.flush_locks("core-scheduled-backup")  # a consumer killed mid-backup leaves it (the consumer flushes at start)
    assert isinstance(tasks.nightly_backup.task_class(), PeriodicTask)
    settings.WUYE_BACKUP_DIR = str(media / "backups")
    settings.WUYE_BACKUP_HOUR = 2
    settings.WUYE_BACKUP_KEEP = 3
    assert tasks.nightly_backup.call_local(now=NIGHT - timedelta(hours=1)) == ""  # 01:00 local: not yet
    before = AuditLog.objects.count()
    path = tasks.nightly_backup.call_local(now=NIGHT)
    assert path.endswith("20261208-020005") and (media / "backups" / "20261208-020005" / MANIFEST).is_file()
    row = AuditLog.objects.order_by("-seq").first()
    assert AuditLog.objects.count() == before + 1 and row.object_type == "core.backup"
    assert row.object_id == "20261208-020005" and row.actor_username == "system"
    # a second consumer in the same hour finds this hour's backup
    assert tasks.nightly_backup.call_local(now=NIGHT + timedelta(minutes=30)) == ""
    assert len(backups_in(media / "backups")) == 1 and AuditLog.objects.count() == before + 1


def test_no_directory_no_backup(transactional_db, media, settings):
    settings.WUYE_BACKUP_DIR = ""
    assert tasks.nightly_backup.call_local(now=NIGHT) == ""


def test_the_status_page_shows_the_newest_backup(world, transactional_db, login, media, settings):
    client = login(world.users["sysadmin"])
    settings.WUYE_BACKUP_DIR = ""
    assert "未配置定时备份" in client.get("/system/").content.decode()
    settings.WUYE_BACKUP_DIR = str(media / "backups")
    assert "还没有完整的备份" in client.get("/system/").content.decode()
    done = scheduled_backup(media / "backups", keep=3, now=NIGHT)
    page = client.get("/system/").content.decode()
    made = local_text(parse_datetime(done.manifest["created_at"]))  # when it ran, in local time
    assert made in page and "20261208-020005" in page and "保留最近 7 份" in page


def test_periodic_jobs_keep_local_hours():
    """Huey matches crontab hours against the local clock, and the process's clock is Asia/Shanghai
    (Django sets TZ from TIME_ZONE): a job at hour 7 runs at 07:00 Beijing time."""
    import time as _time

    from django.conf import settings as django_settings

    assert HUEY.utc is False
    assert _time.strftime("%z") == "+0800" and django_settings.TIME_ZONE == "Asia/Shanghai"


def test_the_status_page_reads_in_english(world, login, settings):
    from django.urls import reverse

    settings.WUYE_BACKUP_DIR = ""
    client = login(world.users["sysadmin"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get("/system/").content.decode()
    for words in ("System status", "Scheduled backups are off", "Database (primary)", "Task queue", "waiting"):
        assert words in page
    for words in ("定时备份", "系统状态", "组件", "项待执行"):
        assert words not in page
