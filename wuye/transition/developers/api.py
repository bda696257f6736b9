"""/api/v1/ endpoints of developers (issue 17 §12):

- ``GET /api/v1/developers/``: the developers the official sees, paginated like the rest
  (``{"count", "next", "previous", "results": [{"id", "name", "credit_code", ...}]}``);
  ``?q=`` searches name or code, ``?district=`` filters by district;
- ``POST /api/v1/developers/`` ``{"name", "credit_code"}`` (optional ``legal_representative``,
  ``address``, ``contact_name``, ``contact_phone``) → 201 with the developer; a bad code is a 400
  with the Chinese message on ``credit_code`` (checked by ``normalize_credit_code``);
- ``GET /api/v1/developers/{id}/``: one developer with its estates and phases and its violations.

Only the city bureau and district officials (others 403; anonymous 401). A district sees the
developers it registered and those that built in its district; others are 404.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
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
from wuye.core.api import MaskedPhoneField, Pagination

from . import selectors as sel
from . import services
from .models import Developer, DeveloperViolation

_ERR = {400: OpenApiResponse(description="输入有误（中文说明，按字段给出）"),
        403: OpenApiResponse(description="只有市局和区县主管部门可以使用"),
        404: OpenApiResponse(description="不存在或超出数据范围")}


class DeveloperIn(drf.Serializer):
    name = drf.CharField(max_length=100, help_text="建设单位名称",
                         error_messages={"required": "请填写建设单位名称。", "blank": "请填写建设单位名称。"})
    credit_code = drf.CharField(max_length=30, help_text="统一社会信用代码（18 位，含校验位）",
                                error_messages={"required": "请填写统一社会信用代码。", "blank": "请填写统一社会信用代码。"})
    legal_representative = drf.CharField(max_length=50, required=False, allow_blank=True, help_text="法定代表人")
    address = drf.CharField(max_length=200, required=False, allow_blank=True, help_text="注册地址")
    contact_name = drf.CharField(max_length=50, required=False, allow_blank=True, help_text="联系人")
    contact_phone = drf.CharField(max_length=30, required=False, allow_blank=True, help_text="联系电话")


class DeveloperOut(drf.Serializer):
    id = drf.IntegerField()
    name = drf.CharField()
    credit_code = drf.CharField()
    legal_representative = drf.CharField()
    address = drf.CharField()
    contact_name = drf.CharField()
    contact_phone = MaskedPhoneField()
    district = drf.IntegerField(source="district_id", allow_null=True, help_text="登记区县（空为市局登记）")


class EstateLinkOut(drf.Serializer):
    estate = drf.IntegerField(source="estate_id")
    estate_name = drf.CharField(source="estate.name")
    district = drf.IntegerField(source="estate.district_id")
    phase = drf.CharField()


class ViolationOut(drf.Serializer):
    id = drf.IntegerField()
    kind = drf.ChoiceField(choices=DeveloperViolation.Kind.choices)
    status = drf.ChoiceField(choices=DeveloperViolation.Status.choices)
    source = drf.ChoiceField(choices=DeveloperViolation.Source.choices)
    estate = drf.IntegerField(source="estate_id", allow_null=True)
    occurred_on = drf.DateField()
    note = drf.CharField()
    notice_end = drf.DateTimeField(allow_null=True)


class DeveloperDetailOut(DeveloperOut):
    estates = EstateLinkOut(many=True)
    violations = ViolationOut(many=True)


_Page = inline_serializer("DeveloperPage", fields={
    "count": drf.IntegerField(), "next": drf.CharField(allow_null=True), "previous": drf.CharField(allow_null=True),
    "results": DeveloperOut(many=True)})


def _require_official(request, pk="") -> None:
    if not sel.is_official(request.user):
        refuse(user=request.user, model=Developer, pk=pk, status=403, reason="只有市局和区县主管部门可以使用建设单位接口")


@extend_schema(methods=["GET"], operation_id="developers_list", tags=["developers"], summary="建设单位列表",
               parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="名称或统一社会信用代码"),
                           OpenApiParameter("district", OpenApiTypes.INT, description="区县 id")],
               responses={200: _Page, 403: _ERR[403]})
@extend_schema(methods=["POST"], operation_id="developers_create", tags=["developers"], summary="登记建设单位",
               description="市住房保障房产局或区县主管部门。统一社会信用代码按 GB 32100-2015 校验，错误为 400。",
               request=DeveloperIn, responses={201: DeveloperOut, 400: _ERR[400], 403: _ERR[403]},
               examples=[OpenApiExample("登记", request_only=True,
                                        value={"name": "华润置地开发有限公司", "credit_code": "91110102MA03JKLM2D"})])
@api_view(["GET", "POST"])
def developers(request):
    _require_official(request)
    if request.method == "GET":
        district = request.query_params.get("district") or ""
        if district and not district.isdigit():
            return Response({"district": ["区县 id 应为整数。"]}, status=status.HTTP_400_BAD_REQUEST)
        qs = sel.developers_filtered(request.user, q=request.query_params.get("q") or "",
                                     district_id=int(district) if district else None)
        pager = Pagination()
        page = pager.paginate_queryset(qs.order_by("name", "id"), request)
        return pager.get_paginated_response(DeveloperOut(page, many=True).data)
    data = DeveloperIn(data=request.data)
    data.is_valid(raise_exception=True)
    dev = services.developer_create(user=request.user, data=data.validated_data)
    return Response(DeveloperOut(dev).data, status=status.HTTP_201_CREATED)


@extend_schema(operation_id="developers_detail", tags=["developers"], summary="建设单位详情（开发项目与违规记录）",
               responses={200: DeveloperDetailOut, 403: _ERR[403], 404: _ERR[404]})
@api_view(["GET"])
def developer_detail(request, pk: int):
    _require_official(request, pk)
    dev = get_visible_or_404(sel.visible_developers(request.user), user=request.user, pk=pk)
    out = DeveloperOut(dev).data
    out["estates"] = EstateLinkOut(dev.estates.select_related("estate").order_by("estate_id", "phase", "id"),
                                   many=True).data
    out["violations"] = ViolationOut(sel.visible_violations(request.user).filter(developer=dev)
                                     .order_by("-occurred_on", "-id")[:200], many=True).data
    return Response(out)
