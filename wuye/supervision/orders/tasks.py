"""Periodic work for inspections (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .sweep import sweep_orders


@db_periodic_task(crontab(minute="*/10"))
@lock_task("supervision-orders-sweep")
def rectification_sweep():
    """Every 10 minutes: overdue rectification orders tell the district and record credit event
    XC03. Safe to run twice: each order is claimed by a conditional UPDATE of ``overdue_at``."""
    return sweep_orders()
