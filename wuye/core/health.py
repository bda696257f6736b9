"""Liveness and readiness for the load balancer, and a Chinese 503 while the database is away
(issue 18 §2, §8).

- ``GET /healthz``: the process answers (no database, no cache): 200 ``ok``.
- ``GET /readyz``: the node can serve: the database answers ``SELECT 1``, the cache keeps and
  returns a value, and the task queue's storage answers. 200 with each check's result (``ok``, or
  ``degraded`` when only the cache or the queue is away), or 503 without the database — the load
  balancer then takes the node out of rotation until it is ready again.

Both are answered by :class:`HealthMiddleware`, first in the chain: before host validation (the
balancer probes by address), sessions, authentication or anything that reads the database, and
they never write. :func:`server_error` (``handler500``) turns a lost database connection during a
request into a Chinese 503 page (or JSON for the API) with ``Retry-After``, instead of a 500: the
request's transaction was rolled back, so nothing was half-written; ``CONN_HEALTH_CHECKS`` lets
the next request reconnect by itself.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import uuid

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext

log = logging.getLogger(__name__)

RETRY_AFTER = 15  # seconds: about one failover of the database


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check()
        ok = True
    except Exception as exc:  # noqa: BLE001 — a probe reports every failure, it never raises
        ok, detail = False, f"{type(exc).__name__}: {exc}"[:200]
    return {"ok": ok, "ms": round((time.perf_counter() - started) * 1000, 1), **({"detail": detail} if detail else {})}


def check_database() -> str:
    conn = connections["default"]
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        conn.close()  # the next probe or request opens a fresh connection
        raise
    return ""


def check_cache() -> str:
    key, value = "readyz:probe", uuid.uuid4().hex
    cache.set(key, value, 30)
    if cache.get(key) != value:
        raise RuntimeError("缓存写入后读不到")
    return ""


def check_queue() -> str:
    from huey.contrib.djhuey import HUEY

    storage = HUEY.storage
    conn = getattr(storage, "conn", None)
    if conn is not None and hasattr(conn, "ping"):  # Redis
        conn.ping()
    return gettext("%(n)d 项待执行") % {"n": storage.queue_size()}


def readiness() -> tuple[str, dict]:
    """``ok``; ``degraded`` (the database answers, the cache or the queue does not: pages still
    serve — wuye.core.cache — so the node stays in rotation, and every node reports the same); or
    ``unavailable`` (no database: out of rotation)."""
    checks = {"database": _timed(check_database), "cache": _timed(check_cache), "queue": _timed(check_queue)}
    from .dbrouter import replica_lag

    lag = replica_lag()
    if lag["configured"]:  # shown to administrators; it does not decide readiness (pages fall back)
        checks["replica"] = {"ok": not lag["error"], "lag_seconds": lag["seconds"],
                             **({"detail": lag["error"]} if lag["error"] else {})}
    if not checks["database"]["ok"]:
        return "unavailable", checks
    return ("ok" if all(checks[k]["ok"] for k in ("cache", "queue")) else "degraded"), checks


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz" and request.method in ("GET", "HEAD"):
            return _no_store(HttpResponse("ok", content_type="text/plain; charset=utf-8"))
        if request.path == "/readyz" and request.method in ("GET", "HEAD"):
            status, checks = readiness()
            if status != "ok":
                log.warning("readiness %s: %s", status, json.dumps(checks, ensure_ascii=False))
            return _no_store(JsonResponse({"status": status, "checks": checks},
                                          status=503 if status == "unavailable" else 200,
                                          json_dumps_params={"ensure_ascii": False}))
        return self.get_response(request)


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def database_unavailable(exc: BaseException) -> bool:
    """A lost or refused connection (not a constraint or a bad query)."""
    if isinstance(exc, InterfaceError):
        return True
    if isinstance(exc, OperationalError):
        text = str(exc).lower()
        return any(s in text for s in ("connection", "server closed", "terminating", "could not connect",
                                       "the database system is", "timeout expired", "recovery mode",
                                       "read-only transaction"))
    return False


def server_error(request):
    """``handler500``: a lost database (raised in a view or in a middleware that reads the session
    or the user) answers 503 with ``Retry-After``; any other error the designed 500 page."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DatabaseError) and database_unavailable(exc):
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()
        if request.path.startswith(("/api/", "/open311/")):
            response = JsonResponse({"detail": "数据库正在恢复，请求没有被处理，请稍后重试。"}, status=503,
                                    json_dumps_params={"ensure_ascii": False})
        else:
            response = HttpResponse(_render("503.html", {"retry_after": RETRY_AFTER}), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return _no_store(response)
    return HttpResponseServerError(_render("500.html", {}))


def _render(template: str, context: dict) -> str:
    # No request context: the context processors read the database, which may be what failed.
    return render_to_string(template, context)
