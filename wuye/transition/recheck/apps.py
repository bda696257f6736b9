from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecheckConfig(AppConfig):
    """The 回头看 re-checks of last year's clean-up and confidential 扫黑除恶 clue reports (issue 17 §10–11)."""

    name = "wuye.transition.recheck"
    label = "recheck"
    verbose_name = _("回头看")
    default_auto_field = "django.db.models.BigAutoField"
