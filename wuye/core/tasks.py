"""Background work of the core app (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

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
