"""Periodic jobs (see the package tasks.py): the daily 只售不租 sweep (rules.md §5)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .services import parking_violation_sweep

__all__ = ["parking_violation_daily"]


@db_periodic_task(crontab(minute="20", hour="4"))
@lock_task("parking-violation-sweep")
def parking_violation_daily():
    return parking_violation_sweep()
