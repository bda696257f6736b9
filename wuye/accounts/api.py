"""``POST /api/v1/auth/token/``: an API token for a username and password.

The password is checked by Django's ``authenticate`` with the underlying request, so the login
lockout (django-axes: 5 failures) and the audit of failed logins (``signals.py``) apply to the
API exactly as to the login page. A token is refused while the password has expired: the
forced change of staff passwords cannot be sidestepped through the API.
"""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from wuye.core.audit import audit_record
from wuye.core.models import AuditAction

from .middleware import password_expired
from .services import api_token_issue

WRONG_CREDENTIALS = _("用户名或密码不正确。连续输错 5 次，账号将被锁定 30 分钟。")
LOCKED = _("登录失败次数过多，账号已被临时锁定，请 30 分钟后再试或联系安全管理员解锁。")
PASSWORD_EXPIRED = _("您的密码已过期或需首次修改，请先登录网页修改密码，再申请令牌。")


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"), max_length=150)
    password = serializers.CharField(label=_("密码"), trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(label=_("令牌"), help_text=_("请求时放在请求头中：Authorization: Token <令牌>"))


_Detail = inline_serializer("TokenError", fields={"detail": serializers.CharField()})


@extend_schema(
    tags=[_("认证")],
    summary=_("申请 API 令牌"),
    description=_(
        "用用户名和密码换取 API 令牌，之后在请求头中携带 `Authorization: Token <令牌>` 调用其他接口。"
        "连续输错 5 次密码将锁定账号 30 分钟；申请成功与失败均记入审计日志。"
    ),
    request=TokenRequestSerializer,
    responses={
        200: TokenSerializer,
        400: OpenApiResponse(_Detail, description=_("用户名或密码不正确")),
        403: OpenApiResponse(_Detail, description=_("密码已过期，须先在网页修改")),
        429: OpenApiResponse(_Detail, description=_("账号已被锁定")),
    },
    examples=[OpenApiExample(_("申请令牌"), value={"username": "district", "password": "********"}, request_only=True)],
    auth=[],
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
def obtain_token(request):
    form = TokenRequestSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    http_request = request._request  # axes keeps its lockout state on the Django request
    user = authenticate(http_request, username=form.validated_data["username"],
                        password=form.validated_data["password"])
    if user is None:
        # The failure itself is audited by the user_login_failed receiver.
        if getattr(http_request, "axes_locked_out", False):
            return Response({"detail": LOCKED}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        return Response({"detail": WRONG_CREDENTIALS}, status=status.HTTP_400_BAD_REQUEST)
    if password_expired(user):
        audit_record(action=AuditAction.LOGIN_FAILED, actor=user, obj=user, object_repr=user.username,
                     detail="密码已过期，拒绝签发 API 令牌")
        return Response({"detail": PASSWORD_EXPIRED}, status=status.HTTP_403_FORBIDDEN)
    return Response({"token": api_token_issue(user=user)})
