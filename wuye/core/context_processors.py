from django.conf import settings
from django.utils.translation import gettext_lazy as _


def platform(request):
    context = {"DEMO_MODE": settings.DEMO_MODE, "PLATFORM_NAME": _("物业服务监管平台")}
    user = getattr(request, "user", None)
    if getattr(user, "is_authenticated", False) and user.role in ("city", "sysadmin"):
        # Years whose deadlines fall back to Monday–Friday; cached in the process (no query once warm).
        from .calendar import years_without_data

        context["calendar_warning_years"] = years_without_data()
    return context
