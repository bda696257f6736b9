"""Every write of the notifications app.

``notify`` is what other apps call, inside their own transaction, next to the change the
notification is about: in-app rows and outbox rows commit or roll back with that change, and the
delivery task is enqueued only once the transaction has committed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.core.audit import audit_record
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction

from .delivery import deliver_outbox_now  # noqa: F401  (re-exported for callers and tests)
from .models import Notification, NotificationKey, OutboxMessage

logger = logging.getLogger(__name__)

CHANNELS = ("inapp", "sms", "email")


def _enqueue_delivery() -> None:
    """After commit: ask the Huey worker to send now rather than at the next minute."""
    try:
        from .tasks import deliver_outbox

        deliver_outbox()
    except Exception:  # the periodic task sends it within a minute anyway
        logger.exception("could not enqueue outbox delivery")


def _enqueue_delivery_on_commit() -> None:
    """One delivery per transaction, however many notifications it wrote."""
    connection = transaction.get_connection()
    if any(entry[1] is _enqueue_delivery for entry in getattr(connection, "run_on_commit", ())):
        return
    transaction.on_commit(_enqueue_delivery)


def _claim_dedup_key(key: str) -> bool:
    """True the first time ``key`` is seen (in committed or in this transaction's data)."""
    if NotificationKey.objects.filter(key=key).exists():
        return False
    try:
        with transaction.atomic():  # savepoint: a lost race leaves the caller's transaction usable
            NotificationKey.objects.create(key=key)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def notify(
    *,
    users: Iterable = (),
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    subject: str,
    body: str,
    url: str = "",
    channels: Iterable[str] = CHANNELS,
    dedup_key: str | None = None,
    category: str = "",
) -> int:
    """Write in-app notifications for ``users`` and outbox rows for their phones and e-mail
    addresses and for the raw ``phones`` / ``emails``, in the caller's transaction. Returns the
    number of rows written; 0 when ``dedup_key`` was already used."""
    channels = set(channels)
    unknown = channels - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown notification channel(s): {sorted(unknown)}")
    users = [u for u in users if u is not None]
    if dedup_key is not None:
        dedup_key = str(dedup_key)[:200]
        if not _claim_dedup_key(dedup_key):
            return 0
    now = timezone.now()
    subject = (subject or "")[:200]
    url = (url or "")[:500]
    category = (category or "")[:32]

    inapp = []
    if "inapp" in channels:
        seen_users = set()
        for user in users:
            if user.pk in seen_users:
                continue
            seen_users.add(user.pk)
            inapp.append(Notification(user=user, subject=subject, body=body, url=url, category=category, created_at=now))

    addresses: list[tuple[str, str]] = []
    if "sms" in channels:
        addresses += [("sms", getattr(u, "phone", "") or "") for u in users]
        addresses += [("sms", p or "") for p in phones]
    if "email" in channels:
        addresses += [("email", getattr(u, "email", "") or "") for u in users]
        addresses += [("email", e or "") for e in emails]
    outbox = []
    seen: set[tuple[str, str]] = set()
    for channel, recipient in addresses:
        recipient = "".join(recipient.split())  # "138 1234 5678" and " a@b.cn " as sent
        if not recipient or (channel, recipient) in seen:
            continue
        seen.add((channel, recipient))
        outbox.append(OutboxMessage(
            channel=channel, recipient=recipient[:254], subject=subject, body=body, category=category,
            created_at=now, next_attempt_at=now, dedup_key=dedup_key or "",
        ))

    if inapp:
        Notification.objects.bulk_create(inapp)
    if outbox:
        OutboxMessage.objects.bulk_create(outbox)
        _enqueue_delivery_on_commit()
    return len(inapp) + len(outbox)


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> bool:
    """Mark the user's own notification read; False when it already was."""
    if notification.user_id != user.pk:
        raise ServiceError(_("只能操作本人的消息"))
    now = timezone.now()
    changed = Notification.objects.filter(pk=notification.pk, user=user, read_at__isnull=True).update(read_at=now)
    if not changed:
        return False
    notification.read_at = now
    audit_record(action=AuditAction.UPDATE, actor=user, obj=notification, changes={"read_at": [None, now]},
                 detail="阅读站内消息")
    return True


@transaction.atomic
def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; returns how many there were."""
    now = timezone.now()
    count = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now)
    if count:
        audit_record(action=AuditAction.UPDATE, actor=user, object_type=Notification._meta.label_lower,
                     object_repr=f"{count} 条站内消息", changes={"read_at": [None, now]},
                     detail=f"全部标为已读（{count} 条）")
    return count
