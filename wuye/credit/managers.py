"""Project managers' personal credit items (issue 4 §10; rules.md §9).

- ``MG01`` 到岗 30 日内未登记: a project manager's ``Staff`` row was registered on the platform more
  than ``manager_register_days`` after ``post_started`` (registration date − post start). Keyed
  ``mg01:staff:<id>``, so each manager gets it once.
- ``MG02`` 年度培训学时不足: at the end of a year, a project manager in post for that whole year (post
  started — or, when unknown, registered — on or before 1 January) with fewer than
  ``manager_training_hours`` hours in it (``campaign.training.hours.manager_hours``: the training
  sessions attended plus the hours recorded by hand). Keyed ``mg02:<year>:staff:<id>``.

Both go through the usual notice (``credit_event_auto``), so the company can object. Training
records are kept here too (``training_record_add``): a company manager or an official records hours.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.campaign.training.hours import manager_hours
from wuye.core.audit import audit_record
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.registry.models import Staff

from .auto import credit_event_auto
from .models import CreditEvent, CreditSettings, TrainingRecord
from .scoring import manager_recompute
from .selectors import can_keep_training


def _managers():
    return Staff.objects.filter(role=Staff.Role.PROJECT_MANAGER).select_related("company", "estate")


def manager_register_check(*, today: date | None = None) -> int:
    """Record MG01 for every project manager registered late (idempotent). Returns how many."""
    today = today or timezone.localdate()
    cs = CreditSettings.current()
    done = set(CreditEvent.objects.filter(source_key__startswith="mg01:staff:").values_list("source_key", flat=True))
    n = 0
    for staff in _managers().filter(post_started__isnull=False).iterator(chunk_size=2000):
        key = f"mg01:staff:{staff.pk}"
        if key in done:
            continue
        registered = timezone.localdate(staff.created_at)
        late = (registered - staff.post_started).days
        if late <= cs.manager_register_days:
            continue
        event = credit_event_auto(
            company=staff.company, manager=staff, rule_code="MG01", source_key=key, occurred_on=registered,
            estate=staff.estate,
            description=_("项目经理 %(name)s 于 %(start)s 到岗，%(reg)s 才在平台登记（%(days)s 天，超过 %(limit)s 天）") % {
                "name": staff.name, "start": staff.post_started, "reg": registered, "days": late,
                "limit": cs.manager_register_days},
            evidence=_("平台从业人员登记记录"), source_url=f"/registry/staff/{staff.pk}/",
        )
        n += event is not None
    return n


def manager_training_check(*, year: int | None = None, today: date | None = None) -> int:
    """Record MG02 for ``year`` (default: last year) where the hours fall short (idempotent)."""
    today = today or timezone.localdate()
    year = year or today.year - 1
    if date(year, 12, 31) >= today:
        return 0  # the year is not over
    cs = CreditSettings.current()
    need = Decimal(cs.manager_training_hours)
    jan1 = date(year, 1, 1)
    hours = manager_hours(year)  # sessions signed in to + hand-recorded hours (campaign.training.hours)
    done = set(CreditEvent.objects.filter(source_key__startswith=f"mg02:{year}:").values_list("source_key", flat=True))
    n = 0
    for staff in _managers().iterator(chunk_size=2000):
        started = staff.post_started or timezone.localdate(staff.created_at)
        if started > jan1:
            continue
        key = f"mg02:{year}:staff:{staff.pk}"
        got = hours.get(staff.pk) or Decimal("0")
        if key in done or got >= need:
            continue
        event = credit_event_auto(
            company=staff.company, manager=staff, rule_code="MG02", source_key=key, occurred_on=date(year, 12, 31),
            estate=staff.estate,
            description=_("项目经理 %(name)s %(year)s 年度培训 %(got)s 学时，少于规定的 %(need)s 学时") % {
                "name": staff.name, "year": year, "got": got, "need": need},
            evidence=_("平台培训记录"),
        )
        n += event is not None
    return n


# ---- training records ------------------------------------------------------------------------


@transaction.atomic
def training_record_add(*, user, manager, course: str, attended_on: date, hours: Decimal) -> TrainingRecord:
    """A company manager (for their own company's managers) or an official records training hours."""
    if manager is None or manager.role != Staff.Role.PROJECT_MANAGER:
        raise ServiceError(_("请选择项目经理"))
    if not can_keep_training(user, manager):
        raise ServiceError(_("您无权为该项目经理登记培训记录"))
    course = (course or "").strip()
    if not course:
        raise ServiceError(_("请填写培训内容"))
    if attended_on is None or attended_on > timezone.localdate():
        raise ServiceError(_("培训日期不能晚于今天"))
    if hours is None or hours < Decimal("0.5") or hours > Decimal("100"):
        raise ServiceError(_("学时应在 0.5 到 100 之间"))
    rec = TrainingRecord.objects.create(manager=manager, course=course[:100], attended_on=attended_on, hours=hours,
                                        recorded_by=user)
    audit_record(action=AuditAction.CREATE, actor=user, obj=rec, changes={"hours": hours, "course": course},
                 detail=f"登记项目经理培训 {hours} 学时")
    manager_recompute(manager.pk)
    return rec
