"""Supervision: versioned service standards, double-random inspections, rectification orders,
owner satisfaction surveys and star ratings (rules.md §8 and §10).

Each sub-domain keeps its models in its own package (``standards/``, ``inspections/``,
``orders/``, ``surveys/``, ``stars/``); this module holds the shared settings row and gathers
them under the ``supervision`` app label (migrations unchanged). State machines are tables in each
sub-domain's ``workflow.py`` on ``core/workflow``; every write goes through its ``services.py``.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import SettingsModel

from .constants import PERCENT, POINTS, STAR_CHOICES
from .inspections.models import (
    Draw,
    Inspection,
    InspectionPhoto,
    InspectionPlan,
    InspectionScore,
    Inspector,
    InspectorConflict,
    _inspection_photo_path,
)
from .orders.models import OrderEvent, RectificationEvidence, RectificationOrder, _evidence_path
from .standards.models import Standard, StandardItem, StandardSection
from .stars.models import DowngradeReview, StarApplication, StarApplicationEvent, StarObjection, StarRating
from .surveys.models import (
    Survey,
    SurveyAnswer,
    SurveyDimension,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)

__all__ = [
    "PERCENT", "POINTS", "STAR_CHOICES", "DowngradeReview", "Draw", "Inspection", "InspectionPhoto", "InspectionPlan",
    "InspectionScore", "Inspector", "InspectorConflict", "OrderEvent", "RectificationEvidence", "RectificationOrder",
    "Standard", "StandardItem", "StandardSection", "StarApplication", "StarApplicationEvent", "StarObjection",
    "StarRating", "SupervisionSettings", "Survey", "SurveyAnswer", "SurveyDimension", "SurveyQuestion",
    "SurveyResponse", "SurveyTemplate", "_evidence_path", "_inspection_photo_path",
]


# ---- settings ---------------------------------------------------------------------------------


class SupervisionSettings(SettingsModel):
    """The city bureau's settings for inspections and star ratings (one row)."""

    # Star thresholds on the combined evaluation score (rules.md §8; issue 4 §1).
    star1_min = models.DecimalField(_("一星级最低分"), **POINTS, default=Decimal("60"))
    star2_min = models.DecimalField(_("二星级最低分"), **POINTS, default=Decimal("70"))
    star3_min = models.DecimalField(_("三星级最低分"), **POINTS, default=Decimal("80"))
    star4_min = models.DecimalField(_("四星级最低分"), **POINTS, default=Decimal("88"))
    star5_min = models.DecimalField(_("五星级最低分"), **POINTS, default=Decimal("95"))
    # Star evaluation = inspection × w + survey satisfaction × (1 − w) (issue 4 §6).
    weight_inspection = models.PositiveSmallIntegerField(
        _("检查得分权重（%）"), default=60, validators=[MaxValueValidator(100)],
        help_text=_("星级评定综合分中现场检查得分所占比例，其余为满意度测评。"),
    )
    weight_survey = models.PositiveSmallIntegerField(_("满意度权重（%）"), default=40, validators=[MaxValueValidator(100)])
    notice_workdays = models.PositiveSmallIntegerField(_("星级公示期（工作日）"), default=7)
    rating_valid_years = models.PositiveSmallIntegerField(_("星级有效期（年）"), default=2)
    gate_service_years = models.PositiveSmallIntegerField(_("申报须服务该小区满（年）"), default=1)
    gate_min_grade = models.CharField(_("申报企业信用等级不低于"), max_length=3, default="B")
    downgrade_complaints = models.PositiveSmallIntegerField(
        _("触发降级复核的有效投诉数"), default=5,
        help_text=_("星级有效期内，该小区经核实（已解决或不满意重办）的投诉达到此数即启动降级复核。"),
    )
    downgrade_window_days = models.PositiveSmallIntegerField(_("有效投诉统计期（天）"), default=90)
    rectify_workdays = models.PositiveSmallIntegerField(_("整改期限默认（工作日）"), default=10)
    inspectors_per_estate = models.PositiveSmallIntegerField(_("每个小区检查人员数"), default=2, validators=[MinValueValidator(1)])
    blacklist_weight = models.PositiveSmallIntegerField(
        _("黑名单企业抽中权重"), default=3, validators=[MinValueValidator(1)],
        help_text=_("双随机抽取小区时，黑名单企业服务的小区被抽中的相对权重（其他小区为 1）。"),
    )
    survey_min_response_rate = models.DecimalField(_("测评有效最低参与率（%）"), **PERCENT, default=Decimal("20"))

    class Meta:
        verbose_name = _("监督检查设置")
        verbose_name_plural = _("监督检查设置")


    def star_for(self, score: Decimal) -> int:
        """The highest star level whose threshold ``score`` reaches (0 = none)."""
        level = 0
        for n in range(1, 6):
            if score >= getattr(self, f"star{n}_min"):
                level = n
        return level
