"""Periodic work for credit (Huey). Every job is idempotent: events are keyed by ``source_key``
and confirmed by conditional UPDATE; the locks only avoid wasted work."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .managers import manager_register_check, manager_training_check
from .metrics_feed import credit_metrics_feed
from .sweep import credit_nightly_recompute
from .sweep import credit_sweep as run_sweep


@db_periodic_task(crontab(minute="5"))
@lock_task("credit-sweep")
def credit_sweep():
    """Hourly: confirm events whose public notice ended without an objection; recompute."""
    return run_sweep()


@db_periodic_task(crontab(minute="30", hour="2"))
@lock_task("credit-recompute-all")
def credit_nightly():
    """Nightly: late project-manager registrations, then every company's credit (expiry by date)
    and the exit cases of the companies just black-listed."""
    manager_register_check()
    return credit_nightly_recompute()


@db_periodic_task(crontab(minute="0", hour="3", day="1-3"))
@lock_task("credit-metrics-feed")
def credit_monthly():
    """Days 1–3 of each month: last month's complaint metrics (TS01 / TS02); in January also last
    year's training hours (MG02). Running on three days covers a missed run; keys make it once."""
    result = credit_metrics_feed()
    result["training"] = manager_training_check()
    return result
