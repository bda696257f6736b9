"""Writes to the working-day calendar's overrides (``core.CalendarDay``). Each one is audited;
the calendar's caches are cleared by the model signals in ``core.calendar``."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .audit import audit_record, model_changes, snapshot
from .errors import ServiceError
from .models import AuditAction, CalendarDay
from .selectors_calendar import can_manage_calendar

FIRST_YEAR = 2000
LAST_YEAR = 2099


def _check_actor(actor) -> None:
    if not can_manage_calendar(actor):
        raise ServiceError(_("只有市住房保障房产局和系统管理员可以调整工作日历。"))


@transaction.atomic
def calendar_day_set(*, actor, day: date, is_workday: bool, name: str, note: str = "") -> CalendarDay:
    """Create or change the override for ``day`` (one row per date)."""
    _check_actor(actor)
    if not isinstance(day, date):
        raise ServiceError({"date": _("请填写日期。")})
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ServiceError({"date": _("日期须在 %(first)s 年至 %(last)s 年之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR}})
    name = (name or "").strip()
    if not name:
        raise ServiceError({"name": _("请填写名称，如“春节”或“国庆节调休”。")})
    data = {"is_workday": bool(is_workday), "name": name, "note": (note or "").strip()}
    obj = CalendarDay.objects.select_for_update().filter(date=day).first()
    if obj is None:
        obj = CalendarDay(date=day, **data)
        obj.full_clean()
        try:
            with transaction.atomic():
                obj.save(force_insert=True)
        except IntegrityError:  # somebody added the same date a moment ago
            raise ServiceError({"date": _("该日期刚刚已被他人设置，请刷新后再修改。")}) from None
        audit_record(action=AuditAction.CREATE, actor=actor, obj=obj, changes=model_changes({}, snapshot(obj)),
                     detail="新增工作日历调整")
        return obj
    before = snapshot(obj)
    for key, value in data.items():
        setattr(obj, key, value)
    obj.full_clean()
    changes = model_changes(before, snapshot(obj))
    if changes:
        obj.save()
        audit_record(action=AuditAction.UPDATE, actor=actor, obj=obj, changes=changes, detail="修改工作日历调整")
    return obj


@transaction.atomic
def calendar_day_delete(*, actor, day: CalendarDay) -> None:
    """Remove an override: the day follows the State Council calendar again."""
    _check_actor(actor)
    before = snapshot(day)
    label, pk, text = day._meta.label_lower, day.pk, str(day)
    deleted, _rows = CalendarDay.objects.filter(pk=pk).delete()
    if not deleted:
        raise ServiceError(_("该调整已被他人删除。"))
    audit_record(
        action=AuditAction.DELETE, actor=actor, object_type=label, object_id=pk, object_repr=text,
        changes={k: [v, None] for k, v in before.items()}, detail="删除工作日历调整",
    )
