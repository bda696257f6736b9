"""Fixed-window rate limits kept in the Django cache, shared by every web and worker process.

``check_rate("sms:ip:1.2.3.4", limit=30, period_seconds=3600)`` counts one hit in the current
window and answers whether it is still within the limit. ``enforce_rate`` does the same and
raises ``RateLimited`` (a ``ServiceError`` with a Chinese message and ``retry_after`` seconds).

Counting is atomic: ``cache.add`` starts a window at 1, ``cache.incr`` counts on from there
(Redis INCR in production; LocMemCache holds a lock). The embedded mode's FileBasedCache has no
atomic ``incr`` (it reads and rewrites the file, and resets the timeout), so there the two steps
run under an exclusive ``flock`` on a lock file beside the cache, which every process on the
machine shares.
"""

from __future__ import annotations

import hashlib
import math
import os
import time
from contextlib import contextmanager

from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.utils.translation import gettext_lazy as _

from .cache import CacheUnavailable
from .errors import ServiceError

try:  # pragma: no cover - always present on the Linux servers the platform runs on
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

KEY_PREFIX = "wuye:rl:"


class RateLimited(ServiceError):
    """Too many attempts; ``message`` is shown to the user, ``retry_after`` is in seconds."""

    def __init__(self, message=None, *, retry_after: int = 0):
        self.retry_after = max(int(retry_after), 0)
        if message is None:
            message = _("操作过于频繁，请 %(seconds)s 秒后再试") % {"seconds": max(self.retry_after, 1)}
        super().__init__(message, code="rate_limited")


def _cache_key(key: str, period_seconds: int, window_start: int) -> str:
    # Hashed so that any text (IP addresses, phone numbers, Chinese) makes a valid memcached key.
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    return f"{KEY_PREFIX}{period_seconds}:{window_start}:{digest}"


def _window(period_seconds: int, now: float) -> tuple[int, int]:
    """Start of the current window and the whole seconds left in it (at least 1)."""
    start = int(now // period_seconds) * period_seconds
    return start, max(math.ceil(start + period_seconds - now), 1)


@contextmanager
def _file_lock(backend):
    """Serialise counting across processes when the cache is a directory of files."""
    directory = getattr(backend, "_dir", None)
    if fcntl is None or not directory:  # pragma: no cover
        yield
        return
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, ".ratelimit.lock"), "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _count(cache_key: str, ttl: int) -> int:
    """Add one hit to the window's counter; return the count including this hit."""
    timeout = ttl + 1  # the key outlives its window by a second; the next window has its own key
    cache = caches["default"]
    if isinstance(cache, FileBasedCache):
        with _file_lock(cache):
            value = (cache.get(cache_key, 0) or 0) + 1
            cache.set(cache_key, value, timeout=timeout)
            return value
    for _attempt in range(3):
        if cache.add(cache_key, 1, timeout=timeout):
            return 1
        try:
            return cache.incr(cache_key)
        except ValueError:  # expired between add and incr: start the window again
            continue
    return 1  # pragma: no cover - the key kept vanishing; count this hit as the first


def counter_incr(key: str, *, timeout: int) -> int:
    """Add one to a plain counter kept ``timeout`` seconds from its first hit; returns the count.
    Raises ``CacheUnavailable`` while the cache cannot count: the caller decides."""
    return _count(_cache_key(key, 0, 0), timeout - 1)


def counter_get(key: str) -> int:
    return caches["default"].get(_cache_key(key, 0, 0), 0) or 0


def check_rate(key: str, *, limit: int, period_seconds: int, fail_closed: bool = False) -> bool:
    """Count one hit for ``key``; True while at most ``limit`` hits fell in this window.

    While the cache cannot count (Redis away, ``wuye.core.cache.CacheUnavailable``) the limit is
    open — reading pages goes on — unless ``fail_closed``: then it refuses (SMS codes: nobody can
    flood phones while the counters are away). Issue 18 §7."""
    if limit <= 0:
        return False
    start, left = _window(period_seconds, time.time())
    try:
        return _count(_cache_key(key, period_seconds, start), left) <= limit
    except CacheUnavailable:
        return not fail_closed


def retry_after(*, period_seconds: int) -> int:
    """Seconds until the current window of ``period_seconds`` ends."""
    return _window(period_seconds, time.time())[1]


def enforce_rate(key: str, *, limit: int, period_seconds: int, message=None) -> None:
    """``check_rate``, raising ``RateLimited`` when the limit is passed."""
    if not check_rate(key, limit=limit, period_seconds=period_seconds):
        raise RateLimited(message, retry_after=retry_after(period_seconds=period_seconds))


def rate_reset(key: str, *, period_seconds: int) -> None:
    """Forget the current window's hits for ``key`` (e.g. after a successful login)."""
    start, _left = _window(period_seconds, time.time())
    caches["default"].delete(_cache_key(key, period_seconds, start))
