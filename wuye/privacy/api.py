"""/api/v1/ endpoints of the privacy app, for residents (issue 18 §12):

- ``POST /api/v1/privacy/my-data/``: the resident's own data (complaints, ballots, utility and income
  shares) as JSON — 个人信息保护法第四十五条; a POST because each copy writes its audit row.
- ``GET /api/v1/privacy/corrections/``: the resident's own correction requests (the city bureau: all);
  ``POST`` ``{"field", "current_value", "wanted_value"}``: a resident submits one (第四十六条).

Other roles: 403 (audited).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from wuye.accounts.models import User
from wuye.core.access import refuse
from wuye.core.api import Pagination

from . import selectors as sel
from . import serializers as s
from . import services as svc
from .models import CorrectionRequest

_ERR = {400: OpenApiResponse(description="输入有误（中文说明）"), 403: OpenApiResponse(description="不是业主账号")}


@extend_schema(methods=["POST"], operation_id="privacy_my_data", tags=["privacy"], summary="下载本人个人信息",
               description="业主获取平台保存的本人诉求、选票、水电公摊和公共收益分配（个人信息保护法第四十五条），"
                           "每次获取记一条审计记录。", request=None, responses={200: s.OwnDataOut, **_ERR})
@api_view(["POST"])
def my_data(request):
    if not sel.is_resident(request.user):
        refuse(user=request.user, model=User, pk="", status=403, reason="“我的个人信息”供业主账号使用")
    data = svc.own_data_export(user=request.user, fmt="json")
    return Response(data.as_json())


@extend_schema(methods=["POST"], operation_id="privacy_correction_create", tags=["privacy"],
               summary="提交个人信息更正申请", description="业主申请更正、补充本人个人信息（个人信息保护法第四十六条）。",
               request=s.CorrectionIn, responses={201: s.CorrectionOut, **_ERR})
@extend_schema(methods=["GET"], operation_id="privacy_correction_list", tags=["privacy"],
               summary="个人信息更正申请列表", description="业主：本人的申请；市住房保障房产局：全部申请。",
               responses={200: s.CorrectionOut(many=True)})
@api_view(["GET", "POST"])
def corrections(request):
    if not sel.can_view_corrections(request.user):
        refuse(user=request.user, model=CorrectionRequest, pk="", status=403,
               reason="只有业主本人和市住房保障房产局可以查看个人信息更正申请")
    if request.method == "GET":
        paginator = Pagination()
        page = paginator.paginate_queryset(sel.corrections_visible_to(request.user), request)
        return paginator.get_paginated_response(s.CorrectionOut(page, many=True).data)
    data = s.CorrectionIn(data=request.data)
    data.is_valid(raise_exception=True)
    req = svc.correction_submit(user=request.user, **data.validated_data)
    return Response(s.CorrectionOut(req).data, status=status.HTTP_201_CREATED)
