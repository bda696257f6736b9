"""Writes of fee notices (明码标价, 发改价检〔2004〕1428号; rules.md §4).

A notice shows the company name (taken from the company, never typed), who pays, the service
content, the service standard (grade or stars), the billing method and start, the fee items with
their rates, the price regime (government-guided with base price and band, or market), the legal
basis and the price-complaint hotline 12358, which cannot be removed. Publishing a new notice
makes the estate's previous one not current; the history is kept.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import committee_users
from wuye.core.audit import audit_record, model_changes, snapshot
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.core.money import money, round_half_up
from wuye.disclosure.models import FeeItem, FeeNotice
from wuye.notifications.services import notify
from wuye.registry.models import Estate

from .selectors import can_publish_fees

HOTLINE = "12358"
AREA_RATE_UNIT = "元/m²·月"
MAX_ITEMS = 30


def _check_items(items: list[dict]) -> list[FeeItem]:
    rows: list[FeeItem] = []
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        name = (item.get("name") or "").strip()
        rate = item.get("rate")
        if not name and rate in (None, ""):
            continue
        if not name:
            raise ServiceError({"items": _("第 %(n)s 项收费项目缺少名称。") % {"n": n}})
        if rate in (None, ""):
            raise ServiceError({"items": _("收费项目“%(name)s”缺少收费标准。") % {"name": name}})
        rate = money(Decimal(str(rate)))
        if rate < 0:
            raise ServiceError({"items": _("收费项目“%(name)s”的收费标准不能为负数。") % {"name": name}})
        if name in seen:
            raise ServiceError({"items": _("收费项目“%(name)s”重复填写。") % {"name": name}})
        seen.add(name)
        rows.append(FeeItem(name=name[:100], rate=rate, unit=(item.get("unit") or AREA_RATE_UNIT).strip()[:30],
                            note=(item.get("note") or "").strip()[:200]))
    if not rows:
        raise ServiceError({"items": _("请至少填写一项收费项目及其收费标准。")})
    if len(rows) > MAX_ITEMS:
        raise ServiceError({"items": _("收费项目不能超过 %(n)s 项。") % {"n": MAX_ITEMS}})
    return rows


def _check_regime(*, price_regime: str, base_price, band_percent, rows: list[FeeItem]) -> tuple:
    if price_regime not in FeeNotice.PriceRegime.values:
        raise ServiceError({"price_regime": _("请选择价格管理形式。")})
    if price_regime == FeeNotice.PriceRegime.MARKET:
        return None, None
    if base_price in (None, "") or band_percent in (None, ""):
        raise ServiceError({"base_price": _("实行政府指导价的，须写明基准价和浮动幅度。")})
    base = money(Decimal(str(base_price)))
    band = round_half_up(Decimal(str(band_percent)), 2)
    if base <= 0:
        raise ServiceError({"base_price": _("基准价须大于零。")})
    if band < 0 or band > 100:
        raise ServiceError({"band_percent": _("浮动幅度须在 0% 至 100% 之间。")})
    low = money(base * (100 - band) / 100)
    high = money(base * (100 + band) / 100)
    for item in rows:
        if item.unit == AREA_RATE_UNIT and not (low <= item.rate <= high):
            raise ServiceError({"items": _("收费项目“%(name)s”的收费标准 %(rate)s 元超出政府指导价范围"
                                           "（%(low)s–%(high)s 元/m²·月）。")
                                % {"name": item.name, "rate": item.rate, "low": low, "high": high}})
    return base, band


@transaction.atomic
def fee_notice_publish(*, actor, estate: Estate, service_content: str, service_standard: str, billing_start: date,
                       items: list[dict], legal_basis: str, price_regime: str = FeeNotice.PriceRegime.MARKET,
                       base_price=None, band_percent=None, payer: str = "", billing_method: str = "",
                       effective_from: date | None = None) -> FeeNotice:
    """Publish the estate's fee notice; the previous current notice (if any) stops being current."""
    if not can_publish_fees(actor):
        raise ServiceError(_("只有物业服务企业负责人可以发布收费公示。"))
    # Lock the estate row so that two publications of one estate queue up (PostgreSQL; SQLite
    # serialises writers anyway). The company is read under the lock.
    estate = Estate.objects.select_for_update(of=("self",)).select_related("company").get(pk=estate.pk)
    if estate.company_id is None or estate.company_id != actor.company_id:
        raise ServiceError(_("只有为本小区提供服务的物业服务企业可以发布收费公示。"))
    content = (service_content or "").strip()
    standard = (service_standard or "").strip()
    basis = (legal_basis or "").strip()
    errors = {}
    if not content:
        errors["service_content"] = _("请填写服务内容。")
    if not standard:
        errors["service_standard"] = _("请填写服务标准（等级或星级）。")
    if not basis:
        errors["legal_basis"] = _("请填写收费依据（如物业服务合同、价格主管部门文件）。")
    if billing_start is None:
        errors["billing_start"] = _("请填写计费起始时间。")
    if errors:
        raise ServiceError(errors)
    rows = _check_items(items)
    base, band = _check_regime(price_regime=price_regime, base_price=base_price, band_percent=band_percent, rows=rows)
    today = timezone.localdate()
    effective = effective_from or today

    superseded = list(FeeNotice.objects.filter(estate_id=estate.pk, is_current=True).values_list("pk", flat=True))
    if superseded:
        changed = FeeNotice.objects.filter(pk__in=superseded, is_current=True).update(is_current=False)
        if changed != len(superseded):
            raise ConflictError(_("该小区的收费公示刚被他人更新，请刷新后重试。"))
    defaults = FeeNotice._meta
    notice = FeeNotice(
        estate=estate, company=estate.company, service_content=content, service_standard=standard[:100],
        payer=(payer or "").strip()[:100] or defaults.get_field("payer").default,
        billing_method=(billing_method or "").strip()[:100] or defaults.get_field("billing_method").default,
        billing_start=billing_start, price_regime=price_regime, base_price=base, band_percent=band,
        legal_basis=basis[:300], hotline=HOTLINE, effective_from=effective, is_current=True, created_by=actor,
    )
    try:
        with transaction.atomic():
            notice.save(force_insert=True)
    except IntegrityError:
        raise ConflictError(_("该小区的收费公示刚被他人更新，请刷新后重试。")) from None
    for row in rows:
        row.notice = notice
    FeeItem.objects.bulk_create(rows)
    for pk in superseded:
        audit_record(action=AuditAction.UPDATE, actor=actor, object_type="disclosure.feenotice", object_id=pk,
                     object_repr=f"{estate.name} 收费公示", changes={"is_current": [True, False]},
                     detail=f"被新的收费公示（#{notice.pk}）替代")
    after = snapshot(notice)
    after["items"] = [f"{r.name} {r.rate} {r.unit}" for r in rows]
    audit_record(action=AuditAction.CREATE, actor=actor, obj=notice, changes=model_changes({}, after),
                 detail="发布收费公示")
    _notify_committee(estate, notice)
    return notice


def _notify_committee(estate: Estate, notice: FeeNotice) -> None:
    users = list(committee_users(estate.pk))
    if not users:
        return
    notify(users=users, subject=_("%(estate)s 发布了新的收费公示") % {"estate": estate.name},
           body=_("物业服务企业已公示新的收费标准（%(date)s 起），请核对。") % {"date": notice.effective_from},
           url=reverse("disclosure:fee_detail", args=[notice.pk]), channels=("inapp",),
           dedup_key=f"fee-notice:{notice.pk}", category="disclosure")
