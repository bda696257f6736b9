"""Periodic jobs of joint meetings: follow-up reminders and the quarterly meeting flag (idempotent)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(hour="7", minute="20"))
def party_daily_sweep():
    services.followups_remind()
    services.meeting_flags_sweep()
