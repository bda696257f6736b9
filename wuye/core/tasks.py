"""Background work of the core app (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .audit import denied_flush


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
    """Every hour, acting in ``WUYE_BACKUP_HOUR`` (``core.backup.nightly_backup_if_due``); the lock
    keeps two consumers from backing up at once."""
    from .backup import nightly_backup_if_due

    return nightly_backup_if_due(now)
