"""Every write of shared utilities (水电公摊, rules.md §3, scenario 8).

The estate's property company drafts an allocation (master-meter readings, method, unit price),
enters or imports the household readings, computes the split and publishes it for a public period.

- loss = master usage − sum of household usage; a negative loss is a data error and is refused
  (nothing is written);
- loss rate = loss / master usage × 100 (2 places, half up); above ``DisclosureSettings.utility_loss_threshold``
  the allocation is flagged (exactly at the threshold is not);
- charge total = loss × unit price rounded half up to the fen (``core.money``), split over the participating units with
  ``allocation.split_money`` so that the charges add up exactly; quantities are split the same way
  to 3 decimals and add up exactly to the loss.

The status table is ``workflow.py`` (draft → published → withdrawn, on ``core/workflow``); the
public period's last day moves off rest days (``core.calendar.period_last_day``, 民法典 第二百零三条).

The flow of one allocation is kept in its audit rows (``object_history``): created, readings
entered or imported, computed, published, withdrawn.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.audit import audit_record
from wuye.core.calendar import period_last_day
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.core.money import money, round_half_up
from wuye.core.workflow import conditional_update
from wuye.disclosure.allocation import split_money
from wuye.disclosure.models import DisclosureSettings, HouseholdReading, UtilityAllocation, UtilityShare
from wuye.notifications.services import Message
from wuye.registry.models import Building, Unit

from .selectors import (
    actor_kinds,
    can_draft_for,
    is_computed,
    officials_to_tell,
    owners_to_tell,
    units_in_scope,
)
from .workflow import MACHINE, S

M = UtilityAllocation.Method
WEIGHT_PLACES = 10
CONFLICT = "该水电公摊已被他人修改，请刷新页面后重试。"
TRANSITION_CONFLICT = "该水电公摊已被他人处理或修改，请刷新页面后查看最新状态。"

NEGATIVE_LOSS = "分户表读数合计超过总表读数，损耗为负数，请核对抄表数据"


# ---------------------------------------------------------------------------- permissions


def _require_drafter(actor, estate) -> None:
    if not can_draft_for(actor, estate):
        raise ServiceError(_("只有该小区的物业服务企业可以编制水电公摊。"))


def _require_draft(allocation: UtilityAllocation) -> None:
    if allocation.status != S.DRAFT:
        raise ServiceError(_("该水电公摊已公示或已撤回，不能再修改。"))


def formula_text_for(area_weight: Decimal) -> str:
    area = Decimal(area_weight).normalize()
    rest = (Decimal(100) - Decimal(area_weight)).normalize()
    return _("面积占 %(area)s%%，户数占 %(rest)s%%") % {"area": f"{area:f}", "rest": f"{rest:f}"}


# ---------------------------------------------------------------------------- create


@transaction.atomic
def utility_allocation_create(*, actor, estate, utility: str, period_start, period_end, master_start: Decimal,
                              master_end: Decimal, method: str = M.AREA, unit_price: Decimal,
                              building: Building | None = None, area_weight: Decimal | None = None,
                              formula_text: str = "") -> UtilityAllocation:
    """A draft allocation for one estate (or one of its buildings), period and utility."""
    _require_drafter(actor, estate)
    errors: dict[str, str] = {}
    if utility not in UtilityAllocation.Utility.values:
        errors["utility"] = _("请选择水或电。")
    if method not in M.values:
        errors["method"] = _("请选择分摊方式。")
    if period_end < period_start:
        errors["period_end"] = _("期间结束不能早于期间开始。")
    master_start, master_end, unit_price = Decimal(master_start), Decimal(master_end), Decimal(unit_price)
    if master_start < 0:
        errors["master_start"] = _("读数不能为负数。")
    if master_end < master_start:
        errors["master_end"] = _("总表止数不能小于起数。")
    if unit_price < 0:
        errors["unit_price"] = _("单价不能为负数。")
    if building is not None and building.estate_id != estate.pk:
        errors["building"] = _("所选楼栋不属于该小区。")
    if method == M.FORMULA:
        if area_weight is None or not (Decimal(0) <= Decimal(area_weight) <= Decimal(100)):
            errors["area_weight"] = _("按公式分摊时，请填写 0–100 之间的面积权重（%）。")
        else:
            formula_text = formula_text.strip() or formula_text_for(area_weight)
    else:
        area_weight, formula_text = None, ""
    if errors:
        raise ServiceError(errors)
    allocation = UtilityAllocation.objects.create(
        estate=estate, building=building, company_id=estate.company_id, utility=utility,
        period_start=period_start, period_end=period_end, master_start=master_start, master_end=master_end,
        master_usage=master_end - master_start, method=method, area_weight=area_weight,
        formula_text=formula_text[:300], unit_price=unit_price, created_by=actor,
    )
    audit_record(action=AuditAction.CREATE, actor=actor, obj=allocation, changes={
        "estate": estate.pk, "building": building.pk if building else None, "utility": utility,
        "period": f"{period_start}—{period_end}", "master_start": master_start, "master_end": master_end,
        "method": method, "area_weight": area_weight, "unit_price": unit_price})
    return allocation


# ---------------------------------------------------------------------------- readings


def _reset_computation(allocation: UtilityAllocation) -> None:
    """Readings changed: the old split no longer holds."""
    UtilityShare.objects.filter(allocation=allocation).delete()
    conditional_update(UtilityAllocation, allocation, expect={"status": S.DRAFT}, conflict=_(CONFLICT),
                       household_usage=Decimal(0), loss=Decimal(0), loss_rate=Decimal(0), flagged=False,
                       total_charge=Decimal(0))


def _lock_draft(allocation: UtilityAllocation) -> UtilityAllocation:
    fresh = UtilityAllocation.objects.select_for_update().get(pk=allocation.pk)
    _require_draft(fresh)
    return fresh


@transaction.atomic
def utility_reading_set(*, actor, allocation: UtilityAllocation, unit: Unit, start: Decimal,
                        end: Decimal) -> HouseholdReading:
    """Enter (or correct) one household meter reading of a draft allocation."""
    _require_drafter(actor, allocation.estate)
    allocation = _lock_draft(allocation)
    start, end = Decimal(start), Decimal(end)
    if not units_in_scope(allocation).filter(pk=unit.pk).exists():
        raise ServiceError({"unit": _("该房屋不在本次公摊的范围内（楼栋或小区不符）。")})
    if start < 0:
        raise ServiceError({"start": _("读数不能为负数。")})
    if end < start:
        raise ServiceError({"end": _("止数不能小于起数。")})
    reading, created = HouseholdReading.objects.update_or_create(
        allocation=allocation, unit=unit, defaults={"start": start, "end": end, "usage": end - start})
    _reset_computation(allocation)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=allocation,
                 changes={"reading": [None, {"unit": unit.number, "start": start, "end": end}]},
                 detail=_("录入分户表读数 %(unit)s") % {"unit": unit.number})
    return reading


@transaction.atomic
def utility_reading_delete(*, actor, allocation: UtilityAllocation, reading_id: int) -> None:
    _require_drafter(actor, allocation.estate)
    allocation = _lock_draft(allocation)
    reading = HouseholdReading.objects.filter(allocation=allocation, pk=reading_id).select_related("unit").first()
    if reading is None:
        raise ServiceError(_("该读数不存在或已删除。"))
    number = reading.unit.number
    reading.delete()
    _reset_computation(allocation)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=allocation,
                 changes={"reading": [{"unit": number}, None]},
                 detail=_("删除分户表读数 %(unit)s") % {"unit": number})


@transaction.atomic
def utility_readings_replace(*, actor, allocation: UtilityAllocation, rows: list[tuple[int, Decimal, Decimal]],
                             file_name: str = "") -> int:
    """Write checked imported readings (unit id, start, end) at once; rows for units that already
    have a reading replace it. The caller (``utilities.imports``) has checked every row."""
    _require_drafter(actor, allocation.estate)
    allocation = _lock_draft(allocation)
    if any(s < 0 or e < s for _u, s, e in rows):
        raise ServiceError(_("读数不能为负数，止数不能小于起数。"))
    unit_ids = [r[0] for r in rows]
    HouseholdReading.objects.filter(allocation=allocation, unit_id__in=unit_ids).delete()
    HouseholdReading.objects.bulk_create([
        HouseholdReading(allocation=allocation, unit_id=uid, start=s, end=e, usage=e - s) for uid, s, e in rows
    ], batch_size=1000)
    _reset_computation(allocation)
    audit_record(action=AuditAction.IMPORT, actor=actor, obj=allocation, changes={"readings": len(rows)},
                 detail=(_("导入分户表读数 %(n)s 条 %(file)s") % {"n": len(rows), "file": file_name})[:200])
    return len(rows)


# ---------------------------------------------------------------------------- compute


def loss_rate_of(loss: Decimal, master_usage: Decimal) -> Fraction:
    if master_usage == 0:
        return Fraction(0)
    return Fraction(loss) / Fraction(master_usage) * 100


def weights_for(method: str, areas: list[Decimal], area_weight: Decimal | None) -> list[Fraction]:
    """Each unit's exact share of the loss (the weights add up to 1)."""
    n = len(areas)
    if n == 0:
        raise ServiceError(_("还没有分户表读数，无法计算公摊。"))
    total_area = sum((Fraction(a) for a in areas), Fraction(0))
    if method == M.HOUSEHOLD:
        return [Fraction(1, n)] * n
    if total_area == 0:
        raise ServiceError(_("参与分摊房屋的面积合计为零，无法按面积分摊。"))
    by_area = [Fraction(a) / total_area for a in areas]
    if method == M.AREA:
        return by_area
    aw = Fraction(Decimal(area_weight if area_weight is not None else 0)) / 100
    return [aw * a + (1 - aw) * Fraction(1, n) for a in by_area]


