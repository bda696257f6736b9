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
from rest_framework.authtoken.models import Token

from wuye.core.audit import audit_record, model_changes
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction

from .models import ROLE_BINDING, Role, User
from .selectors import Action, why_not

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


# ---- system administrator -------------------------------------------------------------------


def account_create(*, actor, username: str, full_name: str, phone: str = "") -> tuple[User, str]:
    """A new account with no role yet (the security administrator assigns it) and a temporary
    password that must be changed at first login. Returns the account and that password."""
    _check(actor, Action.CREATE, None)
    username = (username or "").strip()
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        raise ServiceError({"phone": gettext("电话号码格式不正确。")})
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ServiceError({"username": gettext("该用户名已被使用，请换一个。")})
        user = User(username=username, full_name=(full_name or "").strip(), phone=phone, role=Role.NONE,
                    must_change_password=True, password_changed_at=timezone.now())
        password = _temporary_password(user)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(force_insert=True)
        audit_record(
            action=AuditAction.ACCOUNT, actor=actor, obj=user, object_repr=user.username,
            changes=model_changes({}, _state(user)), detail="新建账号（未分配角色）",
        )
    return user, password


def _set_active(*, actor, user: User, action, active: bool, unchanged: str, detail: str) -> User:
    _check(actor, action, user)
    with transaction.atomic():
        before = _state(user)
        changed = User.objects.filter(pk=user.pk, is_active=not active).update(is_active=active)
        if not changed:
            raise ServiceError(unchanged)
        user.is_active = active
        _audit(actor=actor, user=user, before=before, detail=detail)
    return user


def account_deactivate(*, actor, user: User) -> User:
    """Accounts are never deleted: a deactivated account cannot log in, and its open sessions end
    at their next request."""
    return _set_active(actor=actor, user=user, action=Action.DEACTIVATE, active=False,
                       unchanged=gettext("该账号已被停用。"), detail="停用账号")


def account_reactivate(*, actor, user: User) -> User:
    return _set_active(actor=actor, user=user, action=Action.REACTIVATE, active=True,
                       unchanged=gettext("该账号已处于启用状态。"), detail="启用账号")


def account_reset_password(*, actor, user: User) -> str:
    """Give the account a new temporary password that must be changed at next login."""
    _check(actor, Action.RESET_PASSWORD, user)
    with transaction.atomic():
        before = _state(user)
        password = _temporary_password(user)
        user.set_password(password)
        user.must_change_password = True
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        _audit(actor=actor, user=user, before=before, detail="重置密码（须在下次登录时修改）")
    return password


# ---- security administrator -----------------------------------------------------------------


def account_assign_role(*, actor, user: User, role: str, **binding) -> User:
    """Set the account's role and its one binding (a district, street, community, department,
    company, estate or owner, as the role requires); the other bindings are cleared."""
    _check(actor, Action.ASSIGN_ROLE, user)
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
        _audit(actor=actor, user=user, before=before, detail="分配角色与所属单位")
    return user


def account_unlock(*, actor, username: str) -> int:
    """Clear the login failures of ``username`` (django-axes), ending a lockout. Works for names
    that have no account too (an attacker's guesses). Returns the number of records cleared."""
    target = User.objects.filter(username=username).first()
    _check(actor, Action.UNLOCK, target)
    with transaction.atomic():
        cleared = reset(username=username)
        if cleared:
            audit_record(
                action=AuditAction.ACCOUNT, actor=actor, obj=target, object_type="accounts.user",
                object_id=target.pk if target else "", object_repr=username,
                changes={"locked": [True, False]}, detail=f"解除登录锁定（清除 {cleared} 条失败记录）",
            )
    return cleared


# ---- every user -----------------------------------------------------------------------------


@transaction.atomic
def api_token_issue(*, user: User) -> str:
    """The user's API token (issued on the first request, the same one after), audited."""
    token, created = Token.objects.get_or_create(user=user)
    audit_record(action=AuditAction.TOKEN, actor=user, obj=user, object_repr=user.username,
                 detail="签发 API 令牌" if created else "取回已签发的 API 令牌")
    return token.key


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
