"""Login, logout, own password, lockout page, and the administrators' account pages.

Views read input, call one selector or service and render; the rules are in ``selectors`` and
``services``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wuye.core.audit import audit_record
from wuye.core.listing import page_window, paginate
from wuye.core.models import AuditAction
from wuye.core.request_context import client_ip

from . import selectors, services
from .forms import AccountCreateForm, LoginForm, OwnPasswordChangeForm, RoleAssignForm, UserFilter
from .models import ROLE_BINDING, User
from .otp import otp_enrolled, otp_required
from .selectors import Action
from .views_security import otp_begin

# ---- login, logout, lockout, own password ---------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "lockout_minutes": _cooloff_minutes(),
            "idle_minutes": settings.WUYE_IDLE_TIMEOUT_SECONDS // 60,
            "max_age_days": settings.WUYE_PASSWORD_MAX_AGE_DAYS,
        })
        return context

    def form_valid(self, form):
        """The password is right. An account that needs a second factor (issue 13 item 6) is not
        logged in yet: the code (or the enrolment of an authenticator) comes first."""
        user = form.get_user()
        if otp_required(user):
            return otp_begin(self.request, user, self.get_success_url())
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    """Logout by POST only (Django refuses GET)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("您已安全退出。"))
        return response


def _cooloff_minutes() -> int:
    cooloff = settings.AXES_COOLOFF_TIME
    seconds = cooloff.total_seconds() if hasattr(cooloff, "total_seconds") else float(cooloff) * 3600
    return int(seconds // 60)


def lockout(request, credentials, *args, **kwargs):
    """``AXES_LOCKOUT_CALLABLE``: a login refused because of too many failures. Writes a LOCKED
    audit row and answers 429 (a Chinese page, or JSON for the API)."""
    username = str((credentials or {}).get("username") or request.POST.get("username") or "")[:150]
    audit_record(
        action=AuditAction.LOCKED,
        actor=None,
        username=username,
        object_type="accounts.user",
        object_repr=username,
        ip=client_ip(request),
        detail=("该账号在多个地址登录失败次数过多，暂停登录" if getattr(request, "wuye_backoff", False)
                else f"同一地址连续 {settings.AXES_FAILURE_LIMIT} 次登录失败，锁定 {_cooloff_minutes()} 分钟"),
    )
    minutes = _cooloff_minutes()
    message = _("登录失败次数过多，账号已锁定 %(minutes)s 分钟，请稍后再试或联系安全管理员解锁。") % {"minutes": minutes}
    if getattr(request, "wuye_backoff", False):
        message = _("该账号近期在多个地址登录失败次数过多，已暂停登录，请稍后再试或联系安全管理员。")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(
        request, "429.html",
        {"username": username, "limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes, "message": message,
         "backoff": getattr(request, "wuye_backoff", False)},
        status=429,
    )


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def password_change(request):
    form = OwnPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(user=request.user, new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect(_safe_next(request, reverse("portal:home")))
    return render(request, "accounts/password_change.html", {
        "form": form,
        "next": _safe_next(request, ""),
        "max_age_days": settings.WUYE_PASSWORD_MAX_AGE_DAYS,
    })


# ---- the administrators' account pages ------------------------------------------------------


def _actions(user, target: User) -> dict:
    return {
        "deactivate": selectors.may(user, Action.DEACTIVATE, target),
        "reactivate": selectors.may(user, Action.REACTIVATE, target),
        "reset_password": selectors.may(user, Action.RESET_PASSWORD, target),
        "assign_role": selectors.may(user, Action.ASSIGN_ROLE, target),
        "unlock": selectors.may(user, Action.UNLOCK, target),
        "otp_reset": selectors.may(user, Action.OTP_RESET, target) and otp_enrolled(target),
    }


@require_GET
@login_required
def user_list(request):
    selectors.require_account_admin(request.user)
    filterset = UserFilter(request.GET or None, queryset=selectors.users_visible_to(request.user).order_by("username"))
    page = paginate(request, filterset.qs)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/user_list.html", {
        "filter": filterset,
        "page": page,
        "window": page_window(page),
        "query": query.urlencode(),
        "can_create": selectors.can_do(request.user, Action.CREATE),
        "can_unlock": selectors.can_do(request.user, Action.UNLOCK),
    })


