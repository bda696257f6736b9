"""Periodic jobs of committee elections (see the package tasks.py)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .services import committee_sweep


@db_periodic_task(crontab(minute="20", hour="6"))
@lock_task("governance-committee-sweep")
def committees_sweep():
    """Daily at 06:20: overdue filings and terms about to end. Safe to run twice (a
    ``CommitteeReminder`` row is claimed before each notification)."""
    return committee_sweep()
