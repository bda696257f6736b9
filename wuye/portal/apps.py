from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "wuye.portal"
    label = "portal"
    verbose_name = "门户与工作台"
