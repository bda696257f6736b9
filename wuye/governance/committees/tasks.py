"""Periodic job: owners' questions past their answer period go to the street (idempotent)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*/15"))
def owner_questions_escalate():
    services.questions_escalate()
