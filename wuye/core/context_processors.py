from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .calendar import years_without_data
from .selectors_calendar import can_manage_calendar


def platform(request):
    context = {"DEMO_MODE": settings.DEMO_MODE, "PLATFORM_NAME": _("物业服务监管平台")}
    user = getattr(request, "user", None)
    if can_manage_calendar(user):
        # Years whose deadlines fall back to Monday–Friday; cached in the process (no query once warm).
        context["calendar_warning_years"] = years_without_data()
    return context
