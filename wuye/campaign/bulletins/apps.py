from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    """通报 bulletins issued as official documents (GB/T 9704-2012) (issue 16)."""

    name = "wuye.campaign.bulletins"
    label = "bulletins"
    verbose_name = _("通报")
