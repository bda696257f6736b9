"""Who may see and edit the working-day calendar's overrides: the city bureau and the system
administrator. Everybody else reads the calendar only through the deadlines it produces."""

from __future__ import annotations

from django.db.models import QuerySet

from wuye.accounts.models import Role

from .models import CalendarDay

CALENDAR_ROLES = (Role.CITY, Role.SYSADMIN)


def can_manage_calendar(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in CALENDAR_ROLES)


def calendar_days_visible_to(user) -> QuerySet[CalendarDay]:
    if not can_manage_calendar(user):
        return CalendarDay.objects.none()
    return CalendarDay.objects.order_by("date")
