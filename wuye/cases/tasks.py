"""Periodic work for complaints (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .sweep import sweep


@db_periodic_task(crontab(minute="*"))
@lock_task("cases-supervision-sweep")
def supervision_sweep():
    """Every minute: warnings, overdue marks and escalation (issue §10). Safe to run twice: rows
    are claimed by conditional UPDATE, and the lock only avoids wasted work."""
    return sweep()
