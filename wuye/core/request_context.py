"""The current request's user and IP, for audit rows written deep inside services."""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from ipware import get_client_ip

_request: ContextVar = ContextVar("wuye_request", default=None)


def set_request(request):
    return _request.set(request)


def reset_request(token) -> None:
    _request.reset(token)


def client_ip(request) -> str | None:
    """The address to rate-limit and audit: the socket peer, or, when the peer is a trusted proxy
    (``WUYE_TRUSTED_PROXIES``, CIDRs; default none), the client its ``X-Forwarded-For`` names
    ``WUYE_TRUSTED_PROXY_HOPS`` hops back (django-ipware). A client that talks to the server
    directly cannot choose its address by sending the header (ASVS 4.0 V7.1.3/V11.1.4;
    GB/T 22239-2019 8.1.4.3 安全审计 c).
    """
    peer = _address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    trusted = _trusted_networks(tuple(getattr(settings, "WUYE_TRUSTED_PROXIES", None) or ()))
    if not any(peer.version == net.version and peer in net for net in trusted):
        return str(peer)
    hops = max(int(getattr(settings, "WUYE_TRUSTED_PROXY_HOPS", 1) or 1), 1)
    forwarded, _routable = get_client_ip(
        request, proxy_count=hops - 1, request_header_order=("HTTP_X_FORWARDED_FOR",), strict=False)
    return forwarded or str(peer)


def _address(raw) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(str(raw or "").strip())
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


@lru_cache(maxsize=8)
def _trusted_networks(entries: tuple[str, ...]) -> tuple:
    """The configured proxies as networks; a malformed entry is a configuration error."""
    networks = []
    for entry in entries:
        entry = entry.strip()
        if entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError as exc:
                raise ImproperlyConfigured(f"WUYE_TRUSTED_PROXIES: {entry!r} is not an address or CIDR") from exc
    return tuple(networks)


def current_request():
    return _request.get()


def current_user():
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def current_ip() -> str | None:
    request = _request.get()
    return client_ip(request) if request is not None else None
