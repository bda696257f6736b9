"""Periodic work of rule-making (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .services import drafts_close_due


@db_periodic_task(crontab(minute="5", hour="0"))
@lock_task("rulemaking-close-consultations")
def consultation_close_sweep():
    """Five past midnight (Asia/Shanghai): close every consultation whose closing day has passed.
    Safe to run twice: each draft is claimed by the workflow's conditional UPDATE."""
    return drafts_close_due()
