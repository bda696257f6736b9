"""API tokens (issue 13 item 5): django-rest-knox tokens, hashed at rest, with an expiry, several
per user, revocable one by one or all at once.

``TokenAuthentication`` is knox's scheme (``Authorization: Token <令牌>``) that also makes a token
obey the account's state (item 4): an inactive account, a password that must be changed, or an
account locked out after failed logins is refused, with the reason in Chinese.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

from .models import ApiToken, User


def token_ttl(user: User) -> timedelta:
    """How long a new token of ``user`` lives: ``WUYE_API_TOKEN_HOURS`` (12 h) for people;
    ``WUYE_API_SYSTEM_TOKEN_DAYS`` for the service accounts of partner systems
    (``WUYE_API_SYSTEM_USERS``). Open311 partners use their own ``api_key`` (cases.open311.keys)."""
    if user.username in settings.WUYE_API_SYSTEM_USERS:
        return timedelta(days=settings.WUYE_API_SYSTEM_TOKEN_DAYS)
    return timedelta(hours=settings.WUYE_API_TOKEN_HOURS)


def token_create(user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token row and the token itself (shown once); the user's expired tokens are purged.
    Callers audit (services.api_token_issue)."""
    ApiToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    return ApiToken.objects.create(user, expiry=token_ttl(user), name=(name or "").strip()[:100])


class TokenAuthentication(KnoxTokenAuthentication):
    def _cleanup_token(self, auth_token) -> bool:
        """Only this token's own expiry (knox also sweeps the user's other tokens on every request,
        one more query each time; expired tokens are purged when the user asks for a new one)."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def validate_user(self, auth_token):
        from .selectors import account_refusal  # selectors import this module's callers

        user = auth_token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("该账号已停用，令牌失效。"))
        reason = account_refusal(user)
        if reason:
            raise exceptions.PermissionDenied(reason)
        return user, auth_token


class TokenScheme(OpenApiAuthenticationExtension):
    """The scheme in ``/api/schema/``: the same ``tokenAuth`` as before the token lifecycle."""

    target_class = "wuye.accounts.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": _("API 令牌，格式为 “Token <令牌>”（POST /api/v1/auth/token/ 申请，默认 12 小时有效）")}