@transaction.atomic
def utility_allocation_compute(*, actor, allocation: UtilityAllocation,
                               expected_version: int | None = None) -> UtilityAllocation:
    """Loss, loss rate, flag, and each participating unit's quantity and charge (exact sums)."""
    _require_drafter(actor, allocation.estate)
    allocation = _lock_draft(allocation)
    _check_version(allocation, expected_version, CONFLICT)
    readings = list(
        HouseholdReading.objects.filter(allocation=allocation, unit__in=units_in_scope(allocation))
        .select_related("unit").order_by("unit__building_id", "unit__number", "unit_id"))
    if not readings:
        raise ServiceError(_("还没有分户表读数，无法计算公摊。"))
    master_usage = allocation.master_end - allocation.master_start
    household = sum((r.usage for r in readings), Decimal(0))
    loss = master_usage - household
    if loss < 0:
        raise ServiceError(_("分户表读数合计超过总表读数，损耗为负数，请核对抄表数据"))
    rate = loss_rate_of(loss, master_usage)
    threshold = DisclosureSettings.current().utility_loss_threshold
    flagged = rate > Fraction(threshold)
    rate_2 = round_half_up(rate, 2)
    # The charge total is rounded half up to the fen once (四舍五入, core.money); the split below
    # then gives every unit its share of that total exactly (rules.md §3).
    total_charge = money(loss * allocation.unit_price)
    areas = [r.unit.exclusive_area for r in readings]
    weights = weights_for(allocation.method, areas, allocation.area_weight)
    charges = split_money(total_charge, weights)
    quantities = split_money(round_half_up(loss, 3), weights, places=3)
    UtilityShare.objects.filter(allocation=allocation).delete()
    UtilityShare.objects.bulk_create([
        UtilityShare(allocation=allocation, unit_id=r.unit_id, area=r.unit.exclusive_area,
                     weight=round_half_up(w, WEIGHT_PLACES),
                     quantity=q, charge=c)
        for r, w, q, c in zip(readings, weights, quantities, charges, strict=True)
    ], batch_size=1000)
    conditional_update(UtilityAllocation, allocation, expect={"status": S.DRAFT}, conflict=_(CONFLICT),
                       master_usage=master_usage, household_usage=household, loss=loss, loss_rate=rate_2,
                       flagged=flagged, total_charge=total_charge)
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=allocation, changes={
        "master_usage": master_usage, "household_usage": household, "loss": loss, "loss_rate": rate_2,
        "flagged": flagged, "total_charge": total_charge, "units": len(readings)},
        detail=_("计算公摊"))
    allocation.refresh_from_db()
    return allocation


