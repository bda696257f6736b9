from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    """Handover inspection (承接查验) between a developer and a property company, the filing with the district and early-delivery detection (issue 17 §2–4)."""

    name = "wuye.transition.handover"
    label = "handover"
    verbose_name = _("承接查验")
    default_auto_field = "django.db.models.BigAutoField"
