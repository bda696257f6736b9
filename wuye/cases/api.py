"""/api/v1/ endpoints for complaints (issue §3, §8).

- ``GET /api/v1/complaint-categories/``: the active categories, for any signed-in user.
- ``POST /api/v1/complaints/``: file a complaint. Residents and committee members file their own
  (name and phone from the account); the city bureau's and the districts' desk officers enter
  hotline calls with the reporter's name, phone, source and ticket. The estate must be one the
  user may see (``estates_visible_to``). An ``Idempotency-Key`` header makes a retry safe: the
  same key and body answer the same complaint (200 instead of 201); the same key with another
  body is refused (409).
- ``GET /api/v1/complaints/`` and ``/{id}/``: the complaints the user may see
  (``complaints_visible_to``), the detail with its timeline and ``actions``: what the user could
  do in this stage, ``[{"action", "label", "allowed", "reason"}]`` — a blocked action says why.
- ``POST /api/v1/complaints/{id}/actions/``: one workflow action through ``complaint_act``. 409
  when it cannot be taken now (somebody else acted first: "已被他人签收"), 403 when the user may
  never take it on this complaint, 400 for bad input, 404 out of scope.
"""

from __future__ import annotations

import hashlib

import django_filters as df
from django.utils.translation import gettext_lazy as _
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
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from wuye.core.access import refuse
from wuye.core.api import Pagination
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.listing import CappedPaginator
from wuye.core.viewsets import ListMixin, RetrieveMixin, ScopedViewSet

from . import search, selectors, services
from . import serializers as s
from .models import Category, Complaint, Source, Status
from .workflow import TRANSITIONS, actor_kinds, permits

NO_FILE = _("您的角色不能通过接口提交诉求：业主、业委会成员提交本人诉求，市局和区县受理人员录入热线诉求。")
DESK_ONLY = _("只有市局或区县受理人员可以填写此项；业主提交时使用账号中的姓名和电话。")
KEY_REUSED = _("该 Idempotency-Key 已用于内容不同的另一次提交，请使用新的 Key")

_Detail = inline_serializer("ComplaintError", fields={"detail": drf.CharField()})


class ComplaintPagination(Pagination):
    """The project's page shape; the total stops counting at 10,000 (millions of complaints)."""

    django_paginator_class = CappedPaginator


# ---- categories -------------------------------------------------------------------------------


class CategoryViewSet(ListMixin, RetrieveMixin, ScopedViewSet):
    """诉求类别（启用中的），任何已登录用户可查看。``confidential`` 为保密类别（涉黑涉恶线索）：只派公安，
    办理情况仅公安与市局可见，物业企业不可见。``limits`` 为各环节时限。"""

    model = Category
    selector = selectors.active_categories
    serializer_class = s.CategorySerializer
    ordering = ("sort_order", "id")


# ---- complaints -------------------------------------------------------------------------------


class ComplaintFilter(df.FilterSet):
    status = df.CharFilter(method="filter_status", label=_("状态编码，可用逗号分隔多个（如 dispatched,signed）"))
    category = df.NumberFilter(field_name="category_id", label=_("类别编号"))
    category_code = df.CharFilter(field_name="category__code", label=_("类别编码"))
    estate = df.NumberFilter(field_name="estate_id", label=_("小区编号"))
    source = df.CharFilter(field_name="source", label=_("来源编码（web、resident、12345、12358、open311、api、staff）"))
    q = df.CharFilter(method="filter_q", label=_("关键词（标题与诉求内容，中文分词）"))
    created_after = df.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte", label=_("提交时间起"))
    created_before = df.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt", label=_("提交时间止"))

    class Meta:
        model = Complaint
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        wanted = [v.strip() for v in value.split(",") if v.strip()]
        unknown = [v for v in wanted if v not in Status.values]
        if unknown:
            raise ValidationError({"status": [_("未知的状态：%(s)s") % {"s": "、".join(unknown)}]})
        return queryset.filter(status__in=wanted) if wanted else queryset

    def filter_q(self, queryset, name, value):
        return search.filter_keywords(queryset, value)


def _fingerprint(data: dict, photos) -> str:
    """The body of a filing, for comparing a retry with the first attempt (photos by content)."""
    payload = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    digests = []
    for f in photos:
        h = hashlib.sha256()
        for chunk in f.chunks():
            h.update(chunk)
        f.seek(0)
        digests.append(h.hexdigest())
    payload["photos"] = digests
    return services.request_fingerprint(payload)


