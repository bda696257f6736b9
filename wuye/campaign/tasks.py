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


@db_periodic_task(crontab(minute="*"))
@lock_task("campaign-indicators-refresh")
def campaign_indicators_refresh():
    """Every minute: the platform indicators the board shows are computed afresh and kept
    (``campaign.rowcache``), so that no reader of the board waits for them. Harmless twice."""
    from .selectors import refresh_indicators

    return refresh_indicators()
