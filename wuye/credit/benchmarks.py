"""Benchmarks (物业标杆小区 / 标杆企业; issue 4 §11): an official names a benchmark estate or company
with a reason; its company receives the BG01 good-credit item through the usual notice, and a
benchmark company is on the red list (``scoring.lists_for``). Revoking one withdraws the item
still in its workflow, or ends early (``lapse``) the confirmed one."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.audit import audit_record
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction

from .auto import credit_event_auto
from .models import Benchmark, CreditEvent
from .selectors import can_designate_benchmark
from .services import credit_refresh
from .workflow import BEFORE_CONFIRMATION, MACHINE

S = CreditEvent.Status


def benchmark_designate(*, user, kind: str, reason: str, estate=None, company=None,
                        designated_on: date | None = None) -> Benchmark:
    """Name a benchmark estate or company (city bureau; a district within its district). The
    company (an estate's company) receives the BG01 good-credit item through the usual notice."""
    reason = (reason or "").strip()
    if kind == Benchmark.Kind.ESTATE:
        company = None
        if estate is None:
            raise ServiceError(_("请选择小区"))
    elif kind == Benchmark.Kind.COMPANY:
        estate = None
        if company is None:
            raise ServiceError(_("请选择企业"))
    else:
        raise ServiceError(_("请选择标杆类型"))
    if not can_designate_benchmark(user, estate=estate, company=company):
        raise ServiceError(_("只有市局或所在区县主管部门可以命名标杆"))
    if not reason:
        raise ServiceError(_("请填写评选理由"))
    exists = Benchmark.objects.filter(kind=kind, active=True, estate=estate, company=company).exists()
    if exists:
        raise ServiceError(_("该%(what)s已是有效标杆") % {"what": Benchmark.Kind(kind).label})
    today = designated_on or timezone.localdate()
    with transaction.atomic():
        b = Benchmark.objects.create(kind=kind, estate=estate, company=company, reason=reason, designated_on=today,
                                     designated_by=user)
        audit_record(action=AuditAction.CREATE, actor=user, obj=b, changes={"kind": kind}, detail=f"命名标杆：{reason[:100]}")
        credited = company if company is not None else (estate.company if estate.company_id else None)
        if credited is not None:
            credit_event_auto(company=credited, rule_code="BG01", source_key=f"benchmark:{b.pk}", occurred_on=today,
                              description=_("获评物业标杆项目：%(name)s") % {"name": b}, estate=estate,
                              district=estate.district if estate else None, evidence=reason[:500])
    if company is not None:  # a benchmark company is on the red list
        credit_refresh(company_id=company.pk)
    return b


def benchmark_revoke(*, user, benchmark: Benchmark, reason: str, today: date | None = None) -> Benchmark:
    reason = (reason or "").strip()
    if not can_designate_benchmark(user, estate=benchmark.estate, company=benchmark.company):
        raise ServiceError(_("只有市局或所在区县主管部门可以撤销标杆"))
    if not reason:
        raise ServiceError(_("请填写撤销理由"))
    today = today or timezone.localdate()
    note = _("标杆已撤销：") + reason
    with transaction.atomic():
        n = Benchmark.objects.filter(pk=benchmark.pk, active=True).update(active=False, revoked_on=today,
                                                                          revoke_reason=reason[:300])
        if n != 1:
            raise ConflictError(_("该标杆已被撤销"))
        benchmark.refresh_from_db()
        audit_record(action=AuditAction.UPDATE, actor=user, obj=benchmark, changes={"active": False},
                     detail=f"撤销标杆：{reason[:100]}")
        event = CreditEvent.objects.filter(source_key=f"benchmark:{benchmark.pk}").first()
        if event is not None and event.status in BEFORE_CONFIRMATION:
            MACHINE.apply(event, "withdraw", actor=user, note=reason, withdrawn_reason=note[:300])
        elif event is not None and event.status == S.CONFIRMED and (event.valid_until is None or event.valid_until > today):
            MACHINE.apply(event, "lapse", actor=user, note=note, valid_until=today)
    company_id = benchmark.company_id or (benchmark.estate.company_id if benchmark.estate_id else None)
    if company_id:
        credit_refresh(company_id=company_id)
    return benchmark
