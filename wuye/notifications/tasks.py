"""Background work of the notifications app (Huey)."""

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .delivery import DeliveryReport, deliver_outbox_now
from .sms_codes import sms_codes_purge

__all__ = ["deliver_outbox", "deliver_outbox_now", "sms_codes_purge_old"]


@db_periodic_task(crontab(minute="*"))
def deliver_outbox() -> DeliveryReport:
    """Send the due outbox rows: every minute, and enqueued by ``notify`` once its transaction
    commits. Two runs at once are safe: each sends only the rows it claimed."""
    return deliver_outbox_now()


@db_periodic_task(crontab(minute="17", hour="3"))
def sms_codes_purge_old() -> int:
    """Delete verification codes older than 30 days (they only served the daily limit)."""
    return sms_codes_purge(older_than=timedelta(days=30))
