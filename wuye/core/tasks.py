"""Background work of the core app (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .audit import denied_flush


@db_periodic_task(crontab(minute="*"))
def audit_denied_flush() -> int:
    """Every minute: one audit row per anonymous client and finished minute with its refusal count."""
    return denied_flush()
