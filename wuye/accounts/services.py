"""Every write to accounts. Keyword-only arguments, one transaction, an ``ACCOUNT`` (or
``PASSWORD``) audit row with the fields before and after. Passwords never enter an audit row.

Each service checks the three-administrator rules itself (selectors.may), so that no caller —
page, command or API — can skip them.
"""

from __future__ import annotations

import secrets

from axes.utils import reset
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from wuye.core.audit import audit_record, model_changes
from wuye.core.errors import ServiceError
from wuye.core.masking import mask_phone
from wuye.core.models import AuditAction
from wuye.notifications.services import notify

from .lockout import backoff_refresh, backoff_until, username_failures
from .models import ADMIN_ROLES, ROLE_BINDING, ApiToken, Role, User
from .selectors import Action, security_admins, why_not
from .tokens import token_create

BINDING_FIELDS = ("district", "street", "community", "department", "company", "estate", "owner")
# The fields an ACCOUNT audit row compares before and after (never the password hash).
AUDITED_FIELDS = ("username", "full_name", "phone", "role", *BINDING_FIELDS, "is_active", "must_change_password")

_ALPHABET = {
    "lower": "abcdefghijkmnpqrstuvwxyz",
    "upper": "ABCDEFGHJKLMNPQRSTUVWXYZ",
    "digit": "23456789",
    "symbol": "@#%+=!?",
}


def _state(user: User) -> dict:
    out = {}
    for name in AUDITED_FIELDS:
        attname = f"{name}_id" if name in BINDING_FIELDS else name
        out[name] = getattr(user, attname)
    return out


def _check(actor, action: str, target: User | None) -> None:
    reason = why_not(actor, action, target)
    if reason:
        raise PermissionDenied(reason)


def _audit(*, actor, user: User, before: dict, detail: str, username: str = "") -> None:
    audit_record(
        action=AuditAction.ACCOUNT,
        actor=actor,
        username=username,
        obj=user,
        object_repr=user.username,
        changes=model_changes(before, _state(user)),
        detail=detail,
    )


