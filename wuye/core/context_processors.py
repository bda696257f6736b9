from django.conf import settings
from django.utils.translation import gettext_lazy as _


def platform(request):
    return {"DEMO_MODE": settings.DEMO_MODE, "PLATFORM_NAME": _("物业服务监管平台")}
