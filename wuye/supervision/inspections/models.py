"""The inspector pool, inspection plans, the double-random draw and the inspections with their
scores and photos (issue 4 §2–3; rules.md §10)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import TimeStampedModel
from wuye.supervision.constants import POINTS


class Inspector(TimeStampedModel):
    """A member of a territory's inspection pool (双随机 inspector list)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), on_delete=models.PROTECT, related_name="inspector")
    district = models.ForeignKey("territory.District", verbose_name=_("所属检查人员库"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", help_text=_("留空为市级检查人员库。"))
    organisation = models.CharField(_("工作单位"), max_length=100)
    expertise = models.CharField(_("专业"), max_length=100, blank=True)
    active = models.BooleanField(_("在库"), default=True)

    class Meta:
        ordering = ["district", "id"]
        verbose_name = _("检查人员")
        verbose_name_plural = _("检查人员")

    def __str__(self) -> str:
        return str(self.user)


class InspectorConflict(TimeStampedModel):
    """A declared conflict of interest: the inspector is never drawn for this company's estates."""

    inspector = models.ForeignKey(Inspector, verbose_name=_("检查人员"), on_delete=models.CASCADE, related_name="conflicts")
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("回避企业"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("回避小区"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("回避原因"), max_length=200)

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        constraints = [models.CheckConstraint(condition=models.Q(company__isnull=False) | models.Q(estate__isnull=False),
                                              name="conflict_names_company_or_estate")]

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.company or self.estate}"


class InspectionPlan(TimeStampedModel):
    class Kind(models.TextChoices):
        ROUTINE = "routine", _("日常检查")
        SPECIAL = "special", _("专项检查")
        COMPLAINT = "complaint", _("投诉核查")

    class Status(models.TextChoices):
        DRAFT = "draft", _("待抽取")
        DRAWN = "drawn", _("已抽取")
        IN_PROGRESS = "in_progress", _("检查中")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    name = models.CharField(_("计划名称"), max_length=100)
    kind = models.CharField(_("检查类型"), max_length=10, choices=Kind.choices, default=Kind.ROUTINE)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    district = models.ForeignKey("territory.District", verbose_name=_("检查范围（区县）"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", help_text=_("留空为全市。"))
    street = models.ForeignKey("territory.Street", verbose_name=_("检查范围（街道）"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    standard = models.ForeignKey("supervision.Standard", verbose_name=_("依据标准"), on_delete=models.PROTECT, related_name="plans")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    estate_count = models.PositiveSmallIntegerField(_("抽取小区数"), default=20, validators=[MinValueValidator(1)])
    inspector_count = models.PositiveSmallIntegerField(_("抽取检查人员数"), default=6, validators=[MinValueValidator(1)])
    complaint = models.ForeignKey("cases.Complaint", verbose_name=_("关联诉求"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    target_estates = models.ManyToManyField("registry.Estate", verbose_name=_("指定小区"), blank=True, related_name="+",
                                            help_text=_("投诉核查、专项检查可直接指定小区，不经随机抽取。"))
    description = models.TextField(_("检查内容说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("制定人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("检查计划")
        verbose_name_plural = _("检查计划")

    def __str__(self) -> str:
        return self.name


class Draw(models.Model):
    """One double-random draw (双随机、一公开). The candidate lists as they stood, the seed and the
    algorithm version are stored, so anyone can re-run the draw and get the same result."""

    plan = models.OneToOneField(InspectionPlan, verbose_name=_("检查计划"), on_delete=models.PROTECT, related_name="draw")
    seed = models.CharField(_("随机种子"), max_length=64)
    algorithm = models.CharField(_("抽取算法"), max_length=40, default="wuye-draw-v1")
    estate_candidates = models.JSONField(_("候选小区（编号与权重）"), default=list)
    inspector_candidates = models.JSONField(_("候选检查人员"), default=list)
    conflicts = models.JSONField(_("回避关系（检查人员编号→小区编号）"), default=dict)
    result = models.JSONField(_("抽取结果"), default=dict)
    drawn_at = models.DateTimeField(_("抽取时间"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    class Meta:
        ordering = ["-drawn_at"]
        verbose_name = _("随机抽取记录")
        verbose_name_plural = _("随机抽取记录")

    def __str__(self) -> str:
        return f"{self.plan} · {self.seed[:8]}"


class Inspection(TimeStampedModel):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("待检查")
        SUBMITTED = "submitted", _("已提交")
        RECTIFYING = "rectifying", _("整改中")
        CONCLUDED = "concluded", _("已办结")
        CANCELLED = "cancelled", _("已取消")

    plan = models.ForeignKey(InspectionPlan, verbose_name=_("检查计划"), null=True, blank=True, on_delete=models.PROTECT, related_name="inspections")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="inspections")
    # The company serving the estate when inspected (kept: the contract may change later).
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("物业服务企业"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="inspections")
    district = models.ForeignKey("territory.District", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+", editable=False)
    street = models.ForeignKey("territory.Street", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+", editable=False)
    community = models.ForeignKey("territory.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+", editable=False)
    standard = models.ForeignKey("supervision.Standard", verbose_name=_("依据标准"), on_delete=models.PROTECT, related_name="inspections")
    inspectors = models.ManyToManyField(Inspector, verbose_name=_("检查人员"), related_name="inspections", blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ASSIGNED, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    scheduled_on = models.DateField(_("计划检查日期"), null=True, blank=True)
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    total_score = models.DecimalField(_("得分"), **POINTS, null=True, blank=True)
    max_score = models.DecimalField(_("满分"), **POINTS, null=True, blank=True)
    defect_count = models.PositiveSmallIntegerField(_("问题数"), default=0)
    summary = models.TextField(_("检查结论"), blank=True)
    published = models.BooleanField(_("结果已公开"), default=False)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        indexes = [
            models.Index(fields=["estate", "-inspected_on"]),
            models.Index(fields=["company", "-inspected_on"]),
            models.Index(fields=["district", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.estate} · {self.inspected_on or self.scheduled_on or ''}"


class InspectionScore(models.Model):
    inspection = models.ForeignKey(Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey("supervision.StandardItem", verbose_name=_("标准条目"), on_delete=models.PROTECT, related_name="+")
    deduction = models.DecimalField(_("扣分"), **POINTS, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    score = models.DecimalField(_("得分"), **POINTS)
    not_applicable = models.BooleanField(_("不适用"), default=False)
    is_defect = models.BooleanField(_("需整改"), default=False)
    note = models.CharField(_("检查记录"), max_length=500, blank=True)

    class Meta:
        ordering = ["inspection", "item__section__order", "item__order", "item_id"]
        verbose_name = _("检查评分")
        verbose_name_plural = _("检查评分")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="uniq_score_per_item")]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.score}"


def _inspection_photo_path(instance, filename: str) -> str:
    return f"inspections/{instance.inspection_id}/{filename}"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="photos")
    item = models.ForeignKey("supervision.StandardItem", verbose_name=_("标准条目"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    image = models.FileField(_("照片"), upload_to=_inspection_photo_path)
    content_type = models.CharField(max_length=40, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")

    def __str__(self) -> str:
        return self.image.name
