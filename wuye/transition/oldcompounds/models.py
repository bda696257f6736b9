"""Old compounds (老旧楼院): their register, renovation projects and acceptance (issue 17 §5–7).

- ``CompoundProfile``: one per estate of kind ``Estate.Kind.OLD_COMPOUND`` — households, the
  facilities it lacks and the district's plan for it. The year built is the estate's own
  (``Estate.year_built``), never copied.
- ``RenovationProject``: a renovation of one compound (综合整治, 户表改造, 加装封闭设施, other) with
  its budget and funding, contractor, planned and actual dates, and the district's acceptance
  (验收). Its status is a table on the one workflow core (``workflow.PROJECT``). An accepted
  enclosure project counts towards the campaign indicator ``enclosures_completed``
  (``indicators.py``) by the year of ``accepted_on`` — from acceptances alone.
- ``Milestone`` and ``ProjectPhoto``: progress with photos, and the acceptance evidence.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.models import TimeStampedModel
from wuye.core.workflow import WorkflowEvent
from wuye.registry.models import Estate
from wuye.territory.models import District, Street

# Each lacking facility: (profile field, label). The filter, the page and the demo read this list.
FACILITIES = (
    ("lacks_enclosure", _("封闭设施")),
    ("lacks_access_control", _("门禁")),
    ("lacks_water_meters", _("一户一表（水）")),
    ("lacks_power_meters", _("一户一表（电）")),
    ("lacks_fire_lanes", _("消防通道")),
    ("lacks_lighting", _("照明")),
)


class CompoundProfile(TimeStampedModel):
    """An old compound on the register: what it lacks and the district's plan for it."""

    class PlanStatus(models.TextChoices):
        UNPLANNED = "unplanned", _("未列入计划")
        PLANNED = "planned", _("已列入改造计划")
        RENOVATING = "renovating", _("改造中")
        DONE = "done", _("已完成改造")

    estate = models.OneToOneField(Estate, verbose_name=_("小区"), on_delete=models.CASCADE, related_name="compound")
    households = models.PositiveIntegerField(_("户数"), default=0)
    lacks_enclosure = models.BooleanField(_("缺封闭设施"), default=False)
    lacks_access_control = models.BooleanField(_("缺门禁"), default=False)
    lacks_water_meters = models.BooleanField(_("缺一户一表（水）"), default=False)
    lacks_power_meters = models.BooleanField(_("缺一户一表（电）"), default=False)
    lacks_fire_lanes = models.BooleanField(_("缺消防通道"), default=False)
    lacks_lighting = models.BooleanField(_("缺照明"), default=False)
    lacks_other = models.CharField(_("其他缺失设施"), max_length=200, blank=True)
    plan_status = models.CharField(_("计划状态"), max_length=12, choices=PlanStatus.choices,
                                   default=PlanStatus.UNPLANNED)
    plan_year = models.PositiveSmallIntegerField(_("计划改造年度"), null=True, blank=True)
    plan_note = models.TextField(_("区县改造计划"), blank=True,
                                 help_text=_("区县对该楼院的改造安排：改造内容、时序和责任单位"))
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["estate__name", "id"]
        verbose_name = _("老旧楼院档案")
        verbose_name_plural = _("老旧楼院档案")
        indexes = [models.Index(fields=["plan_status"])]

    def __str__(self) -> str:
        return str(self.estate)

    @property
    def lacking(self) -> list[str]:
        out = [str(label) for name, label in FACILITIES if getattr(self, name)]
        if self.lacks_other:
            out.append(self.lacks_other)
        return out


