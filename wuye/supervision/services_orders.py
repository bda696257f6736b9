"""Writes for rectification orders (issue 4 §4; rules.md §10).

A defect ticked on a submitted inspection becomes an order for the company with a deadline of
``rectify_workdays`` working days. The company answers with evidence (photos and a note); a
re-inspection (回头看) closes the order (销号) or sends it back with a reason. Every transition is a
conditional UPDATE on the order's ``version`` checked against ``workflow_orders.ORDER_TRANSITIONS``,
appends an ``OrderEvent`` and writes an audit row; notifications go through the outbox in the
same transaction.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.models import Role, User
from wuye.cases.photos import check_photos
from wuye.core.audit import audit_record
from wuye.core.calendar import PeriodUnit, add_period
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.notifications.services import notify

from .models import (
    Inspection,
    OrderEvent,
    RectificationEvidence,
    RectificationOrder,
    StandardItem,
    SupervisionSettings,
)
from .workflow_orders import ORDER_TRANSITIONS, order_actor_kinds, order_permits

O = RectificationOrder.Status  # noqa: E741


def _now() -> datetime:
    return timezone.now()


def _url(order: RectificationOrder) -> str:
    return reverse("supervision:order_detail", args=[order.pk])


def company_managers(company_id: int) -> list[User]:
    return list(User.objects.filter(is_active=True, company_id=company_id, role=Role.COMPANY_MANAGER))


def district_officials(district_id: int) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.DISTRICT, district_id=district_id))


def _new_number(now: datetime) -> str:
    """ZG + yyyymm + a four-digit sequence within the month: ZG2026110001."""
    prefix = "ZG" + timezone.localtime(now).strftime("%Y%m")
    last = (RectificationOrder.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    seq = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{seq:04d}"


def _event(order, action: str, *, actor=None, from_status: str = "", to_status: str = "", note: str = "") -> OrderEvent:
    return OrderEvent.objects.create(order=order, action=action, from_status=from_status, to_status=to_status or from_status,
                                     actor=actor if getattr(actor, "is_authenticated", False) else None, note=note)


def order_issue(*, actor, inspection: Inspection, item: StandardItem | None, defect: str, requirement: str = "",
                now: datetime | None = None) -> RectificationOrder:
    """Issue one order for a defect found by ``inspection`` (called inside the inspection's submit)."""
    now = now or _now()
    if not inspection.company_id:
        raise ServiceError(_("该小区没有物业服务企业，无法下达整改通知"))
    ss = SupervisionSettings.current()
    deadline = add_period(now, ss.rectify_workdays, PeriodUnit.WORKING_DAYS)
    if not requirement and item is not None:
        requirement = _("按“%(code)s %(text)s”的要求整改到位，并上传整改前后照片。") % {"code": item.code, "text": item.text}
    order = RectificationOrder(
        inspection=inspection, item=item, estate_id=inspection.estate_id, company_id=inspection.company_id,
        district_id=inspection.district_id, street_id=inspection.street_id, defect=(defect or "").strip()[:500],
        requirement=(requirement or "")[:500], status=O.OPEN, deadline=deadline, issued_by=actor,
    )
    for _attempt in range(5):
        order.number = _new_number(now)
        try:
            with transaction.atomic():
                order.save(force_insert=True)
            break
        except IntegrityError:
            order.pk = None
    else:  # pragma: no cover - five writers issuing in the same instant
        raise ConflictError(_("系统繁忙，请稍后重试"))
    _event(order, "issue", actor=actor, to_status=O.OPEN, note=order.defect)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=order,
                 detail=_("下达整改通知，期限 %(d)s") % {"d": timezone.localtime(deadline).strftime("%Y-%m-%d")})
    notify(users=company_managers(order.company_id), subject=_("整改通知"),
           body=_("%(estate)s 监督检查发现问题：%(defect)s。请于 %(deadline)s 前整改并上传佐证（整改单号 %(no)s）。") % {
               "estate": inspection.estate.name, "defect": order.defect[:80],
               "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d"), "no": order.number},
           url=_url(order), channels=("inapp", "sms"), dedup_key=f"order:{order.pk}:issued", category="inspection")
    return order


def _inspector_user_ids(order: RectificationOrder) -> set[int]:
    if not order.inspection_id:
        return set()
    return set(Inspection.inspectors.through.objects.filter(inspection_id=order.inspection_id)
               .values_list("inspector__user_id", flat=True))


