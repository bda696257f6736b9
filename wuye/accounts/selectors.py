"""Who may see and manage accounts: decided here and nowhere else.

The three separated administrators (三员分立):

- system administrator (系统管理员): creates accounts, deactivates and reactivates them, resets
  passwords;
- security administrator (安全管理员): assigns role and binding, unlocks locked-out accounts,
  sees login failures;
- auditor (安全审计员): reads the audit trail, and nothing else.

None of them acts on their own account, and none of them sees registry data. The system
administrator does not deactivate or reset the password of another administrator's account: that
would let one administrator log in as another and do the other's work. Those accounts are
handled at the server console (``manage.py changepassword``).
"""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.core.access import get_visible_or_404, refuse
from wuye.core.masking import mask_name
from wuye.registry.models import Estate, Owner, Ownership, PropertyCompany
from wuye.territory.models import Community, Department, District, Street

from .lockout import backoff_until
from .models import ADMIN_ROLES, COMPANY_ROLES, ROLE_BINDING, STAFF_ROLES, ApiToken, Role, User

ACCOUNT_VIEWERS = {Role.SYSADMIN, Role.SECADMIN}


class Action:
    """What an administrator may do to an account."""

    CREATE = "create"
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"
    RESET_PASSWORD = "reset_password"
    ASSIGN_ROLE = "assign_role"
    UNLOCK = "unlock"
    OTP_RESET = "otp_reset"


# The one role each action belongs to.
ACTION_ROLE = {
    Action.CREATE: Role.SYSADMIN,
    Action.DEACTIVATE: Role.SYSADMIN,
    Action.REACTIVATE: Role.SYSADMIN,
    Action.RESET_PASSWORD: Role.SYSADMIN,
    Action.ASSIGN_ROLE: Role.SECADMIN,
    Action.UNLOCK: Role.SECADMIN,
    Action.OTP_RESET: Role.SECADMIN,
}


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_view_accounts(user) -> bool:
    return _active(user) and user.role in ACCOUNT_VIEWERS


def can_do(user, action: str) -> bool:
    """May the user do this kind of action at all (regardless of the target)?"""
    return _active(user) and user.role == ACTION_ROLE[action]


def why_not(user, action: str, target: User | None) -> str:
    """The reason the user may not do ``action`` to ``target``; empty when allowed."""
    if not can_do(user, action):
        return _("该操作不属于您的管理职责（三员分立）。")
    if target is None:
        return ""
    if target.pk == user.pk:
        return _("不能对自己的账号执行此操作。")
    if action in (Action.DEACTIVATE, Action.REACTIVATE, Action.RESET_PASSWORD) and target.role in ADMIN_ROLES:
        return _("管理员账号的停用、启用和密码重置须经另一类管理员审批（双人审批）或在服务器控制台办理。")
    if action == Action.DEACTIVATE and not target.is_active:
        return _("该账号已停用。")
    if action == Action.REACTIVATE and target.is_active:
        return _("该账号已处于启用状态。")
    return ""


def may(user, action: str, target: User | None = None) -> bool:
    return not why_not(user, action, target)


def require_account_admin(user, action: str | None = None) -> None:
    """The gate of the account pages: 404 (audited) for anybody who may not see accounts at all;
    403 (audited) for an administrator asking for the other administrator's work (三员分立)."""
    if not can_view_accounts(user):
        refuse(user=user, model=User, pk="", reason="非账号管理员访问账号管理")
    if action is not None and not can_do(user, action):
        refuse(user=user, model=User, pk="", reason=why_not(user, action, None), status=403)


def locked_out_q_params() -> tuple[int, object]:
    """Failure limit and the earliest attempt time that still counts (django-axes settings)."""
    cooloff = settings.AXES_COOLOFF_TIME
    if isinstance(cooloff, (int, float)):
        cooloff = timedelta(hours=cooloff)
    return settings.AXES_FAILURE_LIMIT, timezone.now() - cooloff


def login_attempts() -> QuerySet:
    """Login failures recorded by django-axes, newest first (for the security administrator)."""
    return AccessAttempt.objects.order_by("-attempt_time")


