"""Periodic work of handover inspection (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .sweep import sweep_handovers


@db_periodic_task(crontab(minute="20", hour="8"))
@lock_task("handover-sweep")
def handover_sweep():
    """Every day at 08:20: filing reminders, overdue filings (credit event BA01) and missing documents
    past their promised date (developer violation). Safe to run twice: each effect is claimed by a
    conditional UPDATE."""
    return sweep_handovers()
