"""Background work of the core app (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .audit import audit_record, denied_flush
from .models import AuditAction


@db_periodic_task(crontab(minute="*"))
def audit_denied_flush() -> int:
    """Every minute: one audit row per anonymous client and finished minute with its refusal count."""
    return denied_flush()


@db_periodic_task(crontab(minute="17"))
def staged_uploads_cleanup() -> int:
    """Every hour: staged form photos older than a day are removed (issue 14 §10, ``core.staging``)."""
    from .staging import staged_cleanup

    return staged_cleanup()


@db_periodic_task(crontab(minute="0"))
@lock_task("core-scheduled-backup")
def nightly_backup(now=None) -> str:
    """Every night at ``WUYE_BACKUP_HOUR`` (Asia/Shanghai): a backup into ``WUYE_BACKUP_DIR`` with
    retention (issue 18 §10; ``core.backup.scheduled_backup``). The task runs every hour and acts in
    the configured one, so that the hour is read in local time; the lock keeps two consumers from
    backing up at once, and a second run in the same hour finds that hour's backup and does nothing."""
    from django.conf import settings
    from django.utils import timezone

    from .backup import backups_in, scheduled_backup
    from .calendar import local_text

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
