"""/api/v1/ endpoints of handover inspection (issue 17 §4, contract kept exactly):

- ``POST /api/v1/estates/{id}/handovers/`` by the company serving the estate (or an official of its
  area: the city bureau, the estate's district) ``{"developer", "company", "completion_filed_on":
  "YYYY-MM-DD"|null, "delivered_on": "YYYY-MM-DD", "handed_over_on": "YYYY-MM-DD"}`` → 201
  ``{"id", "early_delivery", "filing_due", "status", "steps": [...]}``;
- ``GET /api/v1/handovers/{id}/``: the same shape;
- ``GET /api/v1/handovers/``: the cases in scope (company: its own; district: its area; city: all).

An estate out of scope is 404; visible but not the user's to register is 403; a date in the future,
an unknown developer or company is a Chinese 400.
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

from wuye.core.access import get_visible_or_404, refuse
from wuye.core.api import Pagination
from wuye.core.errors import ServiceError
from wuye.registry.models import Estate
from wuye.registry.selectors import estates_visible_to

from . import selectors as sel
from . import services as svc
from .filtering import filtered_cases
from .models import HandoverCase
from .rules import filing_overdue
from .workflow import step_rows

_ERR = {400: OpenApiResponse(description="输入有误或业务规则不允许（中文说明）"),
        403: OpenApiResponse(description="可见但无权操作"), 404: OpenApiResponse(description="不存在或超出数据范围")}


class HandoverIn(drf.Serializer):
    developer = drf.IntegerField(label="建设单位 id", min_value=1)
    company = drf.IntegerField(label="物业服务企业 id", min_value=1)
    completion_filed_on = drf.DateField(label="竣工验收备案日期", allow_null=True, required=False, default=None)
    delivered_on = drf.DateField(label="交付业主日期")
    handed_over_on = drf.DateField(label="物业交接日期")
    phase = drf.CharField(label="分期", max_length=30, required=False, allow_blank=True, default="")


class StepOut(drf.Serializer):
    code = drf.CharField(help_text="plan / documents / inspection / rectification / confirmation / agreement / handover")
    name = drf.CharField()
    state = drf.CharField(help_text="done / current / pending")


class HandoverOut(drf.Serializer):
    id = drf.IntegerField()
    early_delivery = drf.BooleanField()
    early_delivery_kind = drf.CharField(help_text="early_delivery（提前交房）/ unaccepted_delivery（未经验收交付）/ 空")
    filing_due = drf.DateField(allow_null=True)
    filing_overdue = drf.BooleanField()
    filed_on = drf.DateField(allow_null=True)
    status = drf.CharField(help_text="plan / documents / inspection / rectification / confirmation / agreement / "
                                     "handover / handed_over / filed")
    status_label = drf.CharField()
    steps = StepOut(many=True)
    estate = drf.IntegerField()
    estate_name = drf.CharField()
    phase = drf.CharField()
    developer = drf.IntegerField()
    developer_name = drf.CharField()
    company = drf.IntegerField()
    company_name = drf.CharField()
    completion_filed_on = drf.DateField(allow_null=True)
    delivered_on = drf.DateField(allow_null=True)
    handed_over_on = drf.DateField(allow_null=True)
    referred = drf.BooleanField()


def _d(value):
    return value.isoformat() if value else None


def case_out(case: HandoverCase, today=None) -> dict:
    from django.utils import timezone

    today = today or timezone.localdate()
    return {
        "id": case.pk, "early_delivery": case.early_delivery, "early_delivery_kind": case.early_kind,
        "filing_due": _d(case.filing_due), "filing_overdue": filing_overdue(case, today), "filed_on": _d(case.filed_on),
        "status": case.status, "status_label": case.get_status_display(), "steps": step_rows(case),
        "estate": case.estate_id, "estate_name": case.estate.name, "phase": case.phase,
        "developer": case.developer_id, "developer_name": case.developer.name,
        "company": case.company_id, "company_name": case.company.name,
        "completion_filed_on": _d(case.completion_filed_on), "delivered_on": _d(case.delivered_on),
        "handed_over_on": _d(case.handed_over_on), "referred": case.referred_at is not None,
    }


@extend_schema(operation_id="handover_create", tags=["transition"], summary="登记承接查验",
               description="为该小区服务的物业服务企业，或所在区县主管部门、市住房保障房产局。看不到该小区为 404；"
                           "能看到但无权登记为 403；日期晚于今天、建设单位或企业不存在为 400。交付早于竣工验收备案"
                           "（或未备案）即标记提前交房，记入建设单位违规记录并移交建设、住建部门联合查处。",
               request=HandoverIn, responses={201: HandoverOut, **_ERR},
               examples=[OpenApiExample("承接查验", request_only=True, value={
                   "developer": 1, "company": 2, "completion_filed_on": "2026-03-01", "delivered_on": "2026-02-15",
                   "handed_over_on": "2026-02-10"})])
@api_view(["POST"])
def estate_handovers(request, pk: int):
    estate = get_visible_or_404(estates_visible_to(request.user), user=request.user, pk=pk)
    if not sel.may_register_for(request.user, estate):
        refuse(user=request.user, model=Estate, pk=pk, status=403, reason="只有为该小区服务的物业服务企业或所在区县主管部门可以登记承接查验")
    data = HandoverIn(data=request.data)
    data.is_valid(raise_exception=True)
    d = data.validated_data
    developer = sel.developer_by_id(d["developer"])
    if developer is None:
        raise ServiceError("建设单位不存在")
    company = sel.company_by_id(d["company"])
    if company is None:
        raise ServiceError("物业服务企业不存在")
    case = svc.case_open(actor=request.user, estate=estate, developer=developer, company=company,
                         completion_filed_on=d["completion_filed_on"], delivered_on=d["delivered_on"],
                         handed_over_on=d["handed_over_on"], phase=d["phase"])
    return Response(case_out(case), status=status.HTTP_201_CREATED)


@extend_schema(operation_id="handover_detail", tags=["transition"], summary="承接查验详情",
               responses={200: HandoverOut, 404: _ERR[404]})
@api_view(["GET"])
def handover_detail(request, pk: int):
    return Response(case_out(sel.case_get_for_user(user=request.user, pk=pk)))


@extend_schema(operation_id="handovers_list", tags=["transition"], summary="承接查验列表（按权限）",
               description="企业：本企业的；区县：本辖区的；市住房保障房产局：全部。",
               parameters=[
                   OpenApiParameter("step", str, description="当前步骤（status 的取值）"),
                   OpenApiParameter("overdue", str, description="1：备案逾期"),
                   OpenApiParameter("early", str, description="1：提前交房"),
                   OpenApiParameter("q", str, description="搜索小区、建设单位或企业名称")],
               responses={200: inline_serializer("HandoverPage", fields={
                   "count": drf.IntegerField(), "next": drf.CharField(allow_null=True),
                   "previous": drf.CharField(allow_null=True), "results": HandoverOut(many=True)})})
@api_view(["GET"])
def handovers(request):
    _form, qs = filtered_cases(request.query_params, request.user)
    qs = qs.select_related("estate", "developer", "company").order_by("-created_at", "-id")
    pager = Pagination()
    page = pager.paginate_queryset(qs, request)
    return pager.get_paginated_response([case_out(c) for c in page])
