from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopersConfig(AppConfig):
    """Developers (建设单位), their estates and phases, and their record of violations (issue 17 §1)."""

    name = "wuye.transition.developers"
    label = "developers"
    verbose_name = _("建设单位")
    default_auto_field = "django.db.models.BigAutoField"
