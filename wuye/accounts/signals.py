"""Audit rows for logins, failed logins and logouts (issue §11).

A failed login records the username that was tried and never the password: Django hands the
receivers credentials with the password already blanked out, and only the username is read here.
"""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from wuye.core.audit import audit_record
from wuye.core.models import AuditAction
from wuye.core.request_context import client_ip

from .middleware import SESSION_KEY

LOGOUT_REASON_ATTR = "wuye_logout_reason"


def _ip(request):
    return client_ip(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="wuye_audit_login")
def audit_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = time.time()
    audit_record(action=AuditAction.LOGIN, actor=user, obj=user, object_repr=user.username, ip=_ip(request),
                 detail="登录成功")


@receiver(user_login_failed, dispatch_uid="wuye_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username") or "")[:150]
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        actor=None,
        username=username,
        object_type="accounts.user",
        object_repr=username,
        ip=_ip(request),
        detail="账号已锁定，拒绝登录" if locked else "用户名或密码错误",
    )
    # One username failing from many addresses: tell the security administrators (item 7).
    from .services import login_failures_watch  # services import the notification app's models

    login_failures_watch(username=username)


@receiver(user_logged_out, dispatch_uid="wuye_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, LOGOUT_REASON_ATTR, "") if request is not None else ""
    audit_record(action=AuditAction.LOGOUT, actor=user, obj=user, object_repr=user.username, ip=_ip(request),
                 detail=reason or "退出登录")