def locked_attempts() -> QuerySet:
    limit, since = locked_out_q_params()
    return login_attempts().filter(failures_since_start__gte=limit, attempt_time__gte=since)


def is_locked_out(username: str) -> bool:
    return locked_attempts().filter(username=username).exists()


def password_expired(user) -> bool:
    """Must this user change their password before doing anything else? (a temporary password,
    or a staff password older than ``WUYE_PASSWORD_MAX_AGE_DAYS``)."""
    if user.must_change_password:
        return True
    if user.role not in STAFF_ROLES:
        return False
    changed = user.password_changed_at or user.date_joined
    return timezone.now() - changed > timedelta(days=settings.WUYE_PASSWORD_MAX_AGE_DAYS)


def account_refusal(user) -> str:
    """Why this account may not act now, even with a valid session or token (issue 13 item 4):
    inactive, a password to change first, or its username backing off after failed logins."""
    if not user.is_active:
        return str(_("该账号已停用。"))
    if password_expired(user):
        return str(_("您的密码已过期或需首次修改，请先登录网页修改密码。"))
    if backoff_until(user.username):
        return str(_("该账号登录失败次数过多，已暂时锁定，请稍后再试或联系安全管理员解锁。"))
    return ""


def pending_login_user(pk) -> User | None:
    """The active account half-way through a two-factor login (its password was right)."""
    return User.objects.filter(pk=pk, is_active=True).first()


def account_by_username(username: str) -> User | None:
    return User.objects.filter(username=(username or "").strip()).first()


def api_tokens_of(user) -> QuerySet:
    """The user's own API tokens that have not expired, newest first."""
    return ApiToken.objects.filter(user=user).filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())).order_by("-created")


def users_visible_to(user) -> QuerySet[User]:
    """Accounts the user may list: every account for the system and security administrators,
    none for anybody else. Each row knows whether it is locked out (one query for the page)."""
    if not can_view_accounts(user):
        return User.objects.none()
    return User.objects.select_related(
        "district", "street", "community", "department", "company", "estate", "owner"
    ).annotate(is_locked=Exists(locked_attempts().filter(username=OuterRef("username"))))


def account_get_for_user(*, user, pk, action: str | None = None) -> User:
    """The account if the user may see it (404 otherwise); with ``action``, also may do it (403)."""
    target = get_visible_or_404(users_visible_to(user), user=user, pk=pk)
    if action is not None:
        reason = why_not(user, action, target)
        if reason:
            refuse(user=user, model=User, pk=pk, reason=reason, status=403)
    return target


# ---- bindings (for the security administrator's role form) ----------------------------------

BINDING_MODELS = {
    "district": District,
    "street": Street,
    "community": Community,
    "department": Department,
    "company": PropertyCompany,
    "estate": Estate,
    "owner": Owner,
}
_BINDING_RELATED = {"street": ["district"], "community": ["street"]}


def _binding_qs(kind: str) -> QuerySet:
    return BINDING_MODELS[kind].objects.select_related(*_BINDING_RELATED.get(kind, []))


def binding_choices(kind: str) -> QuerySet:
    """Every record one binding field of the role form may name (the form's lookups narrow it)."""
    return BINDING_MODELS[kind].objects.all()


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def binding_label(kind: str, obj) -> str:
    """How a binding is shown in the role form: names of places and organisations; for an owner
    only a masked name and phone (the administrators see no registry data)."""
    if obj is None:
        return ""
    if kind == "owner":
        return f"{mask_name(obj.name)}（{obj.phone_masked or '—'}）"
    if kind == "street":
        return f"{obj.district.name} · {obj.name}"
    if kind == "community":
        return f"{obj.street.name} · {obj.name}"
    if kind == "estate":
        return f"{obj.name}（{obj.address}）"
    return str(obj)


