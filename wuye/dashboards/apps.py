from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "wuye.dashboards"
    label = "dashboards"
    verbose_name = _("监管总览")
    default_auto_field = "django.db.models.BigAutoField"
