from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    """The campaign office's own tools: the leading group and its member units, staffing, the
    yearly work plans with divided responsibility and their progress reports (issue 16)."""

    name = "wuye.campaign"
    label = "campaign"
    verbose_name = _("专项行动")
