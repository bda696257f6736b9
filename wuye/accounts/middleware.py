"""Idle timeout (30 minutes) and forced change of expired staff passwords (issue §10).

- A browser session idle for longer than ``WUYE_IDLE_TIMEOUT_SECONDS`` is logged out (audited as a
  logout with its reason) and sent to the login page; an htmx request is told to go there with
  ``HX-Redirect``; an API call just continues as anonymous (and is refused by the API).
- The time of the last request is written to the session at most once a minute, so that reading a
  page does not write the session row every time.
- A user who must change their password (a temporary password, or a staff password older than
  ``WUYE_PASSWORD_MAX_AGE_DAYS``) can only reach the password page, logout and static files until
  they do; the session-authenticated API answers 403 with the reason.
Token-authenticated API calls carry no session; ``accounts.tokens.TokenAuthentication`` refuses a
token of an account that is inactive, must change its password or is backing off (issue 13 item 4).
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import password_expired

SESSION_KEY = "wuye_last_seen"
# Write the last-seen time at most this often (seconds); the timeout is measured in minutes.
TOUCH_INTERVAL = 60


def _to(request, url: str):
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class SessionSecurityMiddleware:
    EXEMPT_PREFIXES = ("/static/", "/accounts/logout/", "/accounts/password/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Every request that carries an authenticated session obeys the rules, whatever other
        # headers it carries (issue 13 item 4: "Authorization: Basic x" no longer skips them).
        # Token requests are authenticated later by DRF (accounts.tokens checks the account).
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        is_api = request.path.startswith("/api/")

        now = time.time()
        last = request.session.get(SESSION_KEY)
        if last is not None and now - last > settings.WUYE_IDLE_TIMEOUT_SECONDS:
            request.wuye_logout_reason = _("空闲超时自动退出")
            logout(request)
            if is_api:
                return self.get_response(request)
            minutes = settings.WUYE_IDLE_TIMEOUT_SECONDS // 60
            messages.info(request, _("您已 %(minutes)s 分钟未操作，为保障安全已自动退出，请重新登录。") % {"minutes": minutes})
            login_url = reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path()})
            return _to(request, login_url)
        if last is None or now - last >= TOUCH_INTERVAL:
            request.session[SESSION_KEY] = now

        if password_expired(user) and not request.path.startswith(self.EXEMPT_PREFIXES):
            if user.must_change_password:
                reason = _("您正在使用临时密码，请先设置新密码。")
            else:
                reason = _("您的密码已超过 %(days)s 天未修改，请先设置新密码。") % {
                    "days": settings.WUYE_PASSWORD_MAX_AGE_DAYS
                }
            if is_api:
                return JsonResponse({"detail": reason}, status=403)
            messages.warning(request, reason)
            url = reverse("accounts:password_change")
            if request.method == "GET" and not getattr(request, "htmx", False):
                url += "?" + urlencode({"next": request.get_full_path()})
            return _to(request, url)
        return self.get_response(request)
