"""Administrator accounts change only by two people (三员分立; issue 13 item 8; GB/T 22239-2019
8.1.4.2 c/d: separation of the administrators' duties, least privilege).

A system or security administrator proposes — create an administrator account, grant, change or
remove an administrator role, deactivate, reactivate or reset the password of an administrator
account — and an administrator of another kind approves or rejects it (the ``admin_proposal``
machine of ``workflow.py``). Nobody proposes about, or decides, their own account, and nobody
decides their own proposal. Both steps are audited; an approval applies the change at once. The
server console (``manage.py admin_account``) is the other way.

Selectors (who may see and decide) and services (proposal, decision) of this one procedure.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from wuye.core.access import get_visible_or_404
from wuye.core.audit import audit_record
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction

from . import services
from .models import ADMIN_ROLES, ROLE_BINDING, AdminProposal, Role, User
from .workflow import ADMIN_PROPOSAL

K = AdminProposal.Kind
PROPOSERS = {Role.SYSADMIN, Role.SECADMIN}
# Roles an administrator account may be given by a proposal: the three administrator roles, or
# none (a removed administrator role leaves the account without a role).
PROPOSABLE_ROLES = (*sorted(ADMIN_ROLES), Role.NONE)


# ---- selectors --------------------------------------------------------------------------------


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_propose(user) -> bool:
    return _active(user) and user.role in PROPOSERS


def can_view_proposals(user) -> bool:
    return _active(user) and user.role in ADMIN_ROLES


def proposals_visible_to(user, *, status: str = "") -> QuerySet[AdminProposal]:
    """Every proposal for the three administrators (the auditor reads them too), none for others;
    ``status`` narrows to one state."""
    if not can_view_proposals(user):
        return AdminProposal.objects.none()
    qs = AdminProposal.objects.select_related("target", "proposed_by", "decided_by")
    return qs.filter(status=status) if status in AdminProposal.Status.values else qs


def proposal_get_for_user(*, user, pk) -> AdminProposal:
    return get_visible_or_404(proposals_visible_to(user), user=user, pk=pk)


def proposal_actor_kinds(user, proposal: AdminProposal) -> set[str]:
    """``approver``: an active administrator of another kind than the proposer, who is neither the
    proposer nor the account concerned."""
    if not can_view_proposals(user) or user.pk == proposal.proposed_by_id or user.pk == proposal.target_id:
        return set()
    if user.role == proposal.proposed_by.role:
        return set()
    return {"approver"}


def proposal_actions(user, proposal: AdminProposal) -> list[str]:
    return ADMIN_PROPOSAL.allowed(proposal, proposal_actor_kinds(user, proposal))


# ---- services ---------------------------------------------------------------------------------


def _validate(*, actor, kind: str, target: User | None, username: str, role: str, phone: str) -> None:
    if kind not in K.values:
        raise ServiceError(gettext("请选择申请事项。"))
    if kind == K.CREATE:
        if role not in ADMIN_ROLES:
            raise ServiceError({"role": gettext("新建管理员账号须选择一种管理员角色。")})
        if not username:
            raise ServiceError({"username": gettext("请填写用户名。")})
        if User.objects.filter(username__iexact=username).exists():
            raise ServiceError({"username": gettext("该用户名已被使用，请换一个。")})
        if not phone:
            raise ServiceError({"phone": gettext("请填写手机号码：临时密码以短信发给本人。")})
        return
    _validate_target(actor=actor, kind=kind, target=target, role=role)


def _validate_target(*, actor, kind: str, target: User | None, role: str) -> None:
    if target is None:
        raise ServiceError(gettext("请选择账号。"))
    if target.pk == actor.pk:
        raise PermissionDenied(gettext("不能对自己的账号提出申请。"))
    if kind == K.ROLE:
        if role not in PROPOSABLE_ROLES or ROLE_BINDING.get(role):
            raise ServiceError({"role": gettext("请选择管理员角色或“未分配角色”。")})
        if role == target.role:
            raise ServiceError({"role": gettext("该账号已是此角色。")})
        if role not in ADMIN_ROLES and target.role not in ADMIN_ROLES:
            raise ServiceError(gettext("非管理员账号的角色由安全管理员直接分配，无须申请。"))
    elif target.role not in ADMIN_ROLES:
        raise ServiceError(gettext("非管理员账号的此项操作由系统管理员直接办理，无须申请。"))
    if kind == K.DEACTIVATE and not target.is_active:
        raise ServiceError(gettext("该账号已停用。"))
    if kind == K.REACTIVATE and target.is_active:
        raise ServiceError(gettext("该账号已处于启用状态。"))


@transaction.atomic
def admin_proposal_create(*, actor, kind: str, reason: str, target: User | None = None, username: str = "",
                          full_name: str = "", phone: str = "", role: str = "") -> AdminProposal:
    """Propose a change to an administrator account (audited); another kind of administrator decides."""
    if not can_propose(actor):
        raise PermissionDenied(gettext("只有系统管理员和安全管理员可以提出管理员账号变更申请。"))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": gettext("请填写申请事由。")})
    username = (username or "").strip()
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    _validate(actor=actor, kind=kind, target=target, username=username, role=role, phone=phone)
    proposal = AdminProposal.objects.create(
        kind=kind, target=target, username=username if kind == K.CREATE else target.username,
        full_name=(full_name or "").strip()[:50], phone=phone[:20], role=role or "",
        reason=reason[:200], proposed_by=actor,
    )
    audit_record(action=AuditAction.CREATE, actor=actor, obj=proposal,
                 changes={"kind": kind, "role": role, "target": proposal.username},
                 detail=f"提出管理员账号变更申请：{proposal.get_kind_display()} {proposal.username}（待另一类管理员审批）")
    return proposal


def _apply(proposal: AdminProposal, actor) -> None:
    who = f"双人审批：{proposal.proposed_by.username} 提议，{actor.username} 批准"
    target = proposal.target
    if proposal.kind == K.CREATE:
        services.account_insert(actor=actor, username=proposal.username, full_name=proposal.full_name,
                                 phone=proposal.phone, role=proposal.role, detail=f"新建管理员账号（{who}）")
    elif proposal.kind == K.ROLE:
        services.account_role_set(actor=actor, user=target, role=proposal.role, detail=f"变更管理员角色（{who}）")
        services.api_tokens_revoke_all(user=target, reason="变更管理员角色")
    elif proposal.kind in (K.DEACTIVATE, K.REACTIVATE):
        active = proposal.kind == K.REACTIVATE
        services.account_active_set(actor=actor, user=target, action=None, active=active, check=False,
                             unchanged=gettext("该账号状态已变更。"),
                             detail=f"{'启用' if active else '停用'}管理员账号（{who}）")
    elif proposal.kind == K.RESET_PASSWORD:
        services.account_reset_password(actor=actor, user=target, check=False)


@transaction.atomic
def admin_proposal_decide(*, actor, proposal: AdminProposal, approve: bool, note: str = "") -> AdminProposal:
    """Approve (and apply at once) or reject a proposal; only an administrator of another kind."""
    action = "approve" if approve else "reject"
    kinds = proposal_actor_kinds(actor, proposal)
    ADMIN_PROPOSAL.apply(proposal, action, actor=actor, kinds=kinds, note=note,
                         decided_by=actor, decided_at=timezone.now(),
                         audit_detail=f"{ADMIN_PROPOSAL.label(action)}管理员账号变更申请：{proposal.get_kind_display()} {proposal.username}")
    proposal.decided_by = actor
    if approve:
        _apply(proposal, actor)
    return proposal

