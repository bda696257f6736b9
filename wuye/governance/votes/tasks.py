"""Periodic jobs of owners' votes (see the package tasks.py)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .services import motions_close_due


@db_periodic_task(crontab(minute="*/5"))
@lock_task("governance-motions-close")
def motions_close():
    """Every 5 minutes: write the final result of motions whose voting has closed. Safe to run twice
    or on two workers: each result is written by a conditional UPDATE on ``final_result IS NULL``."""
    return motions_close_due()
