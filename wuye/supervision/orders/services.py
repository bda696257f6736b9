"""Writes for rectification orders (issue 4 §4; rules.md §10).

A defect ticked on a submitted inspection becomes an order for the company with a deadline of
``rectify_workdays`` working days. The company answers with evidence (photos and a note); a
re-inspection (回头看) closes the order (销号) or sends it back with a reason. Every transition is
``orders.workflow.ORDER.apply``: the conditional UPDATE on the order's ``version``, its
``OrderEvent``, audit row and outbox rows in one transaction. When the last open order of an
inspection is closed or cancelled the inspection is concluded (``inspection_conclude_if_done``).
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import company_managers, district_officials
from wuye.core.audit import audit_record
from wuye.core.calendar import PeriodUnit, add_period, local_text
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.core.uploads import check_photos
from wuye.credit.auto import credit_event_repair_by_source
from wuye.notifications.services import notify
from wuye.supervision.inspections.models import Inspection
from wuye.supervision.inspections.workflow import INSPECTION
from wuye.supervision.models import SupervisionSettings
from wuye.supervision.standards.models import StandardItem

from .models import OrderEvent, RectificationEvidence, RectificationOrder
from .selectors import inspector_user_ids, inspector_users
from .workflow import OPEN_ORDER_STATUSES, ORDER, order_actor_kinds

O = RectificationOrder.Status  # noqa: E741


def _now() -> datetime:
    return timezone.now()


def _url(order: RectificationOrder) -> str:
    return reverse("supervision:order_detail", args=[order.pk])


def _new_number(now: datetime) -> str:
    """ZG + yyyymm + a four-digit sequence within the month: ZG2026110001."""
    prefix = "ZG" + local_text(now, "%Y%m")
    last = (RectificationOrder.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    seq = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{seq:04d}"


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
    OrderEvent.objects.create(order=order, action="issue", from_status="", to_status=O.OPEN,
                              actor=actor if getattr(actor, "is_authenticated", False) else None, note=order.defect)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=order,
                 detail=_("下达整改通知，期限 %(d)s") % {"d": local_text(deadline, "%Y-%m-%d")})
    notify(users=list(company_managers(order.company_id)), subject=_("整改通知"),
           body=_("%(estate)s 监督检查发现问题：%(defect)s。请于 %(deadline)s 前整改并上传佐证（整改单号 %(no)s）。") % {
               "estate": inspection.estate.name, "defect": order.defect[:80],
               "deadline": local_text(deadline, "%Y-%m-%d"), "no": order.number},
           url=_url(order), channels=("inapp", "sms"), dedup_key=f"order:{order.pk}:issued", category="inspection")
    return order


def _order_apply(order: RectificationOrder, action: str, *, actor, note: str = "", **fields) -> str:
    """The order's transition by ``actor``: the table's check (who, in which state, with a reason
    where one is required), then ``ORDER.apply`` on the version the actor saw."""
    kinds = order_actor_kinds(actor, order, inspector_ids=inspector_user_ids(order))
    return ORDER.apply(order, action, actor=actor, kinds=kinds, note=note, **fields)


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
    _order_apply(order, "submit", actor=actor, note=note, submitted_at=now)
    for p in checked:
        ev = RectificationEvidence(order=order, content_type=p.content_type, note=note[:300], uploaded_by=actor)
        ev.file.save(getattr(p.file, "name", "evidence"), p.file, save=False)
        ev.save()
    users = list(inspector_users(order)) or list(district_officials(order.district_id))
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
        _order_apply(order, "close", actor=actor, note=note, closed_at=now, reinspected_by=actor)
        if order.inspection_id:
            inspection_conclude_if_done(inspection_id=order.inspection_id, actor=actor, now=now)
        notify(users=list(company_managers(order.company_id)), subject=_("整改已销号"),
               body=_("整改通知 %(no)s 经复查已销号。") % {"no": order.number}, url=_url(order), channels=("inapp",),
               dedup_key=f"order:{order.pk}:closed", category="inspection")
        return order
    if not note:
        raise ServiceError(_("复查未通过须填写理由"))
    deadline = add_period(now, SupervisionSettings.current().rectify_workdays, PeriodUnit.WORKING_DAYS)
    _order_apply(order, "reopen", actor=actor, note=note, reopen_count=F("reopen_count") + 1, reinspected_by=actor,
          submitted_at=None, deadline=deadline)
    notify(users=list(company_managers(order.company_id)), subject=_("整改复查未通过"),
           body=_("整改通知 %(no)s 复查未通过：%(note)s。请于 %(d)s 前重新整改。") % {
               "no": order.number, "note": note[:80], "d": local_text(deadline, "%Y-%m-%d")},
           url=_url(order), channels=("inapp", "sms"), dedup_key=f"order:{order.pk}:reopened:{order.version}",
           category="inspection")
    return order


@transaction.atomic
def order_cancel(*, actor, order: RectificationOrder, note: str, now: datetime | None = None) -> RectificationOrder:
    """An official withdraws an order issued in error."""
    now = now or _now()
    _order_apply(order, "cancel", actor=actor, note=(note or "").strip())
    if order.inspection_id:
        inspection_conclude_if_done(inspection_id=order.inspection_id, actor=actor, now=now)
    return order


def inspection_conclude_if_done(*, inspection_id: int, actor=None, now: datetime | None = None) -> bool:
    """When every order of a rectifying inspection is closed (or cancelled), the inspection is
    concluded and its low-score credit item is repaired (rules.md §9: verified rectification)."""
    now = now or _now()
    if RectificationOrder.objects.filter(inspection_id=inspection_id, status__in=OPEN_ORDER_STATUSES).exists():
        return False
    insp = Inspection.objects.filter(pk=inspection_id, status__in=INSPECTION["conclude"].sources).first()
    if insp is None:
        return False
    try:
        INSPECTION.apply(insp, "conclude", actor=actor, kinds=None, concluded_at=now, audit_detail=_("整改全部销号，检查办结"))
    except ConflictError:  # concluded meanwhile by the other order's re-inspection
        return False
    if RectificationOrder.objects.filter(inspection_id=inspection_id, status=O.CLOSED).exists():
        credit_event_repair_by_source(
            source_key=f"inspection:{inspection_id}",
            reason=_("检查发现的问题已全部整改并经复查销号（检查 %(pk)s）") % {"pk": inspection_id}, actor=actor)
    return True
