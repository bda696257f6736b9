"""The current request's user and IP, for audit rows written deep inside services."""

from __future__ import annotations

from contextvars import ContextVar

_request: ContextVar = ContextVar("wuye_request", default=None)


def set_request(request):
    return _request.set(request)


def reset_request(token) -> None:
    _request.reset(token)


def client_ip(request) -> str | None:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def current_request():
    return _request.get()


def current_user():
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def current_ip() -> str | None:
    request = _request.get()
    return client_ip(request) if request is not None else None
