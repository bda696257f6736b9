from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    """The campaign office's own tools: the leading group and its member units, staffing, the
    yearly work plans with divided responsibility and their progress reports (issue 16)."""

    name = "wuye.campaign"
    label = "campaign"
    verbose_name = _("专项行动")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .rowcache import on_campaign_write

        post_save.connect(on_campaign_write, dispatch_uid="campaign_rows_save")
        post_delete.connect(on_campaign_write, dispatch_uid="campaign_rows_delete")