# ---------------------------------------------------------------------------- transitions


def _check_version(allocation: UtilityAllocation, expected_version: int | None, conflict: str) -> None:
    """The form carries the version the user saw: a change made since then wins."""
    if expected_version is not None and allocation.version != expected_version:
        raise ConflictError(_(conflict))



def _published_messages(allocation: UtilityAllocation) -> list[Message]:
    estate = allocation.estate
    label = str(allocation)
    messages = [Message(
        users=owners_to_tell(allocation), channels=("inapp",), category="utility",
        subject=_("水电公摊已公示：%(label)s") % {"label": label},
        body=_("%(estate)s 的水电公摊已公示：损耗 %(loss)s，单价 %(price)s 元，合计 %(total)s 元。"
               "您可在“我的水电公摊”中查看本户分摊及计算过程。") % {
            "estate": estate.name, "loss": allocation.loss, "price": allocation.unit_price,
            "total": allocation.total_charge},
        url=reverse("disclosure:utility_mine"), dedup_key=f"utility-published:{allocation.pk}")]
    if allocation.flagged:
        messages.append(Message(
            users=officials_to_tell(estate), channels=("inapp",), category="utility",
            subject=_("水电公摊损耗率超预警线：%(estate)s") % {"estate": estate.name},
            body=_("%(label)s 损耗率 %(rate)s%%，超过预警线，请安排核查。") % {
                "label": label, "rate": allocation.loss_rate},
            url=reverse("disclosure:utility_flagged"), dedup_key=f"utility-flagged:{allocation.pk}"))
    return messages


