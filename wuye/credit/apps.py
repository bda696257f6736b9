from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "wuye.credit"
    label = "credit"
    verbose_name = _("企业信用")
    default_auto_field = "django.db.models.BigAutoField"
