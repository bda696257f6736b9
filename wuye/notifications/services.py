"""Every write of the notifications app.

``notify`` is what other apps call, inside their own transaction, next to the change the
notification is about: in-app rows and outbox rows commit or roll back with that change, and the
delivery task is enqueued only once the transaction has committed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
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
        from .tasks import deliver_outbox  # here: tasks → sms_codes → services is a cycle

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


@dataclass
class Message:
    """One notification to write: what ``notify`` takes, as a value (for ``notify_many``)."""

    subject: str
    body: str
    users: Iterable = ()
    phones: Iterable[str] = ()
    emails: Iterable[str] = ()
    url: str = ""
    channels: Iterable[str] = CHANNELS
    dedup_key: str | None = None
    category: str = ""


def _check_channels(channels: Iterable[str]) -> set[str]:
    channels = set(channels)
    unknown = channels - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown notification channel(s): {sorted(unknown)}")
    return channels


def _rows(m: Message, now) -> tuple[list[Notification], list[OutboxMessage]]:
    """The in-app and outbox rows of one message (not saved)."""
    channels = _check_channels(m.channels)
    users = [u for u in m.users if u is not None]
    subject = (m.subject or "")[:200]
    url = (m.url or "")[:500]
    category = (m.category or "")[:32]
    body = m.body

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
        addresses += [("sms", p or "") for p in m.phones]
    if "email" in channels:
        addresses += [("email", getattr(u, "email", "") or "") for u in users]
        addresses += [("email", e or "") for e in m.emails]
    outbox = []
    seen: set[tuple[str, str]] = set()
    for channel, recipient in addresses:
        recipient = "".join(recipient.split())  # "138 1234 5678" and " a@b.cn " as sent
        if not recipient or (channel, recipient) in seen:
            continue
        seen.add((channel, recipient))
        outbox.append(OutboxMessage(
            channel=channel, recipient=recipient[:254], subject=subject, body=body, category=category,
            created_at=now, next_attempt_at=now, dedup_key=m.dedup_key or "",
        ))
    return inapp, outbox


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
    m = Message(subject=subject, body=body, users=list(users), phones=list(phones), emails=list(emails), url=url,
                channels=tuple(channels), dedup_key=None if dedup_key is None else str(dedup_key)[:200],
                category=category)
    _check_channels(m.channels)  # refuse unknown channels before claiming a key
    if m.dedup_key is not None and not _claim_dedup_key(m.dedup_key):
        return 0
    inapp, outbox = _rows(m, timezone.now())
    if inapp:
        Notification.objects.bulk_create(inapp)
    if outbox:
        OutboxMessage.objects.bulk_create(outbox)
        _enqueue_delivery_on_commit()
    return len(inapp) + len(outbox)


def _claim_dedup_keys(keys: list[str]) -> set[str]:
    """The keys of ``keys`` seen for the first time, claimed with one INSERT … ON CONFLICT DO
    NOTHING RETURNING (PostgreSQL and SQLite ≥ 3.35 both have it): a key another worker holds is
    simply not returned."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return set()
    claimed: set[str] = set()
    table = connection.ops.quote_name(NotificationKey._meta.db_table)
    now = timezone.now()
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        values = ", ".join(["(%s, %s)"] * len(chunk))
        params: list = []
        for k in chunk:
            params += [k, now]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (key, created_at) VALUES {values} ON CONFLICT (key) DO NOTHING RETURNING key",
                params,
            )
            claimed.update(row[0] for row in cursor.fetchall())
    return claimed


@transaction.atomic
def notify_many(messages: Iterable[Message]) -> int:
    """``notify`` for many messages at once, in a fixed handful of statements: one claim of all
    the de-duplication keys, one insert of the in-app rows and one of the outbox rows. Used by the
    per-minute sweep, which may notify thousands of units in one pass. Returns rows written."""
    messages = list(messages)
    for m in messages:
        if m.dedup_key is not None:
            m.dedup_key = str(m.dedup_key)[:200]
    claimed = _claim_dedup_keys([m.dedup_key for m in messages if m.dedup_key is not None])
    now = timezone.now()
    inapp: list[Notification] = []
    outbox: list[OutboxMessage] = []
    taken: set[str] = set()
    for m in messages:
        if m.dedup_key is not None:
            if m.dedup_key not in claimed or m.dedup_key in taken:
                continue
            taken.add(m.dedup_key)
        a, b = _rows(m, now)
        inapp += a
        outbox += b
    if inapp:
        Notification.objects.bulk_create(inapp, batch_size=1000)
    if outbox:
        OutboxMessage.objects.bulk_create(outbox, batch_size=1000)
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