def binding_search(kind: str, q: str, limit: int = 20) -> QuerySet:
    """Candidates for one binding field. Places and organisations by name, code or pinyin
    initials; an owner only by the exact phone or ID number the person gives, never by browsing."""
    model = BINDING_MODELS[kind]
    q = (q or "").strip()
    qs = _binding_qs(kind)
    if kind == "owner":
        if len(q) < 7:
            return qs.none()
        return qs.filter(Q(phone=q) | Q(id_number=q.upper())).order_by("pk")[:limit]
    if not q:
        return qs.order_by("pk")[:limit] if kind in ("district", "department") else qs.none()
    cond = Q(name__icontains=q)
    if _has_field(model, "code") and q.isdigit():
        cond |= Q(code__startswith=q)
    if _has_field(model, "search_key") and q.isascii() and q.isalpha():
        cond |= Q(search_key__startswith=q.lower())
    return qs.filter(cond).order_by("pk")[:limit]


def binding_get(kind: str, pk):
    """One binding candidate by id, or None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return _binding_qs(kind).filter(pk=pk).first()


# ---- who to notify: the one home of "the users of a unit" ----------------------------------------
# Every service that tells a unit about something asks here (complaints, orders, stars, credit,
# disclosures, votes). Unit kinds are the complaint router's (``UnitKind``): company, community,
# street, department, district, city.



def unit_user_field(kind: str) -> str:
    """The attribute of User naming the unit a user works for (``company_id``, ``street_id``…)."""
    if kind == "company":
        return "company_id"
    if kind in ("community", "street", "department", "district"):
        return f"{kind}_id"
    raise KeyError(kind)


def unit_users_of_many(kind: str, pks) -> QuerySet[User]:
    """Active users working for any of the units ``pks`` of one kind (not the city)."""
    if kind == "company":
        return User.objects.filter(is_active=True, company_id__in=pks, role__in=COMPANY_ROLES)
    field = unit_user_field(kind)[:-3]
    roles = [k for k, v in ROLE_BINDING.items() if v == field]
    return User.objects.filter(is_active=True, role__in=roles, **{f"{field}_id__in": pks})


def unit_users(kind: str, pk: int | None) -> QuerySet[User]:
    """Active users working for one unit; the city bureau's officials for ``kind == "city"``."""
    if kind == "city":
        return city_officials()
    return unit_users_of_many(kind, [pk])


def city_officials() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=Role.CITY)


def company_users(company_id: int | None) -> QuerySet[User]:
    """The company's managers and staff."""
    return User.objects.filter(is_active=True, company_id=company_id, role__in=COMPANY_ROLES)


def company_managers(company_id: int | None) -> QuerySet[User]:
    """The company's managers alone (orders and notices that need a responsible person)."""
    return User.objects.filter(is_active=True, company_id=company_id, role=Role.COMPANY_MANAGER)


def district_officials(district_id: int | None) -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=Role.DISTRICT, district_id=district_id)


def official_users(district_id: int | None) -> list[User]:
    """The district authority's officials, or the city bureau's where the district has none."""
    return list(district_officials(district_id)) or list(city_officials())


def committee_users(estate_id: int | None) -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=Role.COMMITTEE, estate_id=estate_id)


OWNER_ROLES = (Role.RESIDENT, Role.COMMITTEE)


def owner_users(estate_id: int | None = None, *, owner_ids=None, roles=OWNER_ROLES) -> QuerySet[User]:
    """Accounts of the estate's owners (residents, and committee members who own a home there);
    ``owner_ids`` (a list or a subquery, e.g. a voter roll) replaces the estate's owners."""
    owners = owner_ids if owner_ids is not None else Ownership.objects.filter(estate_id=estate_id).values("owner_id")
    return User.objects.filter(is_active=True, role__in=roles, owner_id__in=owners)


def estate_officials(estate) -> QuerySet[User]:
    """The estate's committee members, street office and community."""
    return User.objects.filter(is_active=True).filter(
        Q(role=Role.COMMITTEE, estate_id=estate.pk) | Q(role=Role.STREET, street_id=estate.street_id)
        | Q(role=Role.COMMUNITY, community_id=estate.community_id))


def security_admins() -> QuerySet[User]:
    """The active security administrators (alerts about login attacks go to them)."""
    return User.objects.filter(is_active=True, role=Role.SECADMIN)
