"""Pages of issue 13 items 5, 6 and 8: the second login step (two-factor code or enrolment), one's
own API tokens, the security administrator's reset of a user's two-factor authentication, and
the two-person proposals for administrator accounts. Rules live in ``otp``, ``tokens``,
``proposals``, ``selectors`` and ``services``."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from wuye.core.access import refuse
from wuye.core.audit import audit_record
from wuye.core.listing import page_window, paginate
from wuye.core.models import AuditAction

from . import otp, proposals, selectors, services
from .forms import OtpForm, ProposalForm
from .selectors import Action

# ---- the second login step -------------------------------------------------------------------

PENDING = "wuye_otp_pending"
PENDING_SECONDS = 10 * 60
MAX_CODE_FAILURES = 5


def otp_begin(request, user, next_url: str):
    """Called by the login page once the password is right for an account that needs a second
    factor: nothing is logged in yet; the session remembers who is half-way for ten minutes."""
    request.session.cycle_key()
    request.session[PENDING] = {"user": user.pk, "backend": user.backend, "at": time.time(), "next": next_url,
                                "failures": 0}
    if otp.otp_enrolled(user):
        return redirect("accounts:otp_verify")
    otp.otp_enrol_start(user=user)
    return redirect("accounts:otp_setup")


def _pending(request):
    data = request.session.get(PENDING)
    if not data or time.time() - data.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    return selectors.pending_login_user(data["user"]), data


def _finish(request, user, data, device):
    request.session.pop(PENDING, None)
    login(request, user, backend=data["backend"])
    otp_login(request, device)
    return redirect(data.get("next") or reverse("portal:home"))


def _back_to_login(request):
    messages.info(request, _("请重新输入用户名和密码登录。"))
    return redirect("accounts:login")


@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    user, data = _pending(request)
    if user is None:
        return _back_to_login(request)
    if not otp.otp_enrolled(user):
        return redirect("accounts:otp_setup")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp.otp_match(user, form.cleaned_data["code"])
        if device is not None:
            return _finish(request, user, data, device)
        data["failures"] = data.get("failures", 0) + 1
        request.session[PENDING] = data
        audit_record(action=AuditAction.LOGIN_FAILED, actor=None, username=user.username, obj=user,
                     object_repr=user.username, detail="双因素动态验证码错误")
        if data["failures"] >= MAX_CODE_FAILURES:
            request.session.pop(PENDING, None)
            messages.error(request, _("动态验证码错误次数过多。"))
            return _back_to_login(request)
        form.add_error("code", _("动态验证码不正确或已过期，请重新输入。"))
    return render(request, "accounts/otp_verify.html", {"form": form, "pending_user": user})


@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    user, data = _pending(request)
    if user is None:
        return _back_to_login(request)
    if otp.otp_enrolled(user):
        return redirect("accounts:otp_verify")
    device = otp.otp_pending_device(user)
    if device is None:
        return _back_to_login(request)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = otp.otp_enrol_confirm(user=user, code=form.cleaned_data["code"])
        if codes is not None:
            confirmed = otp.otp_match_device(user)
            next_url = data.get("next") or reverse("portal:home")
            request.session.pop(PENDING, None)
            login(request, user, backend=data["backend"])
            otp_login(request, confirmed)
            return render(request, "accounts/otp_recovery_codes.html", {"codes": codes, "next": next_url})
        form.add_error("code", _("动态验证码不正确，请核对手机时间后重新输入。"))
    return render(request, "accounts/otp_setup.html", {
        "form": form, "pending_user": user, "qr_svg": otp.qr_svg(device), "secret": otp.otp_secret_text(device),
    })


@require_POST
@login_required
def user_otp_reset(request, pk: int):
    selectors.require_account_admin(request.user, Action.OTP_RESET)
    target = selectors.account_get_for_user(user=request.user, pk=pk, action=Action.OTP_RESET)
    otp.otp_reset(actor=request.user, user=target)
    messages.success(request, _("已重置 %(name)s 的双因素认证，其下次登录时须重新绑定身份验证器。") % {"name": target.username})
    return redirect("accounts:user_detail", pk=target.pk)


# ---- one's own API tokens --------------------------------------------------------------------


@require_GET
@login_required
def token_list(request):
    return render(request, "accounts/token_list.html", {"tokens": selectors.api_tokens_of(request.user)})


@require_POST
@login_required
def token_revoke(request):
    key = request.POST.get("key", "").strip()
    if key == "*":
        n = services.api_tokens_revoke_all(user=request.user, reason="本人吊销")
        messages.success(request, _("已吊销全部 %(n)s 个 API 令牌。") % {"n": n})
    elif key and services.api_token_revoke(user=request.user, token_key=key):
        messages.success(request, _("令牌已吊销。"))
    else:
        messages.error(request, _("未找到该令牌，可能已过期或已吊销。"))
    return redirect("accounts:token_list")


# ---- two-person proposals for administrator accounts -----------------------------------------


def _require_proposals(user):
    if not proposals.can_view_proposals(user):
        refuse(user=user, model=proposals.AdminProposal, pk="", reason="非管理员访问管理员账号变更申请")


@require_GET
@login_required
def proposal_list(request):
    _require_proposals(request.user)
    status = request.GET.get("status", "")
    page = paginate(request, proposals.proposals_visible_to(request.user, status=status))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/proposal_list.html", {
        "page": page, "window": page_window(page), "query": query.urlencode(), "status": status,
        "statuses": proposals.AdminProposal.Status.choices, "can_propose": proposals.can_propose(request.user),
    })


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def proposal_create(request):
    _require_proposals(request.user)
    if not proposals.can_propose(request.user):
        raise PermissionDenied(_("只有系统管理员和安全管理员可以提出管理员账号变更申请。"))
    form = ProposalForm(request.POST or None, initial={"target": request.GET.get("target", "")})
    if request.method == "POST" and form.is_valid():
        try:
            proposal = proposals.admin_proposal_create(actor=request.user, **form.service_kwargs())
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("申请已提交，待另一类管理员审批。"))
            return redirect("accounts:proposal_detail", pk=proposal.pk)
    return render(request, "accounts/proposal_form.html", {"form": form})


@require_GET
@login_required
def proposal_detail(request, pk: int):
    _require_proposals(request.user)
    proposal = proposals.proposal_get_for_user(user=request.user, pk=pk)
    return render(request, "accounts/proposal_detail.html", {
        "proposal": proposal, "actions": proposals.proposal_actions(request.user, proposal),
        "events": proposal.events.all(),
    })


@require_POST
@login_required
def proposal_decide(request, pk: int):
    _require_proposals(request.user)
    proposal = proposals.proposal_get_for_user(user=request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        proposals.admin_proposal_decide(actor=request.user, proposal=proposal, approve=approve,
                                        note=request.POST.get("note", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已批准并执行。") if approve else _("已驳回。"))
    return redirect("accounts:proposal_detail", pk=proposal.pk)
