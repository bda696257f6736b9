"""Sending the outbox.

A worker claims a batch of due rows with one conditional UPDATE (``pending`` → ``sending`` with
its own claim token), so two workers — the minute's periodic task and one enqueued on commit,
or two consumers — never send the same row. It then sends each row outside any transaction and
records the outcome, again conditionally on its token. A failed row goes back to ``pending``
with a growing delay, and is ``failed`` for good after ``MAX_ATTEMPTS``. A row left in
``sending`` by a worker that died is released after ``STALE_AFTER`` (at-least-once delivery).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone

from . import sms
from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH_SIZE = 100
MAX_BATCHES = 50  # one run sends at most 5,000 messages; the next minute's run goes on
STALE_AFTER = timedelta(minutes=10)
Status = OutboxMessage.Status


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 1, 2, 4, 8 minutes."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.retrying + self.failed


def outbox_release_stale(*, now: datetime | None = None) -> int:
    """Put rows whose worker stopped midway back in the queue."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_AFTER).update(
        status=Status.PENDING, claim_token="", claimed_at=None, next_attempt_at=now
    )


def outbox_claim(*, limit: int = BATCH_SIZE, now: datetime | None = None) -> tuple[str, list[OutboxMessage]]:
    """Claim up to ``limit`` due rows for this worker; returns its token and the rows it won."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    ids = list(OutboxMessage.objects.filter(_due(now)).order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
    return token, outbox_claim_ids(ids, token=token, now=now)


def _due(now: datetime) -> Q:
    return Q(status=Status.PENDING, next_attempt_at__lte=now)


def outbox_claim_ids(ids: list[int], *, token: str, now: datetime) -> list[OutboxMessage]:
    """Claim those of ``ids`` that are still due. The condition is repeated in the UPDATE, so a
    row that another worker claimed since it was selected is skipped, never sent twice."""
    if not ids:
        return []
    OutboxMessage.objects.filter(_due(now), id__in=ids).update(status=Status.SENDING, claim_token=token, claimed_at=now)
    return list(OutboxMessage.objects.filter(claim_token=token, status=Status.SENDING).order_by("id"))


def _send(message: OutboxMessage) -> None:
    if message.channel == OutboxMessage.Channel.SMS:
        sms.get_backend().send(message.recipient, message.body)
    else:
        send_mail(message.subject, message.body, None, [message.recipient], fail_silently=False)


def outbox_send(message: OutboxMessage, *, token: str, now: datetime | None = None) -> str:
    """Send one claimed row and record the outcome; returns the row's new status."""
    mine = OutboxMessage.objects.filter(pk=message.pk, claim_token=token, status=Status.SENDING)
    try:
        _send(message)
    except Exception as exc:  # any backend error: record it and retry later
        now = now or timezone.now()
        attempts = message.attempts + 1
        error = f"{type(exc).__name__}: {exc}"[:500]
        if attempts >= MAX_ATTEMPTS:
            status, next_at = Status.FAILED, now
            logger.error("outbox message %s failed for good after %s attempts: %s", message.pk, attempts, error)
        else:
            status, next_at = Status.PENDING, now + retry_delay(attempts)
            logger.warning("outbox message %s failed (attempt %s): %s", message.pk, attempts, error)
        mine.update(status=status, attempts=F("attempts") + 1, last_error=error, next_attempt_at=next_at,
                    claim_token="", claimed_at=None)
        return status
    mine.update(status=Status.SENT, attempts=F("attempts") + 1, sent_at=now or timezone.now(), last_error="")
    return Status.SENT


def deliver_outbox_now(*, now: datetime | None = None, batch_size: int = BATCH_SIZE,
                       max_batches: int = MAX_BATCHES) -> DeliveryReport:
    """Send every due outbox row (what the Huey task runs; tests call it directly)."""
    report = DeliveryReport()
    outbox_release_stale(now=now)
    for _batch in range(max_batches):
        token, rows = outbox_claim(limit=batch_size, now=now)
        if not rows:
            break
        for message in rows:
            status = outbox_send(message, token=token, now=now)
            if status == Status.SENT:
                report.sent += 1
            elif status == Status.FAILED:
                report.failed += 1
            else:
                report.retrying += 1
    return report
