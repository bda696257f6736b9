from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "wuye.governance"
    label = "governance"
    verbose_name = _("业主自治")
    default_auto_field = "django.db.models.BigAutoField"