@require_GET
@login_required
def user_detail(request, pk: int):
    selectors.require_account_admin(request.user)
    target = selectors.account_get_for_user(user=request.user, pk=pk)
    return render(request, "accounts/user_detail.html", {
        "target": target,
        "binding": ROLE_BINDING.get(target.role),
        "actions": _actions(request.user, target),
        "expired": target.must_change_password,
    })


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def user_create(request):
    selectors.require_account_admin(request.user, Action.CREATE)
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            target, sent_to = services.account_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "accounts/password_issued.html", {
                "target": target, "sent_to": sent_to, "created": True,
            })
    return render(request, "accounts/user_create.html", {"form": form})


def _service_result(request, target: User, call, success: str):
    try:
        call()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("accounts:user_detail", pk=target.pk)


@require_POST
@login_required
def user_deactivate(request, pk: int):
    selectors.require_account_admin(request.user, Action.DEACTIVATE)
    target = selectors.account_get_for_user(user=request.user, pk=pk, action=Action.DEACTIVATE)
    return _service_result(
        request, target, lambda: services.account_deactivate(actor=request.user, user=target),
        _("账号 %(name)s 已停用。") % {"name": target.username},
    )


@require_POST
@login_required
def user_reactivate(request, pk: int):
    selectors.require_account_admin(request.user, Action.REACTIVATE)
    target = selectors.account_get_for_user(user=request.user, pk=pk, action=Action.REACTIVATE)
    return _service_result(
        request, target, lambda: services.account_reactivate(actor=request.user, user=target),
        _("账号 %(name)s 已启用。") % {"name": target.username},
    )


@never_cache
@require_POST
@login_required
def user_reset_password(request, pk: int):
    selectors.require_account_admin(request.user, Action.RESET_PASSWORD)
    target = selectors.account_get_for_user(user=request.user, pk=pk, action=Action.RESET_PASSWORD)
    try:
        sent_to = services.account_reset_password(actor=request.user, user=target)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/password_issued.html", {"target": target, "sent_to": sent_to, "created": False})


@require_http_methods(["GET", "POST"])
@login_required
def user_assign_role(request, pk: int):
    selectors.require_account_admin(request.user, Action.ASSIGN_ROLE)
    target = selectors.account_get_for_user(user=request.user, pk=pk, action=Action.ASSIGN_ROLE)
    form = RoleAssignForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_assign_role(actor=request.user, user=target, role=form.cleaned_data["role"],
                                         **form.binding())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已更新 %(name)s 的角色与所属单位。") % {"name": target.username})
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_role.html", {
        "target": target,
        "form": form,
        "role_binding": ROLE_BINDING,
    })


@require_GET
@login_required
def binding_lookup(request):
    """Options for one binding select of the role form, as the security administrator types."""
    selectors.require_account_admin(request.user, Action.ASSIGN_ROLE)
    kind = request.GET.get("kind", "")
    if kind not in selectors.BINDING_MODELS:
        return render(request, "accounts/_binding_options.html", {"options": [], "kind": kind})
    q = request.GET.get(f"q_{kind}", request.GET.get("q", ""))
    options = [(obj.pk, selectors.binding_label(kind, obj)) for obj in selectors.binding_search(kind, q)]
    return render(request, "accounts/_binding_options.html", {"options": options, "kind": kind, "q": q})


@require_GET
@login_required
def login_failures(request):
    """Login failures and lockouts (django-axes records), for the security administrator."""
    selectors.require_account_admin(request.user, Action.UNLOCK)
    limit, since = selectors.locked_out_q_params()
    qs = selectors.login_attempts().only("username", "ip_address", "user_agent", "failures_since_start", "attempt_time")
    username = request.GET.get("username", "").strip()
    if username:
        qs = qs.filter(username__icontains=username)
    page = paginate(request, qs)
    rows = [
        {"attempt": a, "locked": a.failures_since_start >= limit and a.attempt_time >= since}
        for a in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/login_failures.html", {
        "page": page, "rows": rows, "window": page_window(page), "query": query.urlencode(),
        "username": username, "limit": limit, "minutes": _cooloff_minutes(),
    })


@require_POST
@login_required
def user_unlock(request):
    selectors.require_account_admin(request.user, Action.UNLOCK)
    username = request.POST.get("username", "").strip()
    cleared = services.account_unlock(actor=request.user, username=username)
    if cleared:
        messages.success(request, _("已解除 %(name)s 的登录锁定。") % {"name": username})
    else:
        messages.info(request, _("%(name)s 没有登录失败记录，无需解锁。") % {"name": username})
    return redirect(_safe_next(request, reverse("accounts:login_failures")))
