"""``GET /api/v1/companies/{id}/credit/``: a company's public credit (issue 4 §9).

Public read (no login), rate-limited per IP like the other public reads. Numbers are decimal
strings with two places (``"82.00"``); ``lists`` holds ``"red"`` and/or ``"black"``; ``events`` are
the company's confirmed items that count today or occurred within the public period
(``CreditSettings.public_event_days``, default one year), newest first — the credit app's public
list (``selectors.public_events``), the same as the public pages. 404 for an unknown company.

A GET never writes: it reads the stored ``CompanyCredit`` row. A company the platform has not rated
yet answers ``"rated": false`` with ``score``, ``grade``, ``basic``, ``good``, ``bad`` and
``computed_at`` null (shown as "暂未评级"); a rated one ``"rated": true``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers as drf
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from wuye.core.ratelimit import RateLimited, enforce_rate
from wuye.core.request_context import client_ip

from . import selectors as sel
from .models import CompanyCredit

PUBLIC_READS_PER_HOUR = 600


def _points(value) -> str:
    return f"{value:.2f}"


def lists_of(credit: CompanyCredit) -> list[str]:
    out = []
    if credit.red:
        out.append("red")
    if credit.black:
        out.append("black")
    return out


def credit_payload(company_id: int, *, today=None) -> dict | None:
    """The public credit of one company as plain data (shared by the API and tests); None for an
    unknown company. Reads only: a company never rated yet has ``rated`` false and no figures."""
    today = today or timezone.localdate()
    row = sel.company_credit(company_id)
    if row is None and not sel.company_exists(company_id):
        return None
    events = [
        {
            "rule": e.rule.code, "name": e.rule.name, "class": e.klass, "points": _points(e.signed_points),
            "occurred_on": e.occurred_on.isoformat(),
            "valid_until": e.valid_until.isoformat() if e.valid_until else None,
            "status": e.status, "counting": e.counting,
        }
        for e in sel.public_events(company_id, today=today)
    ]
    if row is None:
        return {"company": company_id, "rated": False, "score": None, "grade": None, "basic": None, "good": None,
                "bad": None, "lists": [], "veto": False, "computed_at": None, "events": events}
    return {
        "company": company_id, "rated": True, "score": _points(row.score), "grade": row.grade,
        "basic": _points(row.basic), "good": _points(row.good), "bad": _points(row.bad), "lists": lists_of(row),
        "veto": row.veto, "computed_at": row.computed_at.isoformat() if row.computed_at else None, "events": events,
    }


_Event = inline_serializer("CreditEventPublic", many=True, fields={
    "rule": drf.CharField(help_text="规则代码"), "name": drf.CharField(help_text="信用行为"),
    "class": drf.ChoiceField(choices=["basic", "good", "bad", "veto"], help_text="类别"),
    "points": drf.CharField(help_text="分值（不良为负），精确小数字符串"),
    "occurred_on": drf.DateField(), "valid_until": drf.DateField(allow_null=True, help_text="空表示整改完成前一直有效"),
    "status": drf.CharField(), "counting": drf.BooleanField(help_text="今日是否计分"),
})
_Credit = inline_serializer("CompanyCredit", fields={
    "company": drf.IntegerField(),
    "rated": drf.BooleanField(help_text="是否已评级；false 表示暂未评级，分数和等级为 null"),
    "score": drf.CharField(allow_null=True, help_text="信用总分，如 \"82.00\"；暂未评级为 null"),
    "grade": drf.ChoiceField(choices=["AAA", "AA", "A", "B", "C"], allow_null=True, help_text="暂未评级为 null"),
    "basic": drf.CharField(allow_null=True), "good": drf.CharField(allow_null=True),
    "bad": drf.CharField(allow_null=True), "lists": drf.ListField(child=drf.ChoiceField(choices=["red", "black"])),
    "veto": drf.BooleanField(), "computed_at": drf.DateTimeField(allow_null=True), "events": _Event,
})


@extend_schema(
    operation_id="company_credit", tags=["credit"], auth=[],
    summary="企业信用（公开）",
    description=("物业服务企业的信用总分、等级、基础/良好/不良分项、红黑名单及已确认的信用信息（今日计分或对外公开期内发生的）。"
                 "无需登录；按 IP 限流，超限返回 429。分数以两位小数的字符串返回。"),
    responses={200: _Credit, 404: OpenApiResponse(description="企业不存在"), 429: OpenApiResponse(description="请求过于频繁")},
    examples=[OpenApiExample("AA 级企业", response_only=True, value={
        "company": 7, "rated": True, "score": "82.00", "grade": "AA", "basic": "80.00", "good": "7.00", "bad": "5.00",
        "lists": [], "veto": False, "computed_at": "2026-05-04T03:00:00+08:00",
        "events": [{"rule": "GS01", "name": "未按规定公示公共收益", "class": "bad", "points": "-5.00",
                    "occurred_on": "2026-03-02", "valid_until": None, "status": "confirmed", "counting": True}]})],
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
def company_credit(request, pk: int):
    limit = int(getattr(settings, "WUYE_CREDIT_API_RATE_IP_HOUR", PUBLIC_READS_PER_HOUR))
    try:
        enforce_rate(f"credit:api:{client_ip(request) or 'unknown'}", limit=limit, period_seconds=3600)
    except RateLimited as exc:
        return Response({"detail": str(exc.messages[0])}, status=429, headers={"Retry-After": str(max(exc.retry_after, 1))})
    data = credit_payload(pk)
    if data is None:
        raise Http404
    return Response(data)
