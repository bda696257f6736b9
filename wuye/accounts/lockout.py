"""The per-username back-off across client addresses (issue 13 item 7; GB/T 22239-2019 8.1.4.1 b,
ASVS 4.0 2.2.1).

django-axes locks a (username, client address) pair after ``AXES_FAILURE_LIMIT`` wrong passwords,
so that nobody can lock an official out of every office from one machine. Across addresses the
username itself backs off more slowly and for longer: ``WUYE_USERNAME_FAILURE_LIMIT`` failures
within the last hour (from any address) refuse every login of that username for
``WUYE_USERNAME_BACKOFF_MINUTES``, doubled for each further limit's worth of failures (at most
an hour). The failures are read from the audit trail (``login_failed`` rows of anonymous
attempts), which nobody can edit or delete.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from wuye.core.models import AuditAction, AuditLog

WINDOW = timedelta(hours=1)
MAX_BACKOFF = timedelta(hours=1)
UNLOCK_DETAIL = "解除登录锁定"  # the start of services.account_unlock's audit detail


@dataclass(frozen=True)
class Failures:
    count: int
    addresses: int
    last: datetime | None


def username_failures(username: str, *, now: datetime | None = None) -> Failures:
    """Failed logins of ``username`` within the last hour, from how many addresses, and the last."""
    now = now or timezone.now()
    since = now - WINDOW
    # The security administrator's unlock (services.account_unlock) ends the back-off: only the
    # failures after it count.
    unlocked = AuditLog.objects.filter(
        action=AuditAction.ACCOUNT, object_type="accounts.user", object_repr=username[:150],
        detail__startswith=UNLOCK_DETAIL, created_at__gte=since,
    ).aggregate(last=Max("created_at"))["last"]
    row = AuditLog.objects.filter(
        action=AuditAction.LOGIN_FAILED, actor__isnull=True, actor_username=username[:150],
        created_at__gt=max(since, unlocked) if unlocked else since,
    ).aggregate(n=Count("id"), ips=Count("ip", distinct=True), last=Max("created_at"))
    return Failures(row["n"] or 0, row["ips"] or 0, row["last"])


def _cache_key(username: str) -> str:
    return "wuye.accounts.backoff:" + hashlib.sha256(username.encode("utf-8")).hexdigest()


def backoff_refresh(username: str, *, now: datetime | None = None) -> datetime | None:
    """Recompute the back-off of ``username`` from the audit trail and remember it in the cache
    (after each failed login and each unlock), so that every request can check it without a query."""
    if not username:
        return None
    now = now or timezone.now()
    failures = username_failures(username, now=now)
    limit = max(settings.WUYE_USERNAME_FAILURE_LIMIT, 1)
    until = None
    if failures.count >= limit and failures.last is not None:
        steps = min((failures.count - limit) // limit, 6)
        wait = min(timedelta(minutes=settings.WUYE_USERNAME_BACKOFF_MINUTES) * (2 ** steps), MAX_BACKOFF)
        until = failures.last + wait if failures.last + wait > now else None
    if until is None:
        cache.delete(_cache_key(username))
    else:
        cache.set(_cache_key(username), until.timestamp(), timeout=int((until - now).total_seconds()) + 1)
    return until


def backoff_until(username: str, *, now: datetime | None = None) -> datetime | None:
    """Until when logins (and API tokens) of ``username`` are refused from every address (None:
    not backing off)."""
    if not username:
        return None
    stamp = cache.get(_cache_key(username))
    if stamp is None:
        return None
    now = now or timezone.now()
    until = datetime.fromtimestamp(stamp, tz=UTC)
    return until if until > now else None
