"""Periodic work of the campaign (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .reminders import remind_sweep


@db_periodic_task(crontab(minute="15", hour="*"))
@lock_task("campaign-report-reminders")
def campaign_report_reminders():
    """Every hour: missing progress reports are reminded and escalate (催办 → 督办). Safe to run
    twice: each raise is claimed by a conditional UPDATE of the task's supervision level."""
    return remind_sweep()
