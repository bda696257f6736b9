"""/api/v1/ endpoints of directive notices (issue 16 §12):

- ``POST /api/v1/notices/`` ``{"title", "body", "recipients": [<unit>...], "ack_due"}`` → 201
  ``{"id", ...}`` (the city bureau, a district authority or a street office, to units in reach);
  ``GET`` lists the notices the user follows as sender.
- ``POST /api/v1/notices/{id}/ack/`` ``{"feedback": "..."}``: a recipient unit's user signs for it
  (repeating it changes nothing); anyone else gets 404.
- ``GET /api/v1/notices/{id}/receipts/``: the sender's receipts table with its counts.

A notice with no recipients, or a deadline in the past, is 400 with a Chinese message.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from wuye.campaign.units import UnitField
from wuye.core.access import refuse
from wuye.core.api import Pagination

from . import selectors as sel
from . import services as svc
from .models import Notice

_ERR = {400: OpenApiResponse(description="输入有误或业务规则不允许（中文说明）"),
        403: OpenApiResponse(description="无权发送通知"), 404: OpenApiResponse(description="不存在或超出数据范围")}

class NoticeIn(drf.Serializer):
    title = drf.CharField(max_length=200, help_text="通知标题")
    body = drf.CharField(help_text="通知正文")
    recipients = drf.ListField(child=UnitField(), help_text="接收单位 {\"kind\", \"id\"} 的列表，至少一个")
    ack_due = drf.DateTimeField(help_text="签收期限（ISO 8601，含时区）")
    feedback_kind = drf.ChoiceField(choices=[c for c in Notice.FeedbackKind.values if c], required=False,
                                    help_text="须反馈的内容：text 文字、photos 照片、figure 数字；不填表示无需反馈")
    feedback_due = drf.DateTimeField(required=False, allow_null=True, help_text="反馈期限，要求反馈时必填")
    feedback_label = drf.CharField(required=False, allow_blank=True, max_length=60, help_text="反馈数字的含义")
    supervision = drf.BooleanField(required=False, default=True,
                                   help_text="督办类通知：企业逾期未签收记不良信用信息（默认是）")

class NoticeOut(drf.Serializer):
    id = drf.IntegerField()
    title = drf.CharField()
    body = drf.CharField()
    sender = drf.SerializerMethodField()
    ack_due = drf.DateTimeField()
    feedback_kind = drf.CharField()
    feedback_due = drf.DateTimeField(allow_null=True)
    supervision = drf.BooleanField()
    recipient_count = drf.IntegerField()
    created_at = drf.DateTimeField()

    def get_sender(self, obj) -> dict:
        return {"kind": obj.sender_kind, "id": obj.sender_id, "name": obj.sender_name}

class AckIn(drf.Serializer):
    feedback = drf.CharField(required=False, allow_blank=True, max_length=5000, help_text="签收时附带的落实情况（可选）")

# A receipt's status as the API gives it (``selectors``: overdue = not acknowledged by the deadline).
RECEIPT_STATUSES = ["pending", "read", "acknowledged", "overdue"]

_Entry = inline_serializer("NoticeReceiptEntry", many=True, fields={
    "unit": drf.JSONField(help_text="接收单位 {\"kind\", \"id\", \"name\"}"),
    "status": drf.ChoiceField(choices=RECEIPT_STATUSES),
    "read_at": drf.DateTimeField(allow_null=True), "acknowledged_at": drf.DateTimeField(allow_null=True),
    "fed_back_at": drf.DateTimeField(allow_null=True), "remind_count": drf.IntegerField(),
})
_Receipts = inline_serializer("NoticeReceipts", fields={
    "total": drf.IntegerField(), "acknowledged": drf.IntegerField(),
    "pending": drf.IntegerField(help_text="签收期限前尚未签收（含已读）"),
    "overdue": drf.IntegerField(help_text="签收期限已过仍未签收"), "read": drf.IntegerField(help_text="已读未签收"),
    "fed_back": drf.IntegerField(), "entries": _Entry,
})
_ReceiptOut = inline_serializer("NoticeReceiptOut", fields={
    "notice": drf.IntegerField(), "unit": drf.JSONField(),
    "status": drf.ChoiceField(choices=RECEIPT_STATUSES),
    "acknowledged_at": drf.DateTimeField(allow_null=True), "feedback": drf.CharField(),
})

def _dt(value, tz=None):
    """ISO 8601 in the platform's zone, as DRF writes it (``2027-03-05T18:00:00.123456+08:00``);
    written directly because a notice's receipts may hold thousands of times."""
    return value.astimezone(tz or timezone.get_current_timezone()).isoformat() if value else None

