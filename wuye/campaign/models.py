"""The campaign office's own records (issue 16 items 1–5): the leading group's member units, the
staffing of districts, streets and communities, the three-year action with its yearly work plans
and numbered tasks (责任分工), and the progress reports with their timeline.

A unit is ``(kind, id)`` as in ``wuye.cases.units``; its name is copied when the row is written so
that lists and the board read no other table. ``district_id`` beside each unit is the district it
belongs to (null for city-level units and companies): a district sees the rows of its own units.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.cases.models import SupervisionLevel, UnitKind
from wuye.core.calendar import PeriodUnit
from wuye.core.models import TimeStampedModel
from wuye.core.workflow import WorkflowEvent


class MemberUnit(TimeStampedModel):
    """A member unit of the leading group (领导小组成员单位): the lead (组长单位) or a member."""

    class Role(models.TextChoices):
        LEAD = "lead", _("组长单位")
        MEMBER = "member", _("成员单位")

    unit_kind = models.CharField(_("单位类别"), max_length=12, choices=UnitKind.choices)
    unit_id = models.PositiveBigIntegerField(_("单位编号"))
    unit_name = models.CharField(_("单位名称"), max_length=100)
    role = models.CharField(_("职责"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    contact_name = models.CharField(_("联络人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    duty = models.CharField(_("工作职责"), max_length=300, blank=True)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["role", "unit_kind", "unit_id"]
        verbose_name = _("领导小组成员单位")
        verbose_name_plural = _("领导小组成员单位")
        constraints = [models.UniqueConstraint(fields=["unit_kind", "unit_id"], name="campaign_member_unit_once")]

    def __str__(self) -> str:
        return self.unit_name


class StaffingPost(TimeStampedModel):
    """A named official responsible for property management in a district, street or community
    (配齐配强工作人员) and the duty assigned."""

    unit_kind = models.CharField(_("单位类别"), max_length=12, choices=UnitKind.choices)
    unit_id = models.PositiveBigIntegerField(_("单位编号"))
    unit_name = models.CharField(_("单位名称"), max_length=100)
    district = models.ForeignKey("territory.District", verbose_name=_("区县/园区"), on_delete=models.PROTECT,
                                 related_name="+")
    street = models.ForeignKey("territory.Street", verbose_name=_("街道/乡镇"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=50)
    duty = models.CharField(_("分工职责"), max_length=300)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        ordering = ["district_id", "unit_kind", "unit_id", "id"]
        verbose_name = _("物业管理工作人员")
        verbose_name_plural = _("物业管理工作人员")
        indexes = [models.Index(fields=["unit_kind", "unit_id"])]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.name}"


class Action(TimeStampedModel):
    """The three-year action (三年行动)."""

    title = models.CharField(_("行动名称"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("起始年份"))
    end_year = models.PositiveSmallIntegerField(_("结束年份"))

    class Meta:
        ordering = ["-start_year", "id"]
        verbose_name = _("三年行动")
        verbose_name_plural = _("三年行动")

    def __str__(self) -> str:
        return self.title


class Plan(TimeStampedModel):
    """A yearly work plan (年度工作方案) with its key tasks."""

    action = models.ForeignKey(Action, verbose_name=_("三年行动"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="plans")
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("方案名称"), max_length=200)
    day_unit = models.CharField(_("期限计算"), max_length=16, choices=[
        (PeriodUnit.CALENDAR_DAYS, _("自然日")), (PeriodUnit.WORKING_DAYS, _("工作日"))],
        default=PeriodUnit.WORKING_DAYS,
        help_text=_("按工作日计算时，落在休息日的截止日期顺延至下一工作日（调休上班日计为工作日）"))
    report_days = models.PositiveSmallIntegerField(_("报送期限（天）"), default=5,
                                                   help_text=_("每个报送周期结束后多少天内报送进展"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("年度工作方案")
        verbose_name_plural = _("年度工作方案")

    def __str__(self) -> str:
        return self.title


class Rhythm(models.TextChoices):
    MONTH = "month", _("按月报送")
    QUARTER = "quarter", _("按季度报送")
    MILESTONE = "milestone", _("按节点报送")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未启动")
    ON_TRACK = "on_track", _("按进度推进")
    BEHIND = "behind", _("进度滞后")
    DONE = "done", _("已完成")
    OVERDUE = "overdue", _("逾期未完成")


class Task(TimeStampedModel):
    """A numbered key task (重点任务) of a plan: its lead unit and co-units are ``TaskUnit`` rows."""

    plan = models.ForeignKey(Plan, verbose_name=_("工作方案"), on_delete=models.PROTECT, related_name="tasks")
    number = models.CharField(_("序号"), max_length=20)
    title = models.CharField(_("任务名称"), max_length=200)
    content = models.TextField(_("任务内容"), blank=True)
    lead_kind = models.CharField(_("牵头单位类别"), max_length=12, choices=UnitKind.choices)
    lead_id = models.PositiveBigIntegerField(_("牵头单位编号"))
    lead_name = models.CharField(_("牵头单位"), max_length=100)
    due_date = models.DateField(_("完成时限"))
    rhythm = models.CharField(_("报送节奏"), max_length=10, choices=Rhythm.choices, default=Rhythm.MONTH)
    indicator = models.CharField(_("平台指标"), max_length=40, blank=True)
    target_quantity = models.PositiveIntegerField(_("量化目标"), null=True, blank=True)
    target_unit = models.CharField(_("目标单位"), max_length=20, blank=True)
    # Set when the office accepts a final report (the task is complete).
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The office's reminders of missing or late reports (催办 → 督办, the complaints' rule table).
    supervision_level = models.PositiveSmallIntegerField(_("督办等级"), choices=SupervisionLevel.choices,
                                                         default=SupervisionLevel.NONE)
    next_check_at = models.DateTimeField(_("下次检查"), null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["plan_id", "id"]
        verbose_name = _("重点任务")
        verbose_name_plural = _("重点任务")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="campaign_task_number_once")]
        indexes = [models.Index(fields=["lead_kind", "lead_id"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class TaskUnit(models.Model):
    """A unit responsible for a task: the lead (牵头) or a co-unit (配合)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头单位")
        CO = "co", _("配合单位")

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="units")
    role = models.CharField(_("职责"), max_length=6, choices=Role.choices)
    kind = models.CharField(_("单位类别"), max_length=12, choices=UnitKind.choices)
    unit_id = models.PositiveBigIntegerField(_("单位编号"))
    name = models.CharField(_("单位名称"), max_length=100)
    district_id = models.PositiveBigIntegerField(_("所属区县"), null=True, blank=True, db_index=True)
    supervision_level = models.PositiveSmallIntegerField(_("督办等级"), choices=SupervisionLevel.choices,
                                                         default=SupervisionLevel.NONE)

    class Meta:
        ordering = ["task_id", "role", "id"]
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        constraints = [models.UniqueConstraint(fields=["task", "kind", "unit_id"], name="campaign_task_unit_once")]
        indexes = [models.Index(fields=["kind", "unit_id"])]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A dated step of a task whose deadline is given as milestones (节点)."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=200)
    due_date = models.DateField(_("节点时限"))

    class Meta:
        ordering = ["task_id", "due_date", "id"]
        verbose_name = _("任务节点")
        verbose_name_plural = _("任务节点")

    def __str__(self) -> str:
        return self.title


