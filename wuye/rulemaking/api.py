"""/api/v1/ endpoints of public consultation on drafts (issue 19 item 9):

- ``POST /api/v1/drafts/`` (the drafting office, i.e. the city bureau): write a draft and put it out
  for consultation → 201 ``{"id", …}``; a period shorter than ``WUYE_CONSULTATION_MIN_DAYS`` without
  ``short_period_reason`` is a Chinese 400. ``GET``: the drafts the user may see.
- ``POST /api/v1/drafts/{id}/comments/`` ``{"article", "text"}``: a logged-in account comments while
  the consultation is open; before the opening day or after the closing day: a Chinese 400.
- ``GET /api/v1/drafts/{id}/comments/``: every comment (hidden ones too), for the drafting office only.

A draft not yet out for consultation is 404 to everyone but the office; visible but not the
user's to act on is 403.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from wuye.core.access import refuse
from wuye.core.api import Pagination

from . import selectors as sel
from . import serializers as s
from . import services as svc
from .models import Draft

_ERR = {400: OpenApiResponse(description="输入有误或业务规则不允许（中文说明）"),
        403: OpenApiResponse(description="可见但无权操作"), 404: OpenApiResponse(description="不存在或超出数据范围")}


@extend_schema(
    methods=["POST"], operation_id="draft_create", tags=["rulemaking"], summary="发布征求意见草案",
    description="起草单位（市住房保障房产局）发布草案并公开征求意见。征求意见期不少于 WUYE_CONSULTATION_MIN_DAYS"
                "（默认 30 日，按设置以自然日或工作日计算，自开始日次日起算）；更短须填写 short_period_reason。",
    request=s.DraftIn, responses={201: s.DraftOut, **_ERR},
    examples=[OpenApiExample("条例草案", request_only=True, value={
        "title": "X市物业管理条例（征求意见稿）", "body": "第一条　为了规范物业管理活动……",
        "consultation_opens": "2026-03-01", "consultation_closes": "2026-03-31"})],
)
@extend_schema(methods=["GET"], operation_id="draft_list", tags=["rulemaking"], summary="征求意见草案列表",
               responses={200: s.DraftOut(many=True)})
@api_view(["GET", "POST"])
def drafts(request):
    if request.method == "GET":
        paginator = Pagination()
        page = paginator.paginate_queryset(sel.drafts_visible_to(request.user), request)
        return paginator.get_paginated_response(s.DraftOut(page, many=True).data)
    if not sel.is_office(request.user):
        refuse(user=request.user, model=Draft, pk="", status=403, reason="只有起草单位（市住房保障房产局）可以发布草案")
    data = s.DraftIn(data=request.data)
    data.is_valid(raise_exception=True)
    draft = svc.draft_create(actor=request.user, publish=True, **data.validated_data)
    return Response(s.DraftOut(draft).data, status=status.HTTP_201_CREATED)


@extend_schema(
    methods=["POST"], operation_id="draft_comment_create", tags=["rulemaking"], summary="对草案提出意见",
    description="登录用户在征求意见期内（开始日至截止日，含当日，北京时间）提出意见；期外提交返回 400 及中文说明。"
                "单位账号的意见以单位名义提出。",
    request=s.CommentIn, responses={201: s.CommentOut, **_ERR},
    examples=[OpenApiExample("意见", request_only=True, value={"article": "第十二条", "text": "建议明确公共收益的公示期限。"})],
)
@extend_schema(methods=["GET"], operation_id="draft_comment_list", tags=["rulemaking"], summary="草案的全部意见（起草单位）",
               description="起草单位查看全部意见（含已屏蔽的），按条款分组排序；姓名、电话脱敏。",
               responses={200: s.CommentOut(many=True), 403: _ERR[403], 404: _ERR[404]})
@api_view(["GET", "POST"])
def draft_comments(request, pk: int):
    draft = sel.draft_get_for_user(user=request.user, pk=pk)
    if request.method == "GET":
        if not sel.is_office(request.user):
            refuse(user=request.user, model=Draft, pk=pk, status=403, reason="只有起草单位可以查看全部意见")
        comments = sorted(sel.comments_for_office(draft), key=lambda c: (sel.article_sort_key(c.article), c.created_at, c.pk))
        paginator = Pagination()
        page = paginator.paginate_queryset(comments, request)
        return paginator.get_paginated_response(s.CommentOut(page, many=True).data)
    data = s.CommentIn(data=request.data)
    data.is_valid(raise_exception=True)
    comment = svc.comment_add(actor=request.user, draft=draft, **data.validated_data)
    return Response(s.CommentOut(comment).data, status=status.HTTP_201_CREATED)
