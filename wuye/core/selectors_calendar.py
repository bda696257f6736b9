"""Who may see and edit the working-day calendar's overrides: the city bureau and the system
administrator. Everybody else reads the calendar only through the deadlines it produces."""

from __future__ import annotations

from django.db.models import QuerySet

from wuye.accounts.models import Role

from .access import refuse
from .models import CalendarDay

CALENDAR_ROLES = (Role.CITY, Role.SYSADMIN)


def can_manage_calendar(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in CALENDAR_ROLES)


def require_calendar_manager(user) -> None:
    """The gate of the calendar pages: everybody else gets 404 (audited)."""
    if not can_manage_calendar(user):
        refuse(user=user, model=CalendarDay, pk="", reason="非市住房保障房产局或系统管理员访问工作日历")


def calendar_days_visible_to(user) -> QuerySet[CalendarDay]:
    if not can_manage_calendar(user):
        return CalendarDay.objects.none()
    return CalendarDay.objects.order_by("date")
