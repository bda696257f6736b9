"""Exit cases (清退): a black-listed company's estates on their way to a new company (rules.md §9;
issue 4 §11). Opened by whoever black-listed the company (``services.credit_refresh``, the sweep,
the nightly recompute) — never by the score's arithmetic — then worked step by step by the
district authority (or the city bureau) and closed."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import committee_users, district_officials
from wuye.core.audit import audit_record
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.notifications.services import notify
from wuye.registry.models import Estate

from .models import ExitCase, ExitStep
from .selectors import can_handle_exit


def exit_cases_open(company_ids, *, now: datetime | None = None) -> int:
    """Open an exit case for every estate each newly black-listed company serves (idempotent: one
    open case per company and estate) and tell the district and the estate's committee."""
    now = now or timezone.now()
    company_ids = list(company_ids)
    if not company_ids:
        return 0
    open_pairs = set(ExitCase.objects.filter(company_id__in=company_ids, status=ExitCase.Status.OPEN)
                     .values_list("company_id", "estate_id"))
    estates = list(Estate.objects.filter(company_id__in=company_ids).select_related("company"))
    created = 0
    for estate in estates:
        if (estate.company_id, estate.pk) in open_pairs:
            continue
        try:
            with transaction.atomic():
                case = ExitCase.objects.create(company_id=estate.company_id, estate=estate,
                                               district_id=estate.district_id,
                                               reason=_("企业被列入信用黑名单"), opened_at=now)
                audit_record(action=AuditAction.CREATE, actor=None, obj=case, username="system",
                             detail=f"企业列入黑名单，启动清退：{estate.name}")
                users = [*district_officials(estate.district_id), *committee_users(estate.pk)]
                notify(users=users, subject=_("物业企业清退"),
                       body=_("%(company)s 已被列入信用黑名单，%(estate)s 启动清退程序：请告知业主委员会，组织业主共同决定更换物业服务企业并做好交接。") % {
                           "company": estate.company.name, "estate": estate.name},
                       url=f"/credit/exits/{case.pk}/", channels=("inapp",), dedup_key=f"credit:exit:{case.pk}",
                       category="credit")
        except IntegrityError:
            continue
        created += 1
    return created


@transaction.atomic
def exit_step_record(*, user, case: ExitCase, kind: str, done_on: date, note: str = "") -> ExitStep:
    """An official records one step of an exit case; the owners' decision needs a reference
    (the decision's number or the ballot)."""
    note = (note or "").strip()
    if not can_handle_exit(user, case):
        raise ServiceError(_("只有市局或小区所在区县主管部门可以办理清退"))
    if case.status != ExitCase.Status.OPEN:
        raise ServiceError(_("该清退案件已结束"))
    if kind not in ExitStep.Kind.values:
        raise ServiceError(_("请选择步骤"))
    if done_on is None or done_on > timezone.localdate():
        raise ServiceError(_("完成日期不能晚于今天"))
    if kind == ExitStep.Kind.OWNERS_DECIDED and not note:
        raise ServiceError(_("请填写业主共同决定的文号或表决记录"))
    if kind == ExitStep.Kind.HANDOVER and not case.steps.filter(kind=ExitStep.Kind.OWNERS_DECIDED).exists():
        raise ServiceError(_("请先登记业主共同决定，再登记交接"))
    try:
        with transaction.atomic():
            step = ExitStep.objects.create(case=case, kind=kind, done_on=done_on, note=note[:300], done_by=user)
    except IntegrityError:
        raise ServiceError(_("该步骤已登记")) from None
    audit_record(action=AuditAction.CREATE, actor=user, obj=step, changes={"kind": kind}, detail=f"清退步骤：{note[:100]}")
    return step


@transaction.atomic
def exit_case_close(*, user, case: ExitCase, status: str, note: str, now: datetime | None = None) -> ExitCase:
    """Close an exit case: ``done`` once the handover is recorded, or ``closed`` (stopped) with a
    reason (e.g. the company left the black list)."""
    note = (note or "").strip()
    if not can_handle_exit(user, case):
        raise ServiceError(_("只有市局或小区所在区县主管部门可以办理清退"))
    if status not in (ExitCase.Status.DONE, ExitCase.Status.CLOSED):
        raise ServiceError(_("请选择结束方式"))
    if status == ExitCase.Status.DONE and not case.steps.filter(kind=ExitStep.Kind.HANDOVER).exists():
        raise ServiceError(_("尚未登记交接，不能以“已完成交接”结束"))
    if status == ExitCase.Status.CLOSED and not note:
        raise ServiceError(_("请填写终止理由"))
    n = ExitCase.objects.filter(pk=case.pk, status=ExitCase.Status.OPEN).update(
        status=status, closed_at=now or timezone.now(), close_note=note[:300])
    if n != 1:
        raise ConflictError(_("该清退案件已结束"))
    case.refresh_from_db()
    audit_record(action=AuditAction.UPDATE, actor=user, obj=case, changes={"status": status}, detail=f"结束清退：{note[:100]}")
    return case