@extend_schema(methods=["POST"], operation_id="notice_create", tags=["campaign"], summary="发送通知",
               description="市住房保障房产局、区县主管部门或街道办事处向辖区内单位发送通知；每个接收单位一条签收回执，"
                           "其用户收到站内消息和短信。没有接收单位、签收期限已过或接收单位超出辖区均返回 400。",
               request=NoticeIn, responses={201: NoticeOut, **_ERR},
               examples=[OpenApiExample("消防安全检查", request_only=True, value={
                   "title": "关于开展住宅小区消防安全检查的通知", "body": "请各物业服务企业于本周内完成消防通道排查。",
                   "recipients": [{"kind": "company", "id": 3}, {"kind": "street", "id": 1}],
                   "ack_due": "2027-03-05T18:00:00+08:00"})])
@extend_schema(methods=["GET"], operation_id="notice_list", tags=["campaign"], summary="本单位发出的通知",
               responses={200: NoticeOut(many=True)})
@api_view(["GET", "POST"])
def notices(request):
    if request.method == "GET":
        qs = sel.notices_sent_visible_to(request.user).order_by("-created_at", "-id")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request)
        return paginator.get_paginated_response(NoticeOut(page, many=True).data)
    if not sel.can_send(request.user):
        refuse(user=request.user, model=Notice, pk="", status=403,
               reason="只有市住房保障房产局、区县主管部门和街道办事处可以发送通知")
    data = NoticeIn(data=request.data)
    data.is_valid(raise_exception=True)
    d = data.validated_data
    notice = svc.create_notice(by=request.user, title=d["title"], body=d["body"], recipients=d["recipients"],
                               ack_due=d["ack_due"], feedback_due=d.get("feedback_due"),
                               feedback_kind=d.get("feedback_kind", ""), supervision=d.get("supervision", True),
                               feedback_label=d.get("feedback_label", ""))
    return Response(NoticeOut(notice).data, status=status.HTTP_201_CREATED)

@extend_schema(operation_id="notice_ack", tags=["campaign"], summary="签收通知",
               description="接收单位的用户签收通知，可附落实情况；重复签收不改变任何内容。非接收单位返回 404。",
               request=AckIn, responses={200: _ReceiptOut, 400: _ERR[400], 404: _ERR[404]})
@api_view(["POST"])
def notice_ack(request, pk: int):
    receipt = sel.receipt_for_recipient(user=request.user, notice_pk=pk)
    data = AckIn(data=request.data)
    data.is_valid(raise_exception=True)
    svc.notice_acknowledge(user=request.user, receipt=receipt, feedback=data.validated_data.get("feedback", ""))
    return Response({"notice": receipt.notice_id, "unit": {"kind": receipt.unit_kind, "id": receipt.unit_id,
                                                           "name": receipt.unit_name},
                     "status": sel.receipt_status(receipt), "acknowledged_at": _dt(receipt.acknowledged_at),
                     "feedback": receipt.feedback_text})

@extend_schema(operation_id="notice_receipts", tags=["campaign"], summary="通知签收情况",
               description="发文单位（及市住房保障房产局）查看每个接收单位的阅读、签收、反馈和逾期情况。"
                           "total = acknowledged + pending + overdue。",
               responses={200: _Receipts, 404: _ERR[404]})
@api_view(["GET"])
def notice_receipts(request, pk: int):
    notice = sel.notice_for_sender(user=request.user, pk=pk)
    now = timezone.now()
    late = notice.ack_due < now
    counts = sel.receipt_counts(notice, now)
    tz = timezone.get_current_timezone()
    entries = [
        {"unit": {"kind": kind, "id": uid, "name": name},
         "status": "overdue" if (late and st != "acknowledged") else st,
         "read_at": _dt(read_at, tz), "acknowledged_at": _dt(ack_at, tz), "fed_back_at": _dt(fb_at, tz),
         "remind_count": rc}
        for kind, uid, name, st, read_at, ack_at, fb_at, rc in sel.receipts_of(notice).values_list(
            "unit_kind", "unit_id", "unit_name", "status", "read_at", "acknowledged_at", "fed_back_at", "remind_count")
    ]
    return Response({**counts, "entries": entries})