def _move(order: RectificationOrder, action: str, *, actor, note: str = "", **fields) -> str:
    """Check the table, then the conditional UPDATE on the version the actor saw; append the event."""
    t = ORDER_TRANSITIONS[action]
    current = RectificationOrder.objects.get(pk=order.pk)
    kinds = order_actor_kinds(actor, current, inspector_ids=_inspector_user_ids(current))
    if not order_permits(action, current, kinds):
        if current.status not in t.sources:
            raise ServiceError(_("整改通知当前为“%(status)s”，不能%(action)s") % {
                "status": current.get_status_display(), "action": t.label})
        raise ServiceError(_("您无权对该整改通知%(action)s") % {"action": t.label})
    if t.needs_note and not note:
        raise ServiceError(_("请填写理由"))
    from_status = current.status
    n = RectificationOrder.objects.filter(pk=order.pk, version=order.version, status=from_status).update(
        status=t.target, version=F("version") + 1, updated_at=_now(), **fields)
    if n != 1:
        raise ConflictError(_("该整改通知已被他人处理，请刷新页面后重试"))
    order.refresh_from_db()
    _event(order, action, actor=actor, from_status=from_status, to_status=t.target, note=note)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=order, detail=f"{t.label} {note}".strip()[:500],
                 changes={"status": [from_status, t.target]})
    return from_status


@transaction.atomic
def order_submit(*, actor, order: RectificationOrder, note: str = "", files=(), now: datetime | None = None) -> RectificationOrder:
    """The company reports the defect fixed, with photos of the result and a note."""
    now = now or _now()
    note = (note or "").strip()
    checked = check_photos(files)
    if not checked:
        raise ServiceError(_("请上传至少一张整改后的照片作为佐证"))
    if not note:
        raise ServiceError(_("请填写整改情况说明"))
    _move(order, "submit", actor=actor, note=note, submitted_at=now)
    for p in checked:
        ev = RectificationEvidence(order=order, content_type=p.content_type, note=note[:300], uploaded_by=actor)
        ev.file.save(getattr(p.file, "name", "evidence"), p.file, save=False)
        ev.save()
    users = [u for u in User.objects.filter(pk__in=_inspector_user_ids(order), is_active=True)] or district_officials(order.district_id)
    notify(users=users, subject=_("整改待复查"),
           body=_("整改通知 %(no)s 已提交整改佐证，请复查（回头看）。") % {"no": order.number},
           url=_url(order), channels=("inapp",), dedup_key=f"order:{order.pk}:submitted:{order.version}", category="inspection")
    return order


@transaction.atomic
def order_reinspect(*, actor, order: RectificationOrder, passed: bool, note: str = "",
                    now: datetime | None = None) -> RectificationOrder:
    """The re-inspection (回头看): close (销号) the order, or send it back with a reason."""
    now = now or _now()
    note = (note or "").strip()
    if passed:
        _move(order, "close", actor=actor, note=note, closed_at=now, reinspected_by=actor)
        from .services_inspections import inspection_conclude_if_done

        if order.inspection_id:
            inspection_conclude_if_done(inspection_id=order.inspection_id, actor=actor, now=now)
        notify(users=company_managers(order.company_id), subject=_("整改已销号"),
               body=_("整改通知 %(no)s 经复查已销号。") % {"no": order.number}, url=_url(order), channels=("inapp",),
               dedup_key=f"order:{order.pk}:closed", category="inspection")
        return order
    if not note:
        raise ServiceError(_("复查未通过须填写理由"))
    deadline = add_period(now, SupervisionSettings.current().rectify_workdays, PeriodUnit.WORKING_DAYS)
    _move(order, "reopen", actor=actor, note=note, reopen_count=F("reopen_count") + 1, reinspected_by=actor,
          submitted_at=None, deadline=deadline)
    notify(users=company_managers(order.company_id), subject=_("整改复查未通过"),
           body=_("整改通知 %(no)s 复查未通过：%(note)s。请于 %(d)s 前重新整改。") % {
               "no": order.number, "note": note[:80], "d": timezone.localtime(deadline).strftime("%Y-%m-%d")},
           url=_url(order), channels=("inapp", "sms"), dedup_key=f"order:{order.pk}:reopened:{order.version}",
           category="inspection")
    return order


@transaction.atomic
def order_cancel(*, actor, order: RectificationOrder, note: str, now: datetime | None = None) -> RectificationOrder:
    """An official withdraws an order issued in error."""
    now = now or _now()
    _move(order, "cancel", actor=actor, note=(note or "").strip())
    if order.inspection_id:
        from .services_inspections import inspection_conclude_if_done

        inspection_conclude_if_done(inspection_id=order.inspection_id, actor=actor, now=now)
    return order
