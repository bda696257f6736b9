from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "wuye.supervision"
    label = "supervision"
    verbose_name = _("监督检查与星级评定")
    default_auto_field = "django.db.models.BigAutoField"
