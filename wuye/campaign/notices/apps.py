from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Directive notices to units with their receipts (签收) and feedback (issue 16)."""

    name = "wuye.campaign.notices"
    label = "notices"
    verbose_name = _("通知与签收")
