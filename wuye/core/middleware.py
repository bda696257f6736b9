from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from .audit import anonymous_denied_limited
from .request_context import client_ip, reset_request, set_request


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request(request)
        try:
            return self.get_response(request)
        finally:
            reset_request(token)


class AnonymousDeniedLimitMiddleware:
    """An anonymous client refused more than ``WUYE_ANON_DENIED_PER_MINUTE`` times in this minute
    gets 429 for its further anonymous requests until the minute ends, without reaching a view or
    the audit trail (issue 13 §12; GB/T 22239-2019 8.1.4.4 入侵防范, ASVS 4.0 V11.1.4 / V7.1.3).
    Requests carrying credentials (a logged-in session, an Authorization header) pass."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        anonymous = not (user is not None and user.is_authenticated) and "HTTP_AUTHORIZATION" not in request.META
        if anonymous and anonymous_denied_limited(client_ip(request)):
            response = render(request, "429.html", {
                "rate_limited": True,
                "message": _("来自您所在地址的被拒绝请求过多，请一分钟后再试。"),
            }, status=429)
            response["Retry-After"] = "60"
            return response
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer to a logged-in user or an API client with
    credentials (pages and API carry personal data) and on every reveal, so that neither the
    browser nor a proxy keeps a copy (issue 13 §11; GB/T 22239-2019 8.1.4.10 剩余信息保护,
    ASVS 4.0 V8.2.1). Anonymous public pages keep their own caching headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = (
            (user is not None and user.is_authenticated)
            or "HTTP_AUTHORIZATION" in request.META
            or "reveal" in request.path
        )
        if personal:
            patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
            response.headers.pop("Expires", None)
        return response
