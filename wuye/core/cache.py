"""The Redis cache as the platform uses it: an outage of Redis slows pages, never breaks them
(issue 18 §7).

While Redis is restarting or unreachable, reads miss (``get`` returns the default), writes are
dropped, and each failure is logged once a minute at most. Sessions live in the database behind
the cache (``cached_db``), so nobody is logged out. Counting is different: ``incr`` raises
:class:`CacheUnavailable`, and the rate limits decide (``wuye.core.ratelimit``): closed for SMS
codes (nobody can flood phones while the counters are away), open for reading pages.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class CacheUnavailable(RuntimeError):
    """The cache could not count (Redis away)."""


_last_logged = {"at": 0.0}


def _note(op: str, exc: Exception) -> None:
    now = time.monotonic()
    if now - _last_logged["at"] >= 60:
        _last_logged["at"] = now
        log.error("cache unavailable (%s): %s", op, exc)


class ResilientRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            _note("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            _note("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as exc:
            _note("has_key", exc)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            _note("add", exc)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as exc:
            _note("set", exc)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            _note("set_many", exc)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError as exc:
            _note("touch", exc)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as exc:
            _note("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except RedisError as exc:
            _note("delete_many", exc)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            _note("incr", exc)
            raise CacheUnavailable(str(exc)) from exc
