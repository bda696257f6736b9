from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "wuye.territory"
    label = "territory"
    verbose_name = "行政区划"
