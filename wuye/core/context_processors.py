from django.conf import settings


def platform(request):
    return {"DEMO_MODE": settings.DEMO_MODE, "PLATFORM_NAME": "物业服务监管平台"}
