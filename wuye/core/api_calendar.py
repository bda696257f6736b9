"""``GET /api/v1/calendar/due/``: the end of a time limit, counted on the working-day calendar.

``?start=<ISO datetime>&days=<n>&kind=working|calendar`` or ``?start=...&hours=<n>`` answers
``{"due": "2026-10-09T23:59:59+08:00"}``. A start without an offset is Beijing time. Any
authenticated user may ask (it reveals nothing but the public holiday calendar).
"""

from __future__ import annotations

import re
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .calendar import PeriodUnit, add_period, shown_due

MAX_DAYS = 3660
MAX_HOURS = 24 * 3660
KINDS = {"working": PeriodUnit.WORKING_DAYS, "calendar": PeriodUnit.CALENDAR_DAYS}
# In a query string an unencoded "+08:00" arrives as " 08:00": put the plus sign back.
_SPACE_OFFSET = re.compile(r"(T?\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")


class BadInput(Exception):
    pass


def _parse_start(raw: str | None) -> datetime:
    raw = (raw or "").strip()
    if not raw:
        raise BadInput(_g("缺少参数 start：请填写期间开始的时间，如 2026-09-30T10:00:00+08:00。"))
    text = _SPACE_OFFSET.sub(r"\1+\2", raw)
    try:
        start = datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(_g("参数 start 不是有效的 ISO 8601 时间：%(value)s（示例：2026-09-30T10:00:00+08:00）。") % {
            "value": raw[:64]}) from None
    if timezone.is_naive(start):
        start = timezone.make_aware(start, timezone.get_default_timezone())
    return start


def _parse_amount(name: str, raw: str, limit: int) -> int:
    raw = raw.strip()
    if not raw.isdigit():
        raise BadInput(_g("参数 %(name)s 应为不小于 0 的整数，收到的是“%(value)s”。") % {"name": name, "value": raw[:32]})
    value = int(raw)
    if value > limit:
        raise BadInput(_g("参数 %(name)s 不能大于 %(limit)s。") % {"name": name, "limit": limit})
    return value


def _period(params) -> tuple[int, str]:
    days, hours, kind = params.get("days"), params.get("hours"), params.get("kind")
    if days is not None and hours is not None:
        raise BadInput(_g("参数 days 和 hours 只能填写一个。"))
    if hours is not None:
        if kind is not None:
            raise BadInput(_g("按小时计算时不需要参数 kind，请去掉 kind。"))
        return _parse_amount("hours", hours, MAX_HOURS), PeriodUnit.HOURS
    if days is None:
        raise BadInput(_g("缺少期间长度：请填写 days（天数，配合 kind）或 hours（小时数）。"))
    if kind not in KINDS:
        raise BadInput(_g("参数 kind 应为 working（工作日）或 calendar（自然日）。"))
    return _parse_amount("days", days, MAX_DAYS), KINDS[kind]


_Due = inline_serializer("CalendarDue", fields={
    "due": serializers.DateTimeField(help_text=_("期限届满的时间（北京时间，带 +08:00）")),
})
_Detail = inline_serializer("CalendarDueError", fields={"detail": serializers.CharField()})


@extend_schema(
    tags=[_("工作日历")],
    summary=_("计算办理时限的截止时间"),
    description=_(
        "按本平台的工作日历（国务院放假通知含调休，以及本市调整）计算期限届满的时间，规则依民法典第二百零一条、"
        "第二百零三条：按小时计算的，自开始时刻起算自然小时；按日计算的，开始的当日不计入，截止于最后一日 "
        "23:59:59；按自然日计算的最后一日为休息日的，顺延至其后第一个工作日；按工作日计算的只计工作日。"
        "天数为 0 时：自然日截止于开始当日，工作日截止于开始当日（如为休息日则为其后第一个工作日）。"
        "尚无放假安排数据的年份按周一至周五计算。\n\n"
        "注意：查询串中的 `+08:00` 须编码为 `%2B08:00`（未编码的加号会被当作空格，本接口也能识别）。"
    ),
    parameters=[
        OpenApiParameter("start", OpenApiTypes.DATETIME, required=True,
                         description=_("期间开始的时间，ISO 8601；不带时区的按北京时间"),
                         examples=[OpenApiExample(_("国庆节前"), value="2026-09-30T10:00:00+08:00")]),
        OpenApiParameter("days", OpenApiTypes.INT, description=_("天数（0–3660），须同时给出 kind；与 hours 二选一")),
        OpenApiParameter("kind", OpenApiTypes.STR, enum=list(KINDS),
                         description=_("working：工作日；calendar：自然日")),
        OpenApiParameter("hours", OpenApiTypes.INT, description=_("小时数（0–87840）；与 days 二选一")),
    ],
    responses={
        200: OpenApiResponse(_Due, examples=[OpenApiExample(_("5 个工作日"), value={"due": "2026-10-13T23:59:59+08:00"})]),
        400: OpenApiResponse(_Detail, description=_("参数缺失或不正确")),
        401: OpenApiResponse(_Detail, description=_("未登录或令牌无效")),
    },
)
@api_view(["GET"])
def calendar_due(request):
    try:
        start = _parse_start(request.query_params.get("start"))
        amount, unit = _period(request.query_params)
        due = add_period(start, amount, unit)
    except BadInput as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    except OverflowError:
        return Response({"detail": _g("计算结果超出可表示的日期范围。")}, status=status.HTTP_400_BAD_REQUEST)
    return Response({"due": shown_due(due).isoformat()})