ACTION_EXAMPLES = [
    OpenApiExample(_("签收"), value={"action": "sign"}, request_only=True),
    OpenApiExample(_("派单（不填 unit 则派往路由单位）"), value={"action": "dispatch", "unit": "company:3", "note": "请尽快处理"},
                   request_only=True),
    OpenApiExample(_("回访评价"), value={"action": "callback", "resolved": True, "satisfaction": "satisfied",
                                     "note": "处理及时"}, request_only=True),
    OpenApiExample(_("首次联系"), value={"action": "contact", "method": "phone", "made_at": "2026-03-02T09:30:00+08:00",
                                     "person": "诉求人本人", "result": "约定明日上午上门查看"}, request_only=True),
    OpenApiExample(_("请求回拨"), value={"action": "request_callback", "callback_number": "0571-87001234",
                                     "note": "需约定上门查看时间"}, request_only=True),
    OpenApiExample(_("申请退单"), value={"action": "request_return", "note": "不属于本单位职责",
                                     "legal_basis": "《物业管理条例》第三十五条"}, request_only=True),
]


class ComplaintViewSet(ListMixin, RetrieveMixin, ScopedViewSet):
    """接诉即办诉求。市局可见全部；区县、街道、社区可见辖区内的诉求（不含保密的涉黑涉恶线索）；职能部门和
    物业企业可见派给本单位的诉求；业主和业委会成员可见本人提交的诉求。诉求人姓名和电话按查看者权限脱敏。
    ``status`` 为稳定的英文状态编码（办结为 ``closed``），``actions`` 为当前用户在本阶段的操作列表，每项含 action、label、allowed（现在能否执行）和 reason（不能执行的原因）。"""

    model = Complaint
    selector = selectors.complaints_visible_to
    serializer_class = s.ComplaintListSerializer
    filterset_class = ComplaintFilter
    pagination_class = ComplaintPagination
    select_related = ("category", "estate")
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action in ("retrieve", "act"):
            qs = selectors.with_detail(qs)
        return qs

    def get_serializer_class(self):
        return {
            "create": s.ComplaintInput,
            "act": s.ComplaintActionInput,
            "retrieve": s.ComplaintDetailSerializer,
        }.get(self.action, s.ComplaintListSerializer)

    def output(self, obj) -> dict:
        return s.ComplaintDetailSerializer(obj, context=self.get_serializer_context()).data

    # ---- filing ----

    def may_create(self) -> bool:
        user = self.request.user
        return selectors.is_desk(user) or selectors.files_own_complaints(user)

    @extend_schema(
        summary=_("提交诉求"),
        description=_(
            "业主、业委会成员提交本人的诉求（姓名和电话取自账号，来源为“业主账号”）；市局和区县受理人员录入热线"
            "转办件，可填写诉求人姓名、电话、来源（12345、12358、staff、api，默认 api）和来源工单号（热线转办件必填）。"
            "小区须在本人可见范围内，否则返回 400“小区不存在或不在您的范围内”。照片以 multipart 的 photos 字段上传，"
            "最多 5 张，每张不超过 10 MB。\n\n"
            "请求头 `Idempotency-Key` 使重试安全：同一 Key、同一内容的重试返回同一诉求（200，首次为 201）；"
            "同一 Key 用于不同内容返回 409。返回诉求的编号、查询码、状态和当前可执行的操作；完整的办理情况见"
            "`GET /api/v1/complaints/{id}/`。"
        ),
        parameters=[OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                                     description=_("幂等键（不超过 100 个字符），同一账号内唯一"))],
        request={"application/json": s.ComplaintInput, "multipart/form-data": s.ComplaintInput},
        responses={
            201: s.ComplaintCreatedSerializer,
            200: OpenApiResponse(s.ComplaintCreatedSerializer, description=_("同一 Idempotency-Key 的重试：返回首次提交的诉求")),
            400: OpenApiResponse(description=_("输入有误（中文说明）")),
            403: OpenApiResponse(_Detail, description=_("角色不能提交诉求")),
            409: OpenApiResponse(_Detail, description=_("Idempotency-Key 已用于内容不同的提交")),
        },
        examples=[OpenApiExample(_("业主提交"), request_only=True, value={
            "estate": 1, "category": 2, "description": "3号楼门口的垃圾桶已经三天没有清运，气味很大。"})],
    )
    def create(self, request, *args, **kwargs):
        user = request.user
        if not self.may_create():
            refuse(user=user, model=Complaint, pk="", reason=str(NO_FILE), status=403)
        form = s.ComplaintInput(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        photos = data.pop("photos", None) or []
        desk = selectors.is_desk(user)
        if desk:
            try:
                phone = s.clean_contact_phone(data.get("reporter_phone", ""))
            except ServiceError as exc:
                raise ValidationError({"reporter_phone": [str(m) for m in exc.messages]}) from None
            who = dict(reporter_name=data.get("reporter_name", ""), reporter_phone=phone,
                       source=data.get("source") or Source.API, source_ticket=data.get("source_ticket", ""),
                       created_by=user)
        else:
            given = [f for f in s.ComplaintInput.DESK_FIELDS if data.get(f)]
            if given:
                raise ValidationError({f: [str(DESK_ONLY)] for f in given})
            who = dict(reporter_user=user, reporter_name=user.full_name, reporter_phone=user.phone,
                       source=Source.RESIDENT)
        fields = dict(estate=data["estate"], category=data["category"], description=data.get("description", ""),
                      title=data.get("title", ""), location=data.get("location", ""),
                      anonymous=data.get("anonymous", False), **who)
        key = request.headers.get("Idempotency-Key", "").strip()
        scope = f"user:{user.pk}"
        fingerprint = _fingerprint(data, photos) if key else ""
        try:
            complaint, created = services.complaint_file_idempotent(
                scope=scope, key=key, fingerprint=fingerprint, photos=photos, **fields)
        except ServiceError:
            if key and selectors.idempotency_key_reused(scope, key, fingerprint):
                return Response({"detail": str(KEY_REUSED)}, status=status.HTTP_409_CONFLICT)
            raise
        data = s.ComplaintCreatedSerializer(complaint, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    # ---- acting ----

    @extend_schema(
        summary=_("执行办理操作"),
        description=_(
            "对诉求执行一项办理操作：accept, refuse, duplicate, dispatch, sign, contact, reply, approve_reply, "
            "reject_reply, callback, close, reopen, request_return, decide_return, request_extension, "
            "decide_extension, withdraw, call_departments, supervise, request_callback。`note` 为说明（理由、答复内容等），其余字段为"
            "各操作的参数；contact 须填写 method、made_at、person、result；request_callback 须填写 callback_number"
            "（诉求人不会被透露给企业，平台以短信请诉求人回电）。可执行的操作见诉求详情 `actions` 中 allowed 为 true 的项。成功返回更新后的诉求；现在不能执行（如已被他人签收）"
            "返回 409，无权执行返回 403，参数有误返回 400。"
        ),
        request={"application/json": s.ComplaintActionInput, "multipart/form-data": s.ComplaintActionInput},
        responses={
            200: s.ComplaintDetailSerializer,
            400: OpenApiResponse(description=_("参数有误或未知的操作（中文说明）")),
            403: OpenApiResponse(_Detail, description=_("无权对该诉求执行此操作")),
            404: OpenApiResponse(_Detail, description=_("诉求不存在或不在您的范围内")),
            409: OpenApiResponse(_Detail, description=_("诉求状态已变化，现在不能执行（如“已被他人签收”）")),
        },
        examples=ACTION_EXAMPLES,
    )
    @action(detail=True, methods=["post"], url_path="actions")
    def act(self, request, pk=None):
        user = request.user
        complaint = self.fetch_object(pk=pk, write=False)
        form = s.ComplaintActionInput(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = form.validated_data
        name = data["action"]
        params = {k: data[k] for k in s.ComplaintActionInput.PARAMS if data.get(k) is not None}
        try:
            services.complaint_act(user=user, complaint=complaint, action=name, note=data.get("note", ""),
                                   photos=data.get("photos") or (), **params)
        except ConflictError as exc:
            return Response({"detail": str(exc.messages[0])}, status=status.HTTP_409_CONFLICT)
        except ServiceError as exc:
            message = str(exc.messages[0])
            fresh = selectors.complaint_fresh(complaint.pk)
            ctx = selectors.action_context(user, fresh)
            kinds = actor_kinds(user, fresh, ctx)
            if permits(name, fresh, kinds, ctx):
                raise
            if not (TRANSITIONS[name].actors & kinds):
                refuse(user=user, model=Complaint, pk=complaint.pk, reason=message, status=403)
            return Response({"detail": message}, status=status.HTTP_409_CONFLICT)
        complaint = selectors.complaint_detail(complaint.pk)
        return Response(self.output(complaint))


def register(router) -> None:
    """Add the complaint endpoints to the API router."""
    router.register("complaint-categories", CategoryViewSet, basename="api-complaint-category")
    router.register("complaints", ComplaintViewSet, basename="api-complaint")