class TargetQuota(models.Model):
    """A district's share of a task's quantified target (e.g. its enclosures of the city's 900)."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="quotas")
    district = models.ForeignKey("territory.District", verbose_name=_("区县/园区"), on_delete=models.PROTECT,
                                 related_name="+")
    quota = models.PositiveIntegerField(_("分解目标"))

    class Meta:
        ordering = ["task_id", "district_id"]
        verbose_name = _("目标分解")
        verbose_name_plural = _("目标分解")
        constraints = [models.UniqueConstraint(fields=["task", "district"], name="campaign_quota_once")]

    def __str__(self) -> str:
        return f"{self.district_id}: {self.quota}"


class Report(TimeStampedModel):
    """A unit's progress report for one period of a task. A co-unit's report goes to the lead unit,
    which consolidates it; the lead's report goes to the campaign office, which accepts or returns."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已采纳")
        CONSOLIDATED = "consolidated", _("已汇总")

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(_("报送周期"), max_length=20, help_text=_("如 2020-03、2020-Q1 或节点名称"))
    period_end = models.DateField(_("周期截止"))
    role = models.CharField(_("职责"), max_length=6, choices=TaskUnit.Role.choices)
    unit_kind = models.CharField(_("单位类别"), max_length=12, choices=UnitKind.choices)
    unit_id = models.PositiveBigIntegerField(_("单位编号"))
    unit_name = models.CharField(_("报送单位"), max_length=100)
    district_id = models.PositiveBigIntegerField(_("所属区县"), null=True, blank=True)
    text = models.TextField(_("进展情况"))
    figures = models.JSONField(_("数据"), default=dict, blank=True)
    quantity_done = models.PositiveIntegerField(_("累计完成量"), null=True, blank=True)
    final = models.BooleanField(_("完成报告"), default=False, help_text=_("报告任务已全部完成"))
    status = models.CharField(_("状态"), max_length=14, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"))
    late = models.BooleanField(_("逾期报送"), default=False)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    consolidated_into = models.ForeignKey("self", verbose_name=_("汇总至"), null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="parts")

    class Meta:
        ordering = ["task_id", "-period_end", "role", "id"]
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        constraints = [models.UniqueConstraint(fields=["task", "period", "unit_kind", "unit_id"],
                                               name="campaign_report_once_per_period")]
        indexes = [models.Index(fields=["task", "status"])]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.period}"


class ReportEvent(WorkflowEvent):
    report = models.ForeignKey(Report, verbose_name=_("进展报告"), on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("报告记录")
        verbose_name_plural = _("报告记录")


def _attachment_path(instance, filename: str) -> str:
    return f"campaign/reports/{instance.report_id}/{filename}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(Report, verbose_name=_("进展报告"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to=_attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("报告附件")
        verbose_name_plural = _("报告附件")

    def __str__(self) -> str:
        return self.name


class TaskEvent(WorkflowEvent):
    """The task's own timeline: created, edited, reminded (催办), supervised (督办)."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        verbose_name = _("任务记录")
        verbose_name_plural = _("任务记录")
