"""Input and output shapes of the campaign API (issue 16 §12). No rules here: see services and
selectors. Units are ``{"kind", "id"}`` (``units.UnitField``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers as drf

from wuye.cases.units import unit_ref

from .models import Rhythm
from .units import UnitField

LEAD_MISSING = _("请指定牵头单位（lead）")


class PlanIn(drf.Serializer):
    year = drf.IntegerField(min_value=2000, max_value=2100, help_text="方案年度")
    title = drf.CharField(max_length=200, help_text="方案名称")
    day_unit = drf.ChoiceField(choices=["working_days", "calendar_days"], required=False,
                               help_text="期限计算：工作日（默认）或自然日")


class PlanOut(drf.Serializer):
    id = drf.IntegerField()
    year = drf.IntegerField()
    title = drf.CharField()
    day_unit = drf.CharField()
    report_days = drf.IntegerField()


class QuotaIn(drf.Serializer):
    district = drf.IntegerField(min_value=1, help_text="区县编号")
    quota = drf.IntegerField(min_value=0, help_text="该区县分解目标")


class TargetIn(drf.Serializer):
    quantity = drf.IntegerField(min_value=1, help_text="目标总量")
    unit = drf.CharField(max_length=20, required=False, allow_blank=True, default="", help_text="计量单位，如“个”")
    by_district = QuotaIn(many=True, required=False, default=list)


class MilestoneIn(drf.Serializer):
    title = drf.CharField(max_length=200)
    due_date = drf.DateField()


class TaskIn(drf.Serializer):
    number = drf.CharField(max_length=20, help_text="序号")
    title = drf.CharField(max_length=200)
    content = drf.CharField(required=False, allow_blank=True, default="")
    lead = UnitField(error_messages={"required": LEAD_MISSING, "null": LEAD_MISSING})
    co_units = drf.ListField(child=UnitField(), required=False, default=list)
    due_date = drf.DateField(required=False, allow_null=True, default=None, help_text="完成时限 YYYY-MM-DD")
    rhythm = drf.ChoiceField(choices=Rhythm.values, default=Rhythm.MONTH,
                             error_messages={"invalid_choice": _("报送节奏只能是 month、quarter 或 milestone")})
    milestones = MilestoneIn(many=True, required=False, default=list)
    indicator = drf.CharField(max_length=40, required=False, allow_blank=True, default="",
                              help_text="平台指标，如 complaint_on_time、enclosures_completed")
    target = TargetIn(required=False, allow_null=True, default=None)


class ReportIn(drf.Serializer):
    period = drf.CharField(max_length=200, help_text="报送周期 YYYY-MM（或 YYYY-Q1、节点名称）")
    text = drf.CharField(max_length=10000, help_text="进展情况")
    figures = drf.DictField(required=False, default=dict, help_text="数据")
    quantity_done = drf.IntegerField(min_value=0, required=False, allow_null=True, default=None,
                                     help_text="累计完成量（有量化目标时）")
    final = drf.BooleanField(required=False, default=False, help_text="牵头单位报告任务已全部完成")


class ReturnIn(drf.Serializer):
    reason = drf.CharField(max_length=2000, help_text="退回理由")


class ReportOut(drf.Serializer):
    id = drf.IntegerField()
    period = drf.CharField()
    unit = drf.DictField()
    role = drf.CharField()
    status = drf.CharField()
    text = drf.CharField()
    figures = drf.DictField()
    quantity_done = drf.IntegerField(allow_null=True)
    final = drf.BooleanField()
    late = drf.BooleanField()
    submitted_at = drf.DateTimeField()
    return_reason = drf.CharField()


class TaskOut(drf.Serializer):
    id = drf.IntegerField()
    plan = drf.IntegerField()
    number = drf.CharField()
    title = drf.CharField()
    content = drf.CharField()
    status = drf.CharField(help_text="not_started、on_track、behind、done 或 overdue（由期限、进度和报告推导）")
    lead = drf.DictField()
    co_units = drf.ListField(child=drf.DictField())
    due_date = drf.DateField()
    deadline = drf.DateField(help_text="按方案期限计算（工作日顺延）后的最后一日")
    rhythm = drf.CharField()
    indicator = drf.CharField()
    supervision_level = drf.IntegerField()
    progress = drf.DictField(required=False, help_text="有量化目标或平台指标时：{done, quantity, by_district}")
    reports = ReportOut(many=True)


def report_out(report) -> dict:
    """A report row (a model or the dict ``selectors.task_rows`` reads)."""
    get = report.get if isinstance(report, dict) else lambda k: getattr(report, k)
    return {"id": get("id"), "period": get("period"),
            "unit": {"kind": get("unit_kind"), "id": get("unit_id"), "name": get("unit_name")},
            "role": get("role"), "status": get("status"), "text": get("text"), "figures": get("figures") or {},
            "quantity_done": get("quantity_done"), "final": get("final"), "late": get("late"),
            "submitted_at": get("submitted_at"), "return_reason": get("return_reason") or ""}


def task_out(row, deadline, *, reports: list | None = None) -> dict:
    t = row.task
    out = {"id": t.pk, "plan": t.plan_id, "number": t.number, "title": t.title, "content": t.content,
           "status": row.status, "lead": unit_ref(row.lead), "co_units": [unit_ref(u) for u in row.co_units],
           "due_date": t.due_date, "deadline": deadline, "rhythm": t.rhythm, "indicator": t.indicator,
           "supervision_level": t.supervision_level}
    if row.progress is not None:
        out["progress"] = row.progress.as_api()
    if reports is not None:
        out["reports"] = [report_out(r) for r in reports]
    return out
