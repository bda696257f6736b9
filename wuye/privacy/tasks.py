"""Periodic work of the privacy app (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .retention import retention_sweep


@db_periodic_task(crontab(hour="3", minute="20"))
@lock_task("privacy-retention-sweep")
def privacy_retention_sweep():
    """Once a day: anonymise the personal data past its retention period (个人信息保护法
    第十九条、第四十七条). Safe to run twice: each kind is claimed by its own "not yet anonymised"
    filter; the lock only avoids wasted work."""
    return retention_sweep()
