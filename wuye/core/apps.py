from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "wuye.core"
    label = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from . import calendar, checks, signals  # noqa: F401  (in ready(): they need the loaded models)
