"""Idle timeout (30 minutes) and forced change of expired staff passwords."""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .models import STAFF_ROLES

SESSION_KEY = "wuye_last_seen"


def password_expired(user) -> bool:
    if user.must_change_password:
        return True
    if user.role not in STAFF_ROLES:
        return False
    changed = user.password_changed_at or user.date_joined
    return timezone.now() - changed > timedelta(days=settings.WUYE_PASSWORD_MAX_AGE_DAYS)


class SessionSecurityMiddleware:
    EXEMPT_PREFIXES = ("/static/", "/accounts/logout/", "/accounts/password/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        uses_session = user is not None and user.is_authenticated and not request.META.get("HTTP_AUTHORIZATION")
        if uses_session:
            now = time.time()
            last = request.session.get(SESSION_KEY)
            if last is not None and now - last > settings.WUYE_IDLE_TIMEOUT_SECONDS:
                logout(request)
                messages.info(request, "您已 30 分钟未操作，为保障安全已自动退出，请重新登录。")
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            request.session[SESSION_KEY] = now
            if (
                password_expired(user)
                and not request.path.startswith(self.EXEMPT_PREFIXES)
                and not request.path.startswith("/api/")
            ):
                messages.warning(request, "您的密码已超过 90 天未修改（或需首次修改），请先设置新密码。")
                return redirect("accounts:password_change")
        return self.get_response(request)
