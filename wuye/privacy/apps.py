from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data over time (个人信息保护法; issue 18 §12): retention periods and their periodic
    anonymisation, a resident's copy of their own data, and their correction requests."""

    name = "wuye.privacy"
    label = "privacy"
    verbose_name = _("个人信息保护")
