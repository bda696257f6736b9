"""Supervision: versioned service standards, double-random inspections, rectification orders,
owner satisfaction surveys and star ratings (rules.md §8 and §10).

State machines are explicit tables in ``workflow.py``; every write goes through ``services*.py``.
A published standard is frozen: editing it means publishing a new version, so no past inspection
result ever changes (issue 4 §1).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import SettingsModel, TimeStampedModel

POINTS = {"max_digits": 6, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}
STAR_CHOICES = [(1, _("一星级")), (2, _("二星级")), (3, _("三星级")), (4, _("四星级")), (5, _("五星级"))]


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


# ---- standards --------------------------------------------------------------------------------


class Standard(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("现行")
        RETIRED = "retired", _("已废止")

    code = models.CharField(_("标准代码"), max_length=30, help_text=_("同一标准的各个版本使用相同代码。"))
    name = models.CharField(_("标准名称"), max_length=100)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    retired_at = models.DateTimeField(_("废止时间"), null=True, blank=True)
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    note = models.TextField(_("版本说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("编制人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("服务标准")
        verbose_name_plural = _("服务标准")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="uniq_standard_version"),
            models.UniqueConstraint(fields=["code"], condition=models.Q(status="published"), name="one_published_standard_per_code",
                                    violation_error_message=_("同一标准同时只能有一个现行版本。")),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class StandardSection(models.Model):
    standard = models.ForeignKey(Standard, verbose_name=_("服务标准"), on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("章节名称"), max_length=100)

    class Meta:
        ordering = ["standard", "order", "id"]
        verbose_name = _("标准章节")
        verbose_name_plural = _("标准章节")

    def __str__(self) -> str:
        return self.name


class StandardItem(models.Model):
    standard = models.ForeignKey(Standard, verbose_name=_("服务标准"), on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(StandardSection, verbose_name=_("章节"), on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    code = models.CharField(_("条目编号"), max_length=20)
    text = models.CharField(_("标准内容"), max_length=500)
    max_points = models.DecimalField(_("分值"), **POINTS, validators=[MinValueValidator(Decimal("0.5"))])
    deduction_rule = models.CharField(_("扣分规则"), max_length=300, help_text=_("如“每发现一处扣 0.5 分，扣完为止”。"))
    evidence = models.CharField(_("检查方式与佐证"), max_length=300, blank=True)
    # Star levels the item applies to, e.g. [3, 4, 5]; an item not applying to the estate's level scores full.
    star_levels = models.JSONField(_("适用星级"), default=list, blank=True)

    class Meta:
        ordering = ["standard", "section__order", "order", "id"]
        verbose_name = _("标准条目")
        verbose_name_plural = _("标准条目")
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="uniq_item_code_in_standard")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"


# ---- inspections ------------------------------------------------------------------------------


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
    standard = models.ForeignKey(Standard, verbose_name=_("依据标准"), on_delete=models.PROTECT, related_name="plans")
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
    standard = models.ForeignKey(Standard, verbose_name=_("依据标准"), on_delete=models.PROTECT, related_name="inspections")
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
    item = models.ForeignKey(StandardItem, verbose_name=_("标准条目"), on_delete=models.PROTECT, related_name="+")
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
    item = models.ForeignKey(StandardItem, verbose_name=_("标准条目"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
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


class RectificationOrder(TimeStampedModel):
    """A defect the company must fix by a deadline (rules.md §10)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        SUBMITTED = "submitted", _("待复查")
        CLOSED = "closed", _("已销号")
        CANCELLED = "cancelled", _("已撤销")

    number = models.CharField(_("整改单号"), max_length=24, unique=True)
    inspection = models.ForeignKey(Inspection, verbose_name=_("检查"), null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    item = models.ForeignKey(StandardItem, verbose_name=_("标准条目"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="rectification_orders")
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("物业服务企业"), on_delete=models.PROTECT, related_name="rectification_orders")
    district = models.ForeignKey("territory.District", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+", editable=False)
    street = models.ForeignKey("territory.Street", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+", editable=False)
    defect = models.CharField(_("问题描述"), max_length=500)
    requirement = models.CharField(_("整改要求"), max_length=500, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    deadline = models.DateTimeField(_("整改期限"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("下达人"), on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("提交整改时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    reinspected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("复查人"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    reopen_count = models.PositiveSmallIntegerField(_("复查未通过次数"), default=0)
    # Set once by the sweep when the deadline passes unfixed: the supervisor is told and a credit
    # event is drafted (issue 4 §4). Claimed by a conditional UPDATE so it happens once.
    overdue_at = models.DateTimeField(_("逾期时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("整改通知")
        verbose_name_plural = _("整改通知")
        indexes = [
            models.Index(fields=["company", "status"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["district", "status"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at is not None


class OrderEvent(models.Model):
    order = models.ForeignKey(RectificationOrder, verbose_name=_("整改通知"), on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("动作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=10, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")

    def __str__(self) -> str:
        return f"{self.order} {self.action}"


def _evidence_path(instance, filename: str) -> str:
    return f"rectification/{instance.order_id}/{filename}"


class RectificationEvidence(models.Model):
    order = models.ForeignKey(RectificationOrder, verbose_name=_("整改通知"), on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("佐证材料"), upload_to=_evidence_path)
    content_type = models.CharField(max_length=40, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("整改佐证")
        verbose_name_plural = _("整改佐证")

    def __str__(self) -> str:
        return self.file.name


# ---- surveys ----------------------------------------------------------------------------------


class SurveyTemplate(TimeStampedModel):
    name = models.CharField(_("问卷名称"), max_length=100)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    is_default = models.BooleanField(_("默认问卷"), default=False)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("测评问卷")
        verbose_name_plural = _("测评问卷")

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"


class SurveyDimension(models.Model):
    template = models.ForeignKey(SurveyTemplate, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="dimensions")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("测评维度"), max_length=50)

    class Meta:
        ordering = ["template", "order", "id"]
        verbose_name = _("测评维度")
        verbose_name_plural = _("测评维度")

    def __str__(self) -> str:
        return self.name


class SurveyQuestion(models.Model):
    dimension = models.ForeignKey(SurveyDimension, verbose_name=_("测评维度"), on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    text = models.CharField(_("题目"), max_length=200)

    class Meta:
        ordering = ["dimension__order", "order", "id"]
        verbose_name = _("测评题目")
        verbose_name_plural = _("测评题目")

    def __str__(self) -> str:
        return self.text


class Survey(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("未开始")
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    template = models.ForeignKey(SurveyTemplate, verbose_name=_("问卷"), on_delete=models.PROTECT, related_name="surveys")
    estate = models.ForeignKey("registry.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="surveys")
    company = models.ForeignKey("registry.PropertyCompany", verbose_name=_("物业服务企业"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField(_("测评名称"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("结束时间"))
    unit_count = models.PositiveIntegerField(_("应参与户数"), default=0)
    response_count = models.PositiveIntegerField(_("已参与户数"), default=0)
    satisfied_answers = models.PositiveIntegerField(_("满意回答数"), default=0)
    answer_count = models.PositiveIntegerField(_("回答总数"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        indexes = [models.Index(fields=["estate", "-opens_at"])]

    def __str__(self) -> str:
        return self.title


class SurveyResponse(models.Model):
    """One answer sheet per unit (issue 4 §5: one answer per unit per survey, from the verified owner)."""

    survey = models.ForeignKey(Survey, verbose_name=_("测评"), on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey("registry.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey("registry.Owner", verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    comment = models.CharField(_("意见建议"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("测评答卷")
        verbose_name_plural = _("测评答卷")
        constraints = [models.UniqueConstraint(fields=["survey", "unit"], name="one_response_per_unit",
                                               violation_error_message=_("该房屋已参加本次测评。"))]

    def __str__(self) -> str:
        return f"{self.survey} · {self.unit}"


class SurveyAnswer(models.Model):
    class Score(models.IntegerChoices):
        VERY_BAD = 1, _("非常不满意")
        BAD = 2, _("不满意")
        FAIR = 3, _("一般")
        GOOD = 4, _("满意")
        VERY_GOOD = 5, _("非常满意")

    response = models.ForeignKey(SurveyResponse, verbose_name=_("答卷"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, verbose_name=_("题目"), on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("评价"), choices=Score.choices)

    class Meta:
        verbose_name = _("测评回答")
        verbose_name_plural = _("测评回答")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.score}"


# ---- star ratings -----------------------------------------------------------------------------


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
    inspection = models.ForeignKey(Inspection, verbose_name=_("现场检查"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    survey = models.ForeignKey(Survey, verbose_name=_("满意度测评"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
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


class StarApplicationEvent(models.Model):
    application = models.ForeignKey(StarApplication, verbose_name=_("星级申报"), on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("动作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
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
