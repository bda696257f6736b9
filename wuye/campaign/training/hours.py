"""Yearly training hours per person — the one home of that sum (issue 16 item 11; rules.md §9:
a project manager missing the yearly training hours loses 10 points, catalogue item MG02).

A project manager's hours in a year are the hours of the platform's training sessions they signed
in to that year, plus the hours of training taken elsewhere and recorded by hand on the manager's
credit page (``credit.TrainingRecord``). The manager's score (``credit.scoring.manager_recompute``),
the year-end check (``credit.managers.manager_training_check``) and the districts' "who lacks
hours" list all read this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Sum

from wuye.credit.models import TrainingRecord

from .models import Enrolment

ZERO = Decimal("0")


def manager_hours(year: int, manager_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    """``{staff id: hours}`` for ``year`` (only people with some hours appear)."""
    attended = Enrolment.objects.filter(staff__isnull=False, signed_in_at__isnull=False, session__starts_at__year=year)
    recorded = TrainingRecord.objects.filter(attended_on__year=year)
    if manager_ids is not None:
        ids = list(manager_ids)
        attended = attended.filter(staff_id__in=ids)
        recorded = recorded.filter(manager_id__in=ids)
    out: dict[int, Decimal] = {}
    for pk, h in attended.order_by().values("staff_id").annotate(h=Sum("session__hours")).values_list("staff_id", "h"):
        out[pk] = out.get(pk, ZERO) + (h or ZERO)
    for pk, h in recorded.order_by().values("manager_id").annotate(h=Sum("hours")).values_list("manager_id", "h"):
        out[pk] = out.get(pk, ZERO) + (h or ZERO)
    return out


def manager_year_hours(manager_id: int, year: int) -> Decimal:
    return manager_hours(year, [manager_id]).get(manager_id, ZERO)


def user_hours(year: int, user_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    """``{user id: hours}`` for the officials and committee members who attended in ``year``."""
    qs = Enrolment.objects.filter(user__isnull=False, signed_in_at__isnull=False, session__starts_at__year=year)
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    return dict(qs.order_by().values("user_id").annotate(h=Sum("session__hours")).values_list("user_id", "h"))
