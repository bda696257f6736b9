"""Heavy read pages from a streaming replica (issue 18 §4).

With ``DATABASE_REPLICA_URL`` set, the database alias ``replica`` exists and
:class:`ReplicaRouter` sends the reads of the pages named in ``WUYE_REPLICA_VIEWS`` there — the
public portal, metrics and rankings, dashboards and exports: pages many people read and nobody
writes on. Everything else, every write, and every read after a write in the same request (a page
that writes an audit row, say) uses the primary: a page must always read its own writes. Reads
inside a transaction on the primary stay there too.

:class:`ReplicaReadsMiddleware` decides per request (a GET or HEAD whose URL name matches) and
:func:`replica_lag` tells administrators how far behind the replica is.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from fnmatch import fnmatchcase

from django.conf import settings
from django.db import DatabaseError, connections

REPLICA = "replica"

_reading = contextvars.ContextVar("wuye_replica_reads", default=False)
_wrote = contextvars.ContextVar("wuye_replica_wrote", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    """Within the block, reads may go to the replica (until the first write)."""
    t1, t2 = _reading.set(True), _wrote.set(False)
    try:
        yield
    finally:
        _reading.reset(t1)
        _wrote.reset(t2)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading.get() and not _wrote.get() and replica_configured() \
                and not connections["default"].in_atomic_block:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        if _reading.get():
            _wrote.set(True)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both aliases

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary's WAL


def view_reads_replica(view_name: str) -> bool:
    return any(fnmatchcase(view_name, pattern) for pattern in getattr(settings, "WUYE_REPLICA_VIEWS", ()))


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not replica_configured() or request.method not in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        if match is None or not view_reads_replica(match.view_name):
            return None
        try:
            with replica_reads():
                return view_func(request, *view_args, **view_kwargs)
        except DatabaseError as exc:
            from .health import database_unavailable

            if not database_unavailable(exc):
                raise
            # The replica is away: this read-only page is read again from the primary.
            connections[REPLICA].close()
            return view_func(request, *view_args, **view_kwargs)


def replica_lag() -> dict:
    """``{"configured": bool, "seconds": float | None, "error": str}``: how far the replica's last
    replayed transaction lags behind now (``None``: nothing replayed yet, or not PostgreSQL)."""
    if not replica_configured():
        return {"configured": False, "seconds": None, "error": ""}
    try:
        conn = connections[REPLICA]
        if conn.vendor != "postgresql":
            return {"configured": True, "seconds": None, "error": ""}
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), "
                           "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())")
            recovering, lag = cursor.fetchone()
        if not recovering:
            return {"configured": True, "seconds": None, "error": "副本不在恢复模式（已被提升为主库？）"}
        return {"configured": True, "seconds": float(lag) if lag is not None else None, "error": ""}
    except Exception as exc:  # noqa: BLE001 — shown to the administrator, never raised
        return {"configured": True, "seconds": None, "error": f"{type(exc).__name__}: {exc}"[:200]}
