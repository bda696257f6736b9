from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuasiConfig(AppConfig):
    """准物业 bought by the streets and communities: purchase contracts, monthly checks and the payment formula (issue 17 §8–9)."""

    name = "wuye.transition.quasi"
    label = "quasi"
    verbose_name = _("准物业")
    default_auto_field = "django.db.models.BigAutoField"
