from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    """Party building in estates (支部建在小区上) and three-party joint meetings (issue 19 §1–2)."""

    name = "wuye.governance.party"
    label = "party"
    verbose_name = _("党建引领")
    default_auto_field = "django.db.models.BigAutoField"
