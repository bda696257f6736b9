"""``check --deploy`` refuses to pass while a demo login is active (issue: demo logins exist
only in demo data)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def demo_logins_inactive(app_configs, **kwargs):
    try:
        active = list(
            get_user_model()
            .objects.filter(username__in=settings.WUYE_DEMO_USERNAMES, is_active=True)
            .values_list("username", flat=True)
        )
    except DatabaseError:
        return []
    if not active:
        return []
    return [
        Error(
            "演示账号仍处于启用状态：" + "、".join(sorted(active)),
            hint="生产环境请停用或删除演示账号（python manage.py demo_disable_logins）。",
            id="wuye.E001",
        )
    ]