class RenovationProject(TimeStampedModel):
    """A renovation project of one compound, accepted (验收) by the district."""

    class Kind(models.TextChoices):
        COMPREHENSIVE = "comprehensive", _("综合整治")
        METERS = "meters", _("户表改造")
        ENCLOSURE = "enclosure", _("加装封闭设施")
        OTHER = "other", _("其他")

    class MeterType(models.TextChoices):
        NONE = "", _("—")
        WATER = "water", _("供水")
        POWER = "power", _("供电")
        BOTH = "both", _("供水和供电")

    class Funding(models.TextChoices):
        CENTRAL = "central", _("中央补助资金")
        PROVINCIAL = "provincial", _("省级财政资金")
        CITY = "city", _("市级财政资金")
        DISTRICT = "district", _("区县财政资金")
        UTILITY = "utility", _("水电气企业出资")
        OWNERS = "owners", _("居民自筹")
        MIXED = "mixed", _("多渠道筹资")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PLANNED = "planned", _("已立项")
        IN_PROGRESS = "in_progress", _("施工中")
        COMPLETED = "completed", _("已完工待验收")
        ACCEPTED = "accepted", _("已验收")
        CANCELLED = "cancelled", _("已取消")

    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="renovations")
    # Copied from the estate when the project is created: scoping and counting by district is one indexed filter.
    district = models.ForeignKey(District, verbose_name=_("所属区县"), on_delete=models.PROTECT, related_name="+",
                                 editable=False)
    street = models.ForeignKey(Street, verbose_name=_("所属街道"), on_delete=models.PROTECT, related_name="+",
                               editable=False)
    kind = models.CharField(_("改造类型"), max_length=16, choices=Kind.choices)
    meter_type = models.CharField(_("户表类别"), max_length=8, choices=MeterType.choices, blank=True, default="")
    title = models.CharField(_("项目名称"), max_length=200, blank=True)
    budget = models.DecimalField(_("预算（元）"), max_digits=14, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(Decimal("0"))])
    funding_source = models.CharField(_("资金来源"), max_length=12, choices=Funding.choices, blank=True)
    contractor = models.CharField(_("施工单位"), max_length=200, blank=True)
    planned_start = models.DateField(_("计划开工日期"), null=True, blank=True)
    planned_finish = models.DateField(_("计划完工日期"))
    started_on = models.DateField(_("实际开工日期"), null=True, blank=True)
    finished_on = models.DateField(_("实际完工日期"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("验收人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    acceptance_note = models.TextField(_("验收意见"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("改造项目")
        verbose_name_plural = _("改造项目")
        indexes = [
            models.Index(fields=["kind", "status", "accepted_on"]),
            models.Index(fields=["district", "status"]),
            models.Index(fields=["estate", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                                   name="renovation_budget_not_negative",
                                   violation_error_message=_("预算不能为负数。")),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.estate} · {self.get_kind_display()}"

    @property
    def start_day(self):
        """The day the project started: its actual start, else its planned start, else the day it
        was registered (an acceptance cannot come before it)."""
        from django.utils import timezone

        if self.started_on:
            return self.started_on
        if self.planned_start:
            return self.planned_start
        return timezone.localdate(self.created_at) if self.created_at else None


class Milestone(models.Model):
    """A step of the works (进度节点), with photos."""

    project = models.ForeignKey(RenovationProject, verbose_name=_("改造项目"), on_delete=models.CASCADE,
                                related_name="milestones")
    title = models.CharField(_("进度节点"), max_length=200)
    done_on = models.DateField(_("完成日期"))
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        ordering = ["done_on", "id"]
        verbose_name = _("进度节点")
        verbose_name_plural = _("进度节点")

    def __str__(self) -> str:
        return self.title


class ProjectPhoto(models.Model):
    """A photo of a milestone, or (no milestone) evidence of the acceptance; cleaned by ``core.uploads``."""

    project = models.ForeignKey(RenovationProject, on_delete=models.CASCADE, related_name="photos")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to="renovations/%Y/%m/")
    content_type = models.CharField(max_length=50, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("项目照片")
        verbose_name_plural = _("项目照片")

    def __str__(self) -> str:
        return self.file.name


class ProjectEvent(WorkflowEvent):
    """The timeline of a renovation project."""

    project = models.ForeignKey(RenovationProject, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("项目记录")
        verbose_name_plural = _("项目记录")
