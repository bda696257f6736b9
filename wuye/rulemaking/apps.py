from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulemakingConfig(AppConfig):
    """Normative documents and their versions, and public consultation on drafts (issue 19 items 7–9)."""

    name = "wuye.rulemaking"
    label = "rulemaking"
    verbose_name = _("规章与规范性文件")
