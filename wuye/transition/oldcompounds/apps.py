from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OldcompoundsConfig(AppConfig):
    """The register of old compounds, their renovation projects, acceptance and the enclosure target (issue 17 §5–7)."""

    name = "wuye.transition.oldcompounds"
    label = "oldcompounds"
    verbose_name = _("老旧小区改造")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The campaign indicator ``enclosures_completed`` (issue 17 §6) and the machine's table.
        from . import indicators, workflow  # noqa: F401
