from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    """Courses, sessions, attendance and yearly training hours (issue 16)."""

    name = "wuye.campaign.training"
    label = "training"
    verbose_name = _("物业培训")
