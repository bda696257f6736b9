"""Who may read the audit trail: the auditor (安全审计员), and nobody else (三员分立); who may
change the city bureau's settings pages."""

from __future__ import annotations

from django.db.models import QuerySet

from wuye.accounts.models import Role

from .access import refuse
from .audit import row_hash
from .models import AuditChainHead, AuditLog


def can_view_audit(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.AUDITOR)


def can_edit_settings(user) -> bool:
    """The city bureau's singleton settings (one page per app) are the city bureau's alone."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.CITY)


def require_auditor(user) -> None:
    """The gate of the audit pages: everybody but the auditor gets 404 (audited)."""
    if not can_view_audit(user):
        refuse(user=user, model=AuditLog, pk="", reason="非审计员访问审计日志")


def audit_logs_visible_to(user) -> QuerySet[AuditLog]:
    if not can_view_audit(user):
        return AuditLog.objects.none()
    return AuditLog.objects.order_by("-seq")


def audit_row_before(row: AuditLog) -> AuditLog | None:
    """The row the chain links ``row`` to (its ``seq`` and ``hash`` only)."""
    return AuditLog.objects.filter(seq=row.seq - 1).only("seq", "hash").first()


def audit_row_count() -> int:
    return AuditLog.objects.count()


def record_named(model, pk):
    """The record a recorded foreign key names, or None (deleted since)."""
    return model._default_manager.filter(pk=pk).first()


def audit_chain_tail() -> dict:
    """A cheap check of the chain's end (two indexed reads): the newest row must match the chain
    head, and its own hash must be right. The full walk is ``audit_verify_chain``."""
    head = AuditChainHead.objects.filter(id=1).first()
    newest = AuditLog.objects.order_by("-seq").first()
    head_seq = head.seq if head else 0
    if newest is None:
        return {"ok": head_seq == 0, "seq": head_seq}
    ok = (
        head is not None
        and head.seq == newest.seq
        and head.hash == newest.hash
        and row_hash(newest.prev_hash, newest) == newest.hash
    )
    return {"ok": ok, "seq": newest.seq}


def can_view_system_status(user) -> bool:
    """The system status page (issue 18 §2, §4) is the system administrator's."""
    from wuye.accounts.models import Role

    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.SYSADMIN)
