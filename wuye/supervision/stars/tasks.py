"""Periodic work of surveys and star ratings (Huey): open and close surveys on time, make
results effective when their notice ends, expire ratings, open downgrade reviews."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .reviews import star_sweep


@db_periodic_task(crontab(minute="*/15"))
@lock_task("supervision-star-sweep")
def stars_sweep():
    """Every 15 minutes. Safe to run twice: every change is a conditional UPDATE or keyed by a
    source, and the lock only avoids wasted work."""
    return star_sweep()
