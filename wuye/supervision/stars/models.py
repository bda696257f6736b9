"""Star applications with their timeline and objections, star ratings and downgrade reviews
(issue 4 §6; rules.md §8)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import TimeStampedModel
from wuye.core.workflow import WorkflowEvent
from wuye.supervision.constants import PERCENT, POINTS, STAR_CHOICES


class StarApplication(TimeStampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已申报")
        GATE_FAILED = "gate_failed", _("不符合申报条件")
        EVALUATING = "evaluating", _("评定中")
        NOTICE = "notice", _("公示中")
        EFFECTIVE = "effective", _("已生效")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("申报企业"), on_delete=models.PROTECT, related_name="star_applications")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="star_applications")
    district = models.ForeignKey("territory.District", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+", editable=False)
    target_level = models.PositiveSmallIntegerField(_("申报星级"), choices=STAR_CHOICES)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    statement = models.TextField(_("申报说明"), blank=True)
    gate_results = models.JSONField(_("条件审查"), default=list, blank=True)
    inspection = models.ForeignKey("supervision.Inspection", verbose_name=_("现场检查"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    survey = models.ForeignKey("supervision.Survey", verbose_name=_("满意度测评"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    inspection_score = models.DecimalField(_("检查得分"), **POINTS, null=True, blank=True)
    satisfaction = models.DecimalField(_("满意率（%）"), **PERCENT, null=True, blank=True)
    combined_score = models.DecimalField(_("综合得分"), **POINTS, null=True, blank=True)
    awarded_level = models.PositiveSmallIntegerField(_("评定星级"), choices=STAR_CHOICES, null=True, blank=True)
    notice_start = models.DateTimeField(_("公示开始"), null=True, blank=True)
    notice_end = models.DateTimeField(_("公示截止"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision_note = models.TextField(_("评定意见"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申报人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("星级申报")
        verbose_name_plural = _("星级申报")
        indexes = [models.Index(fields=["district", "status"]), models.Index(fields=["company", "status"])]

    def __str__(self) -> str:
        return f"{self.estate} · {self.get_target_level_display()}"


class StarApplicationEvent(WorkflowEvent):
    """One row of the timeline (``core.workflow.WorkflowEvent``: action, from, to, actor, note, time)."""

    application = models.ForeignKey(StarApplication, verbose_name=_("星级申报"), on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("星级评定记录")
        verbose_name_plural = _("星级评定记录")

    def __str__(self) -> str:
        return f"{self.application} {self.action}"


class StarObjection(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("异议成立")
        REJECTED = "rejected", _("异议不成立")

    application = models.ForeignKey(StarApplication, verbose_name=_("星级申报"), on_delete=models.CASCADE, related_name="objections")
    name = models.CharField(_("异议人"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("异议内容"))
    photos = models.JSONField(_("照片"), default=list, blank=True)
    status = models.CharField(_("处理结果"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decision_reason = models.TextField(_("处理理由"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("星级异议")
        verbose_name_plural = _("星级异议")

    def __str__(self) -> str:
        return f"{self.application} · {self.name}"


class StarRating(TimeStampedModel):
    """An estate's star level with its validity; history is kept (one row per award)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        EXPIRED = "expired", _("已到期")
        DOWNGRADED = "downgraded", _("已降级")
        REVOKED = "revoked", _("已撤销")

    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="star_ratings")
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("物业服务企业"), on_delete=models.PROTECT, related_name="star_ratings")
    district = models.ForeignKey("territory.District", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+", editable=False)
    application = models.ForeignKey(StarApplication, verbose_name=_("星级申报"), null=True, blank=True, on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(_("星级"), choices=STAR_CHOICES)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("有效期至"))
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=300, blank=True)
    previous = models.ForeignKey("self", verbose_name=_("上一次评定"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("星级评定结果")
        verbose_name_plural = _("星级评定结果")
        constraints = [models.UniqueConstraint(fields=["estate"], condition=models.Q(status="active"), name="one_active_star_per_estate",
                                               violation_error_message=_("一个小区同时只能有一个有效星级。"))]
        indexes = [models.Index(fields=["district", "status", "level"]), models.Index(fields=["company", "status"])]

    def __str__(self) -> str:
        return f"{self.estate} · {self.get_level_display()}"


class DowngradeReview(TimeStampedModel):
    class Trigger(models.TextChoices):
        COMPLAINTS = "complaints", _("有效投诉超过阈值")
        REINSPECTION = "reinspection", _("复查不合格")
        MANUAL = "manual", _("主管部门发起")

    class Status(models.TextChoices):
        OPEN = "open", _("复核中")
        KEPT = "kept", _("维持星级")
        DOWNGRADED = "downgraded", _("已降级")
        REVOKED = "revoked", _("已撤销星级")

    rating = models.ForeignKey(StarRating, verbose_name=_("星级"), on_delete=models.PROTECT, related_name="reviews")
    trigger = models.CharField(_("触发原因"), max_length=12, choices=Trigger.choices)
    detail = models.CharField(_("情况说明"), max_length=500)
    source_key = models.CharField(max_length=80, blank=True, help_text=_("自动触发的来源，避免重复发起。"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    new_level = models.PositiveSmallIntegerField(_("调整后星级"), choices=STAR_CHOICES, null=True, blank=True)
    decision_reason = models.TextField(_("复核意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("降级复核")
        verbose_name_plural = _("降级复核")
        constraints = [models.UniqueConstraint(fields=["rating", "source_key"], condition=~models.Q(source_key=""),
                                               name="uniq_downgrade_source")]

    def __str__(self) -> str:
        return f"{self.rating} · {self.get_trigger_display()}"