def _apply(allocation: UtilityAllocation, action: str, *, actor, note: str = "", messages=(),
           **fields) -> UtilityAllocation:
    MACHINE.apply(allocation, action, actor=actor, kinds=actor_kinds(actor, allocation), note=note,
                  conflict=_(TRANSITION_CONFLICT), audit_detail=f"{action}: {(note or '').strip()}",
                  audit_changes=fields, messages=messages, **fields)
    return allocation


@transaction.atomic
def utility_allocation_publish(*, actor, allocation: UtilityAllocation,
                               expected_version: int | None = None) -> UtilityAllocation:
    """Publish a computed draft for the public period (``DisclosureSettings.utility_public_days``)."""
    _require_drafter(actor, allocation.estate)
    allocation = UtilityAllocation.objects.select_for_update().select_related("estate").get(pk=allocation.pk)
    if allocation.status == S.DRAFT and not is_computed(allocation):
        raise ServiceError(_("请先计算公摊，再公示。"))
    _check_version(allocation, expected_version, TRANSITION_CONFLICT)
    today = timezone.localdate()
    until = period_last_day(today, DisclosureSettings.current().utility_public_days)
    return _apply(allocation, "publish", actor=actor, messages=_published_messages(allocation),
                  public_from=today, public_until=until)


@transaction.atomic
def utility_allocation_withdraw(*, actor, allocation: UtilityAllocation, reason: str,
                                expected_version: int | None = None) -> UtilityAllocation:
    """Take a published allocation back (e.g. a meter was misread); the reason is recorded."""
    _require_drafter(actor, allocation.estate)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": _("请填写撤回原因。")})
    allocation = UtilityAllocation.objects.select_for_update().select_related("estate").get(pk=allocation.pk)
    _check_version(allocation, expected_version, TRANSITION_CONFLICT)
    return _apply(allocation, "withdraw", actor=actor, note=reason)


@transaction.atomic
def utility_allocation_delete(*, actor, allocation: UtilityAllocation) -> None:
    """Delete a draft (never a published allocation)."""
    _require_drafter(actor, allocation.estate)
    allocation = _lock_draft(allocation)
    audit_record(action=AuditAction.DELETE, actor=actor, obj=allocation, changes={"status": [allocation.status, None]})
    allocation.delete()
