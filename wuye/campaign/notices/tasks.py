"""Periodic work for notices (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .services import notice_overdue_check


@db_periodic_task(crontab(minute="*/10"))
@lock_task("notices-overdue-check")
def notices_overdue_check():
    """Every 10 minutes: a company that let a supervision notice's ack deadline pass gets the
    credit item WG02 (拒不配合主管部门监督检查). Safe to run twice: each receipt is claimed by a
    conditional UPDATE of ``overdue_flagged_at`` and the event is keyed by notice and company."""
    return notice_overdue_check()