def generate_password(length: int = 12) -> str:
    """A temporary password that meets the policy: every character class, no look-alikes."""
    rng = secrets.SystemRandom()
    chars = [rng.choice(group) for group in _ALPHABET.values()]
    pool = "".join(_ALPHABET.values())
    chars += [rng.choice(pool) for _ in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


def _temporary_password(user: User) -> str:
    while True:
        password = generate_password()
        try:
            password_validation.validate_password(password, user)
        except ValidationError:
            continue
        return password


def _send_temporary_password(user: User, password: str) -> str:
    """Send a temporary password to the account holder's own phone (SMS) and e-mail, never to the
    administrator (issue 13 item 8: the reset no longer shows the password; in the demo the SMS
    goes to the SMS log). Returns where it went, masked ("138****5678")."""
    if not (user.phone or user.email):
        raise ServiceError(gettext("该账号未登记手机号码或电子邮箱，无法发送临时密码，请先补充联系方式。"))
    body = gettext("【物业服务监管平台】账号 %(username)s 的临时密码为 %(password)s，请尽快登录并设置新密码。") % {
        "username": user.username, "password": password}
    notify(phones=[user.phone] if user.phone else [], emails=[user.email] if user.email else [],
           channels=("sms", "email"), subject=gettext("临时密码"), body=body, category="account")
    return mask_phone(user.phone) if user.phone else user.email.split("@")[0][:1] + "***@" + user.email.split("@")[-1]


def _set_temporary_password(user: User) -> str:
    """A new temporary password that must be changed before anything else (item 4's
    middleware); every API token of the account is revoked."""
    password = _temporary_password(user)
    user.set_password(password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    api_tokens_revoke_all(user=user, reason="重置密码")
    return password


# ---- system administrator -------------------------------------------------------------------


def account_create(*, actor, username: str, full_name: str, phone: str = "", email: str = "") -> tuple[User, str]:
    """A new account with no role yet (the security administrator assigns it) and a temporary
    password that must be changed at first login, sent to the new user's phone or e-mail (never
    shown to the administrator). Returns the account and where the password went (masked)."""
    _check(actor, Action.CREATE, None)
    return account_insert(actor=actor, username=username, full_name=full_name, phone=phone, email=email)


def account_insert(*, actor, username: str, full_name: str, phone: str = "", email: str = "",
                    role: str = Role.NONE, console_user: str = "", detail: str = "新建账号（未分配角色）") -> tuple[User, str]:
    """Create an account after the caller's checks (the system administrator's service above, an
    approved two-person proposal, the console command)."""
    username = (username or "").strip()
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        raise ServiceError({"phone": gettext("电话号码格式不正确。")})
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ServiceError({"username": gettext("该用户名已被使用，请换一个。")})
        user = User(username=username, full_name=(full_name or "").strip(), phone=phone, role=role,
                    email=(email or "").strip(), must_change_password=True, password_changed_at=timezone.now())
        password = _temporary_password(user) if (user.phone or user.email) else None
        user.set_password(password)  # None: unusable until a contact is registered and the password reset
        user.full_clean(exclude=["password"])
        user.save(force_insert=True)
        sent_to = _send_temporary_password(user, password) if password else ""
        audit_record(
            action=AuditAction.ACCOUNT, actor=actor, obj=user, object_repr=user.username, username=console_user,
            changes=model_changes({}, _state(user)),
            detail=f"{detail}，临时密码已发送至 {sent_to}" if sent_to else f"{detail}（未登记联系方式，暂不能登录）",
        )
    return user, sent_to


def account_active_set(*, actor, user: User, action, active: bool, unchanged: str, detail: str, check: bool = True,
                console_user: str = "") -> User:
    if check:
        _check(actor, action, user)
    with transaction.atomic():
        before = _state(user)
        changed = User.objects.filter(pk=user.pk, is_active=not active).update(is_active=active)
        if not changed:
            raise ServiceError(unchanged)
        user.is_active = active
        if not active:
            api_tokens_revoke_all(user=user, reason="停用账号")
        _audit(actor=actor, user=user, before=before, detail=detail, username=console_user)
    return user


def account_deactivate(*, actor, user: User) -> User:
    """Accounts are never deleted: a deactivated account cannot log in, and its open sessions end
    at their next request."""
    return account_active_set(actor=actor, user=user, action=Action.DEACTIVATE, active=False,
                       unchanged=gettext("该账号已被停用。"), detail="停用账号")


def account_reactivate(*, actor, user: User) -> User:
    return account_active_set(actor=actor, user=user, action=Action.REACTIVATE, active=True,
                       unchanged=gettext("该账号已处于启用状态。"), detail="启用账号")


def account_reset_password(*, actor, user: User, console_user: str = "", check: bool = True) -> str:
    """Give the account a new temporary password, sent to the user's own phone or e-mail (the
    administrator never sees it); it must be changed before anything else, and every API token
    of the account is revoked. Returns where it went (masked). ``actor=None`` with
    ``console_user``: the server console (manage.py) or an approved two-person proposal."""
    if check:
        _check(actor, Action.RESET_PASSWORD, user)
    with transaction.atomic():
        before = _state(user)
        password = _set_temporary_password(user)
        sent_to = _send_temporary_password(user, password)
        _audit(actor=actor, user=user, before=before, username=console_user,
               detail=f"重置密码（临时密码已发送至 {sent_to}，须在下次登录时修改）")
    return sent_to


# ---- security administrator -----------------------------------------------------------------


def account_assign_role(*, actor, user: User, role: str, **binding) -> User:
    """Set the account's role and its one binding (a district, street, community, department,
    company, estate or owner, as the role requires); the other bindings are cleared."""
    _check(actor, Action.ASSIGN_ROLE, user)
    if role not in Role.values:
        raise ServiceError({"role": gettext("请选择有效的角色。")})
    if role in ADMIN_ROLES or user.role in ADMIN_ROLES:
        # 三员分立 (issue 13 item 8): no administrator role is granted, changed or removed by one
        # person — a two-person proposal (accounts.proposals) or the server console does it.
        raise PermissionDenied(gettext("授予、变更或撤销管理员角色须经另一类管理员审批（双人审批），或在服务器控制台办理。"))
    return account_role_set(actor=actor, user=user, role=role, **binding)


def account_role_set(*, actor, user: User, role: str, username: str = "", detail: str = "分配角色与所属单位",
              **binding) -> User:
    """Set role and binding after the caller's checks (the security administrator's service above,
    an approved proposal, the console command)."""
    if role not in Role.values:
        raise ServiceError({"role": gettext("请选择有效的角色。")})
    unknown = set(binding) - set(BINDING_FIELDS)
    if unknown:
        raise ServiceError(gettext("未知的绑定项：%(names)s") % {"names": "、".join(sorted(unknown))})
    needed = ROLE_BINDING[role]
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = _state(user)
        user.role = role
        for name in BINDING_FIELDS:
            setattr(user, name, binding.get(name) if name == needed else None)
        try:
            user.clean()
        except ValidationError as exc:
            raise ServiceError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
        if before == _state(user):
            return user
        user.save(update_fields=["role", *BINDING_FIELDS])
        _audit(actor=actor, user=user, before=before, detail=detail, username=username)
    return user


def account_unlock(*, actor, username: str) -> int:
    """Clear the login failures of ``username`` (django-axes), ending a lockout. Works for names
    that have no account too (an attacker's guesses). Returns the number of records cleared."""
    target = User.objects.filter(username=username).first()
    _check(actor, Action.UNLOCK, target)
    with transaction.atomic():
        cleared = reset(username=username)
        backing_off = backoff_until(username) is not None
        if backing_off:
            cleared = cleared or 1  # the per-username back-off counts failures after this row only
        if cleared:
            audit_record(
                action=AuditAction.ACCOUNT, actor=actor, obj=target, object_type="accounts.user",
                object_id=target.pk if target else "", object_repr=username,
                changes={"locked": [True, False]}, detail=f"解除登录锁定（清除 {cleared} 条失败记录）",
            )
        if backing_off:
            backoff_refresh(username)
    return cleared


# ---- every user -----------------------------------------------------------------------------


@transaction.atomic
def api_token_issue(*, user: User, name: str = "") -> str:
    """A new API token for ``user`` (one per device or system; hashed at rest; expires), audited.
    Returns the token, which is shown only now."""
    record, token = token_create(user, name)
    audit_record(action=AuditAction.TOKEN, actor=user, obj=user, object_repr=user.username,
                 detail=f"签发 API 令牌 {record.token_key[:8]}…（{record.name or '未命名'}）")
    return token


@transaction.atomic
def api_token_revoke(*, user: User, token_key: str) -> int:
    """Revoke one of the user's own tokens (by the key shown on the token page). Returns 0 or 1."""
    n, _detail = ApiToken.objects.filter(user=user, token_key=token_key).delete()
    if n:
        audit_record(action=AuditAction.TOKEN, actor=user, obj=user, object_repr=user.username,
                     changes={"revoked": [token_key[:8]]}, detail=f"吊销 API 令牌 {token_key[:8]}…")
    return n


@transaction.atomic
def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every API token of ``user`` (password change, reset, deactivation)."""
    n, _detail = ApiToken.objects.filter(user=user).delete()
    if n:
        audit_record(action=AuditAction.TOKEN, actor=None, obj=user, object_repr=user.username,
                     changes={"revoked": n}, detail=f"吊销全部 API 令牌（{reason}）")
    return n


def login_failures_watch(*, username: str) -> bool:
    """After a failed login: when ``username`` failed from ``WUYE_USERNAME_ALERT_ADDRESSES`` or
    more client addresses within the hour, tell the security administrators (once an hour per
    username; issue 13 item 7). Returns whether an alert was written."""
    username = (username or "")[:150]
    if not username:
        return False
    backoff_refresh(username)
    failures = username_failures(username)
    if failures.addresses < settings.WUYE_USERNAME_ALERT_ADDRESSES:
        return False
    bucket = int(timezone.now().timestamp() // 3600)
    written = notify(
        users=list(security_admins()), channels=("inapp", "sms"), category="security",
        subject=gettext("疑似撞库攻击：账号 %(name)s") % {"name": username},
        body=gettext("账号 %(name)s 在一小时内从 %(n)s 个不同地址登录失败 %(count)s 次，请核查登录失败记录。") % {
            "name": username, "n": failures.addresses, "count": failures.count},
        url=f"/accounts/login-failures/?username={username}",
        dedup_key=f"accounts.login_spray:{username}:{bucket}",
    )
    return bool(written)


def password_change(*, user: User, new_password: str) -> User:
    """The user's own change of password: validated against the policy, the clock of the
    90-day expiry restarts and a forced change is satisfied."""
    password_validation.validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.password_changed_at = timezone.now()
        was_forced = user.must_change_password
        user.must_change_password = False
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        api_tokens_revoke_all(user=user, reason="修改密码")
        audit_record(
            action=AuditAction.PASSWORD, actor=user, obj=user, object_repr=user.username,
            changes={"must_change_password": [True, False]} if was_forced else {},
            detail="修改本人密码",
        )
    return user


# ---- demo data ------------------------------------------------------------------------------


def demo_logins_disable(*, actor=None, console_user: str = "console") -> list[str]:
    """Deactivate every demo login (settings.WUYE_DEMO_USERNAMES) that is still active, so that
    ``check --deploy`` passes. Run from the server console. Returns the usernames deactivated."""
    done = []
    with transaction.atomic():
        for user in User.objects.select_for_update().filter(
            username__in=settings.WUYE_DEMO_USERNAMES, is_active=True
        ).order_by("username"):
            before = _state(user)
            user.is_active = False
            user.save(update_fields=["is_active"])
            _audit(actor=actor, user=user, before=before, detail="停用演示账号（生产部署前）", username=console_user)
            done.append(user.username)
    return done
