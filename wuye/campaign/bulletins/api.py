"""/api/v1/ endpoints of bulletins (issue 16 §12):

- ``GET /api/v1/bulletins/``: the bulletins the user sees (the office: all; a recipient unit: those
  issued to it); ``POST``: the office drafts one ``{"kind", "period_start", "period_end", "title"}``
  → 201 ``{"id", …}``;
- ``GET /api/v1/bulletins/{id}/``: one bulletin with its sections and recipients;
- ``POST /api/v1/bulletins/{id}/issue/``: the office issues it → ``{"number", …}``; a second issue
  is a Chinese 400 and changes nothing;
- ``GET /api/v1/bulletins/{id}/document.docx`` and ``…/document.pdf``: the official document
  (503 with a Chinese message when this server cannot render PDF).

Out of scope is 404; seen but not the office's to write is 403.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from wuye.core.access import refuse
from wuye.core.api import Pagination

from . import serializers as s
from . import services as svc
from .models import Bulletin
from .outputs import PdfUnavailable, document_response
from .selectors import bulletin_get_for_user, bulletins_visible_to, can_draft

_ERR = {400: OpenApiResponse(description="输入有误或业务规则不允许（中文说明）"),
        403: OpenApiResponse(description="可见但无权操作"), 404: OpenApiResponse(description="不存在或超出数据范围")}
NO_DRAFT = "只有市住房保障房产局（行动办公室）可以起草和印发通报"


@extend_schema(methods=["GET"], operation_id="bulletin_list", tags=["campaign"], summary="通报列表",
               responses={200: s.BulletinOut(many=True)})
@extend_schema(methods=["POST"], operation_id="bulletin_create", tags=["campaign"], summary="起草通报",
               description="行动办公室（市住房保障房产局）依据平台数据起草通报，返回草稿。",
               request=s.BulletinIn, responses={201: s.BulletinDetailOut, **_ERR})
@api_view(["GET", "POST"])
def bulletin_list(request):
    if request.method == "GET":
        qs = bulletins_visible_to(request.user).order_by("-created_at", "-id")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request)
        return paginator.get_paginated_response(s.BulletinOut(page, many=True).data)
    if not can_draft(request.user):
        refuse(user=request.user, model=Bulletin, pk="", status=403, reason=NO_DRAFT)
    data = s.BulletinIn(data=request.data)
    data.is_valid(raise_exception=True)
    bulletin = svc.bulletin_draft(actor=request.user, **data.validated_data)
    return Response(s.BulletinDetailOut(bulletin).data, status=status.HTTP_201_CREATED)


@extend_schema(operation_id="bulletin_detail", tags=["campaign"], summary="通报详情",
               responses={200: s.BulletinDetailOut, 404: _ERR[404]})
@api_view(["GET"])
def bulletin_detail(request, pk: int):
    return Response(s.BulletinDetailOut(bulletin_get_for_user(user=request.user, pk=pk)).data)


@extend_schema(operation_id="bulletin_issue", tags=["campaign"], summary="印发通报",
               description="按机关代字和年份顺序编号（如 X房物〔2027〕3号），记录主送、抄送机关、成文日期和发文机关；"
                           "收文单位须签收。已印发的通报再次印发返回 400。",
               request=s.IssueIn, responses={200: s.BulletinDetailOut, **_ERR})
@api_view(["POST"])
def bulletin_issue(request, pk: int):
    bulletin = bulletin_get_for_user(user=request.user, pk=pk)
    if not can_draft(request.user):
        refuse(user=request.user, model=Bulletin, pk=pk, status=403, reason=NO_DRAFT)
    data = s.IssueIn(data=request.data)
    data.is_valid(raise_exception=True)
    d = data.validated_data
    bulletin = svc.bulletin_issue_with(actor=request.user, bulletin=bulletin, main=d.get("main"), copy=d.get("copy"),
                                       public=d.get("public"), issue_date=d.get("issue_date"))
    return Response(s.BulletinDetailOut(bulletin).data)


@extend_schema(operation_id="bulletin_document_docx", tags=["campaign"], summary="通报 Word 文档（GB/T 9704）",
               responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): OpenApiTypes.BINARY,
                          404: _ERR[404]})
@api_view(["GET"])
def bulletin_docx(request, pk: int):
    return document_response(bulletin_get_for_user(user=request.user, pk=pk), "docx", actor=request.user)


@extend_schema(operation_id="bulletin_document_pdf", tags=["campaign"], summary="通报 PDF（GB/T 9704）",
               responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: _ERR[404],
                          503: OpenApiResponse(description="本服务器无法生成 PDF（缺少排版组件）")})
@api_view(["GET"])
def bulletin_pdf(request, pk: int):
    bulletin = bulletin_get_for_user(user=request.user, pk=pk)
    try:
        return document_response(bulletin, "pdf", actor=request.user)
    except PdfUnavailable:
        return Response({"detail": "本服务器暂时无法生成 PDF（缺少排版组件 Pango），请下载 Word 版本。"}, status=503)


