"""Periodic work for developers' records (Huey; idempotent: confirmations are conditional UPDATEs)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .services import violation_sweep


@db_periodic_task(crontab(minute="10"))
@lock_task("developer-violation-sweep")
def developer_violation_sweep():
    """Hourly: confirm the violations whose public notice ended without an objection."""
    return violation_sweep()
