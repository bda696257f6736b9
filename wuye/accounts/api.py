"""``/api/v1/auth/token/``: API tokens (issue 13 item 5).

``POST`` gives a new token for a username and password (and, for accounts with two-factor
authentication, the current code in ``otp``). The password is checked by Django's ``authenticate``
with the underlying request, so the login lockout (django-axes on username and client address,
and the per-username back-off) and the audit of failed logins apply to the API exactly as to the
login page. A token is refused while the password must be changed. ``DELETE`` revokes the token
the request is made with. Tokens are hashed at rest and expire (``accounts.tokens``).
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

from .otp import otp_enrolled, otp_match, otp_required
from .selectors import password_expired
from .services import api_token_issue, api_token_revoke
from .tokens import TokenAuthentication

WRONG_CREDENTIALS = _("用户名或密码不正确。连续输错 5 次，账号将被锁定 30 分钟。")
LOCKED = _("登录失败次数过多，账号已被临时锁定，请 30 分钟后再试或联系安全管理员解锁。")
PASSWORD_EXPIRED = _("您的密码已过期或需首次修改，请先登录网页修改密码，再申请令牌。")
OTP_NEEDED = _("该账号须双因素认证：请在 otp 字段提交身份验证器上的 6 位动态码（或一个恢复码）。")
OTP_WRONG = _("动态验证码不正确或已过期。")
OTP_NOT_ENROLLED = _("该账号须双因素认证，但尚未绑定身份验证器：请先登录网页完成绑定，再申请令牌。")
NOT_A_TOKEN = _("当前请求未使用 API 令牌，无可吊销的令牌。")


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"), max_length=150)
    password = serializers.CharField(label=_("密码"), trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(label=_("动态验证码"), max_length=16, required=False, allow_blank=True,
                                help_text=_("须双因素认证的账号（管理员等）：身份验证器上的 6 位动态码或一个恢复码"))
    name = serializers.CharField(label=_("设备或系统"), max_length=100, required=False, allow_blank=True,
                                 help_text=_("令牌用于哪台设备或哪个对接系统，便于在“我的 API 令牌”页面识别和吊销"))


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(label=_("令牌"), help_text=_("请求时放在请求头中：Authorization: Token <令牌>"))


_Detail = inline_serializer("TokenError", fields={"detail": serializers.CharField()})


@extend_schema(
    methods=["POST"],
    tags=[_("认证")],
    summary=_("申请 API 令牌"),
    description=_(
        "用用户名和密码换取 API 令牌，之后在请求头中携带 `Authorization: Token <令牌>` 调用其他接口。"
        "令牌默认 12 小时后失效，可多次申请（每台设备或每个系统一个），修改或重置密码、停用账号时全部作废。"
        "管理员等须双因素认证的账号须同时提交 `otp`。"
        "同一地址连续输错 5 次密码将锁定该账号在此地址的登录 30 分钟；申请成功与失败均记入审计日志。"
    ),
    request=TokenRequestSerializer,
    responses={
        200: TokenSerializer,
        400: OpenApiResponse(_Detail, description=_("用户名、密码或动态验证码不正确")),
        403: OpenApiResponse(_Detail, description=_("密码已过期须先在网页修改，或尚未绑定身份验证器")),
        429: OpenApiResponse(_Detail, description=_("账号已被锁定")),
    },
    examples=[OpenApiExample(_("申请令牌"), value={"username": "district", "password": "********"}, request_only=True)],
    auth=[],
)
@extend_schema(
    methods=["DELETE"],
    tags=[_("认证")],
    summary=_("吊销当前 API 令牌"),
    description=_("吊销本次请求所用的令牌（退出登录）。其他令牌可在网页“我的 API 令牌”中吊销。"),
    request=None,
    responses={204: None, 400: OpenApiResponse(_Detail, description=_("请求未使用 API 令牌"))},
)
@api_view(["POST", "DELETE"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
def obtain_token(request):
    if request.method == "DELETE":
        return _revoke_current(request)
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
    if otp_required(user):
        refusal = _second_factor_refusal(user, form.validated_data.get("otp", ""))
        if refusal is not None:
            return refusal
    return Response({"token": api_token_issue(user=user, name=form.validated_data.get("name", ""))})


def _second_factor_refusal(user, code: str):
    """None when the code is right; otherwise the refusal (audited)."""
    if not otp_enrolled(user):
        audit_record(action=AuditAction.LOGIN_FAILED, actor=user, obj=user, object_repr=user.username,
                     detail="未绑定双因素身份验证器，拒绝签发 API 令牌")
        return Response({"detail": OTP_NOT_ENROLLED}, status=status.HTTP_403_FORBIDDEN)
    if not (code or "").strip():
        return Response({"detail": OTP_NEEDED}, status=status.HTTP_400_BAD_REQUEST)
    if otp_match(user, code) is None:
        audit_record(action=AuditAction.LOGIN_FAILED, actor=user, obj=user, object_repr=user.username,
                     detail="动态验证码错误，拒绝签发 API 令牌")
        return Response({"detail": OTP_WRONG}, status=status.HTTP_400_BAD_REQUEST)
    return None


def _revoke_current(request):
    result = TokenAuthentication().authenticate(request)
    if result is None:
        return Response({"detail": NOT_A_TOKEN}, status=status.HTTP_400_BAD_REQUEST)
    user, token = result
    api_token_revoke(user=user, token_key=token.token_key)
    return Response(status=status.HTTP_204_NO_CONTENT)
