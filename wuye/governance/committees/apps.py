from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    """Guidance and supervision of owners' committees and owners' oversight (issue 19 §3–6)."""

    name = "wuye.governance.committees"
    label = "committees"
    verbose_name = _("业委会指导监督")
    default_auto_field = "django.db.models.BigAutoField"
