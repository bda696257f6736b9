"""/api/v1/ endpoints of the campaign's work plans (issue 16 §12):

- ``GET/POST /api/v1/plans/``: the plans the user sees; the city bureau creates one ``{"year", "title"}``;
- ``GET /api/v1/plans/{id}/``: a plan with its tasks;
- ``POST /api/v1/plans/{id}/tasks/``: the city bureau adds a task;
- ``GET /api/v1/tasks/`` and ``GET /api/v1/tasks/{id}/``: tasks in scope, with status, units and reports;
- ``POST /api/v1/tasks/{id}/reports/``: a lead or co-unit user reports a period;
- ``POST /api/v1/task-reports/{id}/accept/``, ``.../return/``, ``.../consolidate/``: the review.

Out of scope is 404; visible but not the user's to write is 403; a rule refusing the input is 400
with its Chinese message.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from wuye.core.access import refuse
from wuye.core.api import Pagination

from . import serializers as s
from . import services as svc
from .models import Plan, Task
from .selectors import (
    deadline_of,
    is_office,
    plan_get_for_user,
    plans_visible_to,
    report_get_for_user,
    task_get_for_user,
    task_reports,
    task_row,
    task_rows,
    tasks_visible_to,
)

_ERR = {400: OpenApiResponse(description="输入有误或业务规则不允许（中文说明）"),
        403: OpenApiResponse(description="可见但无权操作"), 404: OpenApiResponse(description="不存在或超出数据范围")}
UNIT = {"kind": "department", "id": 3}


def _page(name: str, item) -> object:
    """The paginated shape of a list (``core.api.Pagination``)."""
    return inline_serializer(name, fields={"count": drf.IntegerField(), "next": drf.CharField(allow_null=True),
                                           "previous": drf.CharField(allow_null=True), "results": item})


def _plan_out(plan: Plan) -> dict:
    return s.PlanOut(plan).data


def _task_detail(task: Task) -> dict:
    row = task_row(task)
    return s.task_out(row, deadline_of(task), reports=list(task_reports(task)))


@extend_schema(methods=["GET"], operation_id="campaign_plans_list", tags=["campaign"], summary="年度工作方案列表",
               responses={200: _page("CampaignPlanPage", s.PlanOut(many=True))})
@extend_schema(methods=["POST"], operation_id="campaign_plan_create", tags=["campaign"], summary="新建年度工作方案",
               description="仅市住房保障房产局（专项行动办公室）。", request=s.PlanIn, responses={201: s.PlanOut, **_ERR},
               examples=[OpenApiExample("2020年工作方案", request_only=True, value={"year": 2020, "title": "2020年工作方案"})])
@api_view(["GET", "POST"])
def plans(request):
    if request.method == "GET":
        qs = plans_visible_to(request.user).order_by("-year", "id")
        pager = Pagination()
        page = pager.paginate_queryset(qs, request)
        return pager.get_paginated_response([_plan_out(p) for p in page])
    if not is_office(request.user):
        refuse(user=request.user, model=Plan, pk="", status=403, reason="只有市住房保障房产局可以新建工作方案")
    data = s.PlanIn(data=request.data)
    data.is_valid(raise_exception=True)
    plan = svc.plan_create(actor=request.user, **data.validated_data)
    return Response(_plan_out(plan), status=status.HTTP_201_CREATED)


@extend_schema(operation_id="campaign_plan_detail", tags=["campaign"], summary="工作方案及其任务",
               responses={200: s.PlanOut, 404: _ERR[404]})
@api_view(["GET"])
def plan_detail(request, pk: int):
    plan = plan_get_for_user(user=request.user, pk=pk)
    rows = task_rows(tasks_visible_to(request.user).filter(plan=plan).order_by("id"))
    out = _plan_out(plan)
    out["tasks"] = [s.task_out(r, deadline_of(r.task)) for r in rows]
    return Response(out)


@extend_schema(operation_id="campaign_task_create", tags=["campaign"], summary="新增重点任务",
               description="仅市住房保障房产局。完成时限不能早于方案年度；没有牵头单位为 400。",
               request=s.TaskIn, responses={201: s.TaskOut, **_ERR},
               examples=[OpenApiExample("任务", request_only=True, value={
                   "number": "1", "title": "老旧楼院加装封闭设施", "content": "完成900个老旧楼院加装封闭设施",
                   "lead": UNIT, "co_units": [{"kind": "district", "id": 1}], "due_date": "2020-12-31",
                   "rhythm": "month", "indicator": "", "target": {"quantity": 900, "by_district": [
                       {"district": 1, "quota": 300}]}})])
@api_view(["POST"])
def plan_tasks(request, pk: int):
    plan = plan_get_for_user(user=request.user, pk=pk)
    if not is_office(request.user):
        refuse(user=request.user, model=Plan, pk=pk, status=403, reason="只有市住房保障房产局可以新增任务")
    data = s.TaskIn(data=request.data)
    data.is_valid(raise_exception=True)
    d = data.validated_data
    target = d.get("target") or {}
    task = svc.task_create(
        actor=request.user, plan=plan, number=d["number"], title=d["title"], content=d["content"], lead=d["lead"],
        co_units=d["co_units"], due_date=d["due_date"], rhythm=d["rhythm"],
        milestones=[(m["title"], m["due_date"]) for m in d["milestones"]], indicator=d["indicator"],
        quantity=target.get("quantity"), target_unit=target.get("unit", ""),
        quotas=[(q["district"], q["quota"]) for q in target.get("by_district", [])])
    return Response(_task_detail(task), status=status.HTTP_201_CREATED)


@extend_schema(operation_id="campaign_tasks_list", tags=["campaign"], summary="重点任务列表（按权限）",
               responses={200: _page("CampaignTaskPage", s.TaskOut(many=True))})
@api_view(["GET"])
def tasks(request):
    qs = tasks_visible_to(request.user).select_related("plan").order_by("plan__year", "plan_id", "id")
    year = request.query_params.get("year")
    if year and year.isdigit():
        qs = qs.filter(plan__year=int(year))
    pager = Pagination()
    page = pager.paginate_queryset(qs, request)
    return pager.get_paginated_response([s.task_out(r, deadline_of(r.task)) for r in task_rows(page)])


@extend_schema(operation_id="campaign_task_detail", tags=["campaign"], summary="重点任务详情",
               description="状态由期限、目标进度和报告推导；有量化目标或平台指标时含 progress。",
               responses={200: s.TaskOut, 404: _ERR[404]})
@api_view(["GET"])
def task_detail(request, pk: int):
    return Response(_task_detail(task_get_for_user(user=request.user, pk=pk)))


@extend_schema(operation_id="campaign_report_create", tags=["campaign"], summary="报送任务进展",
               description="牵头或配合单位的用户报送；配合单位报牵头单位汇总，牵头单位报专项行动办公室。"
                           "看不到该任务的单位为 404；能看到但不是责任单位为 400。",
               request=s.ReportIn, responses={201: s.ReportOut, **_ERR},
               examples=[OpenApiExample("月报", request_only=True, value={"period": "2020-03", "text": "本月完成120个"})])
@api_view(["POST"])
def task_reports_create(request, pk: int):
    task = task_get_for_user(user=request.user, pk=pk)
    data = s.ReportIn(data=request.data)
    data.is_valid(raise_exception=True)
    report = svc.report_submit(actor=request.user, task=task, **data.validated_data)
    return Response(s.report_out(report), status=status.HTTP_201_CREATED)


@extend_schema(operation_id="campaign_report_accept", tags=["campaign"], summary="采纳进展报告",
               request=None, responses={200: s.ReportOut, **_ERR})
@api_view(["POST"])
def report_accept(request, pk: int):
    report = report_get_for_user(user=request.user, pk=pk)
    svc.report_accept(actor=request.user, report=report)
    return Response(s.report_out(report))


@extend_schema(operation_id="campaign_report_return", tags=["campaign"], summary="退回进展报告",
               request=s.ReturnIn, responses={200: s.ReportOut, **_ERR})
@api_view(["POST"])
def report_return(request, pk: int):
    report = report_get_for_user(user=request.user, pk=pk)
    data = s.ReturnIn(data=request.data)
    data.is_valid(raise_exception=True)
    svc.report_return(actor=request.user, report=report, reason=data.validated_data["reason"])
    return Response(s.report_out(report))


@extend_schema(operation_id="campaign_report_consolidate", tags=["campaign"], summary="牵头单位汇总配合单位报告",
               request=None, responses={200: s.ReportOut, **_ERR})
@api_view(["POST"])
def report_consolidate(request, pk: int):
    report = report_get_for_user(user=request.user, pk=pk)
    svc.report_consolidate(actor=request.user, report=report)
    return Response(s.report_out(report))
