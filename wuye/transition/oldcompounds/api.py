"""/api/v1/ endpoints of renovation projects (issue 17 §12):

- ``POST /api/v1/renovations/`` ``{"estate", "kind": "enclosure"|"meters"|"comprehensive"|"other",
  "planned_finish": "YYYY-MM-DD"}`` by the district authority or the street office of the estate's
  area → 201 ``{"id", ...}``; ``GET`` lists the projects in the user's scope (``?kind=``, ``?status=``).
- ``GET /api/v1/renovations/{id}/``: one project.
- ``POST /api/v1/renovations/{id}/accept/`` ``{"accepted_on": "YYYY-MM-DD"}`` by the district
  authority of the estate → 200 with the project. An acceptance before the project started or in
  the future is 400 with a Chinese message and nothing changes.

Out of scope is 404 (an estate out of scope in the body is a 400 field error, as if it did not
exist); visible but not the user's to do is 403.
"""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from wuye.core.access import refuse
from wuye.core.api import Pagination, ScopedRelatedField

from . import selectors as sel
from . import services as svc
from .models import RenovationProject

_ERR = {400: OpenApiResponse(description="输入有误或业务规则不允许（中文说明）"),
        403: OpenApiResponse(description="无权操作"), 404: OpenApiResponse(description="不存在或超出数据范围")}


class ProjectEstateField(ScopedRelatedField):
    default_error_messages = {
        "does_not_exist": "小区不存在或不在您的辖区内",
        "incorrect_type": "应填写小区编号（整数），收到的是 {data_type}。",
    }


class ProjectIn(drf.Serializer):
    estate = ProjectEstateField(selector=sel.estates_for_projects, help_text="小区编号（本区县或本街道辖区内）")
    kind = drf.ChoiceField(choices=RenovationProject.Kind.values,
                           help_text="改造类型：enclosure 加装封闭设施、meters 户表改造、comprehensive 综合整治、other 其他",
                           error_messages={"invalid_choice": "改造类型应为 enclosure、meters、comprehensive 或 other"})
    planned_finish = drf.DateField(help_text="计划完工日期 YYYY-MM-DD",
                                   error_messages={"invalid": "计划完工日期格式应为 YYYY-MM-DD",
                                                   "required": "请填写计划完工日期"})
    planned_start = drf.DateField(required=False, allow_null=True, help_text="计划开工日期（可选）")
    started_on = drf.DateField(required=False, allow_null=True, help_text="实际开工日期（可选，已开工的项目）")
    meter_type = drf.ChoiceField(choices=[c for c in RenovationProject.MeterType.values if c], required=False,
                                 allow_blank=True, help_text="户表类别（户表改造）：water 供水、power 供电、both 两者")
    title = drf.CharField(required=False, allow_blank=True, max_length=200, help_text="项目名称")
    budget = drf.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0,
                              coerce_to_string=True, help_text="预算（元，两位小数）")
    funding_source = drf.ChoiceField(choices=RenovationProject.Funding.values, required=False, allow_blank=True,
                                     help_text="资金来源")
    contractor = drf.CharField(required=False, allow_blank=True, max_length=200, help_text="施工单位")


class AcceptIn(drf.Serializer):
    accepted_on = drf.DateField(help_text="验收日期 YYYY-MM-DD（不晚于今天，不早于项目开工）",
                                error_messages={"invalid": "验收日期格式应为 YYYY-MM-DD", "required": "请填写验收日期"})
    note = drf.CharField(required=False, allow_blank=True, max_length=2000, help_text="验收意见")


class ProjectOut(drf.Serializer):
    id = drf.IntegerField()
    estate = drf.IntegerField(source="estate_id")
    estate_name = drf.CharField(source="estate.name")
    district = drf.IntegerField(source="district_id")
    street = drf.IntegerField(source="street_id")
    kind = drf.CharField()
    kind_label = drf.CharField(source="get_kind_display")
    meter_type = drf.CharField()
    title = drf.CharField()
    budget = drf.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    funding_source = drf.CharField()
    contractor = drf.CharField()
    planned_start = drf.DateField(allow_null=True)
    planned_finish = drf.DateField()
    started_on = drf.DateField(allow_null=True)
    finished_on = drf.DateField(allow_null=True)
    accepted_on = drf.DateField(allow_null=True)
    status = drf.CharField()
    status_label = drf.CharField(source="get_status_display")
    created_at = drf.DateTimeField()


