from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "wuye.cases"
    label = "cases"
    verbose_name = _("接诉即办")
    default_auto_field = "django.db.models.BigAutoField"
