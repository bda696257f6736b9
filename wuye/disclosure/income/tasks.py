"""Periodic work of the common-income ledger (Huey). Idempotent: one IncomeReminder row per estate
and year, credit events keyed by ``source_key``, notifications by ``dedup_key``."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .services import income_overdue_sweep


@db_periodic_task(crontab(minute="20", hour="1"))
@lock_task("income-overdue-sweep")
def income_overdue_daily():
    """Daily: after the deadline, estates without last year's published report → company notified,
    credit event GS01 (未按规定公示公共收益) recorded, once."""
    return income_overdue_sweep()