_Page = inline_serializer("RenovationPage", fields={
    "count": drf.IntegerField(), "next": drf.CharField(allow_null=True), "previous": drf.CharField(allow_null=True),
    "results": ProjectOut(many=True)})


@extend_schema(methods=["POST"], operation_id="renovation_create", tags=["oldcompounds"], summary="登记改造项目",
               description="区县主管部门或街道办事处为本辖区的小区登记改造项目（加装封闭设施、户表改造、综合整治、其他）。",
               request=ProjectIn, responses={201: ProjectOut, **_ERR},
               examples=[OpenApiExample("加装封闭设施", request_only=True, value={
                   "estate": 12, "kind": "enclosure", "planned_finish": "2027-06-30"})])
@extend_schema(methods=["GET"], operation_id="renovation_list", tags=["oldcompounds"], summary="改造项目列表",
               parameters=[OpenApiParameter("kind", str, enum=RenovationProject.Kind.values),
                           OpenApiParameter("status", str, enum=RenovationProject.Status.values)],
               responses={200: _Page})
@api_view(["GET", "POST"])
def renovations(request):
    user = request.user
    if request.method == "GET":
        qs = sel.projects_visible_to(user).select_related("estate").order_by("-created_at", "-id")
        kind, st = request.query_params.get("kind", ""), request.query_params.get("status", "")
        if kind:
            if kind not in RenovationProject.Kind.values:
                return Response({"kind": ["改造类型应为 enclosure、meters、comprehensive 或 other"]}, status=400)
            qs = qs.filter(kind=kind)
        if st:
            if st not in RenovationProject.Status.values:
                return Response({"status": ["状态不正确"]}, status=400)
            qs = qs.filter(status=st)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request)
        return paginator.get_paginated_response(ProjectOut(page, many=True).data)
    if not sel.can_create_project(user):
        refuse(user=user, model=RenovationProject, pk="", status=403,
               reason="只有区县主管部门和街道办事处可以登记改造项目")
    data = ProjectIn(data=request.data, context={"request": request})
    data.is_valid(raise_exception=True)
    d = data.validated_data
    project = svc.project_create(
        actor=user, estate=d["estate"], kind=d["kind"], planned_finish=d["planned_finish"],
        planned_start=d.get("planned_start"), started_on=d.get("started_on"), meter_type=d.get("meter_type", ""),
        title=d.get("title", ""), budget=d.get("budget"), funding_source=d.get("funding_source", ""),
        contractor=d.get("contractor", ""))
    return Response(ProjectOut(project).data, status=status.HTTP_201_CREATED)


@extend_schema(operation_id="renovation_detail", tags=["oldcompounds"], summary="改造项目",
               responses={200: ProjectOut, 404: _ERR[404]})
@api_view(["GET"])
def renovation_detail(request, pk: int):
    project = sel.project_get_for_user(user=request.user, pk=pk)
    return Response(ProjectOut(project).data)


@extend_schema(operation_id="renovation_accept", tags=["oldcompounds"], summary="验收改造项目",
               description="小区所在区县主管部门验收改造项目。验收日期不能晚于今天，也不能早于项目开工；"
                           "验收通过的加装封闭设施项目按验收日期所在年度计入“老旧楼院加装封闭设施”目标。",
               request=AcceptIn, responses={200: ProjectOut, **_ERR},
               examples=[OpenApiExample("验收", request_only=True, value={"accepted_on": "2027-05-20"})])
@api_view(["POST"])
def renovation_accept(request, pk: int):
    user = request.user
    project = sel.project_get_for_user(user=user, pk=pk)
    if "district" not in sel.actor_kinds(user, project.estate):
        refuse(user=user, model=RenovationProject, pk=pk, status=403, reason="只有小区所在区县主管部门可以验收改造项目")
    data = AcceptIn(data=request.data)
    data.is_valid(raise_exception=True)
    svc.project_accept(actor=user, project=project, accepted_on=data.validated_data["accepted_on"],
                       note=data.validated_data.get("note", ""))
    return Response(ProjectOut(project).data)
