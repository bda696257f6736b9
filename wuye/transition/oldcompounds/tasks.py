"""Periodic work for old compounds (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .services import pace_notify


@db_periodic_task(crontab(day_of_week="1", hour="9", minute="0"))
@lock_task("oldcompounds-pace-notify")
def oldcompounds_pace_notify():
    """Every Monday at 09:00: each district behind its pace on the year's enclosure target gets a
    message (keyed by task, district and week, so a second run writes nothing)."""
    return pace_notify()
