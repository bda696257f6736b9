"""/api/v1/ endpoints of training (issue 16 §12, optional part):

- ``GET /api/v1/training/sessions/``: the sessions open to the user (the city's and their
  district's; a company's: those of the districts where it serves), newest first, paginated;
- ``POST /api/v1/training/sessions/{id}/enrol/`` ``{}`` enrols the user, ``{"staff": N}`` (a
  company manager) one of the company's registered staff → 201; a full session, a second
  enrolment or someone else's staff is a Chinese 400; a session out of scope is 404.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from wuye.core.access import get_visible_or_404
from wuye.core.api import Pagination
from wuye.registry.selectors import staff_visible_to

from . import selectors as sel
from . import services as svc


class SessionOut(drf.Serializer):
    id = drf.IntegerField()
    course = drf.CharField(source="course.title")
    topic = drf.CharField(source="course.topic")
    audience = drf.CharField(source="course.audience")
    starts_at = drf.DateTimeField()
    hours = drf.DecimalField(max_digits=4, decimal_places=1)
    trainer = drf.CharField()
    online = drf.BooleanField()
    place = drf.CharField()
    capacity = drf.IntegerField()
    enrolled = drf.IntegerField()
    district = drf.IntegerField(source="district_id", allow_null=True)


class EnrolIn(drf.Serializer):
    staff = drf.IntegerField(required=False, help_text="为本企业从业人员报名时填其编号；不填为本人报名")


class EnrolmentOut(drf.Serializer):
    id = drf.IntegerField()
    session = drf.IntegerField(source="session_id")
    name = drf.CharField()
    unit_name = drf.CharField()
    signed_in_at = drf.DateTimeField(allow_null=True)
    exam_score = drf.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    certificate_no = drf.CharField()


@extend_schema(operation_id="training_sessions", tags=["campaign"], summary="培训班次",
               description="对本人开放的培训班次（市级和本区县的；企业为其服务小区所在区县的），按开始时间倒序。",
               responses={200: SessionOut(many=True)})
@api_view(["GET"])
def sessions(request):
    qs = sel.sessions_visible_to(request.user).order_by("-starts_at", "-id")
    paginator = Pagination()
    page = paginator.paginate_queryset(qs, request)
    return paginator.get_paginated_response(SessionOut(page, many=True).data)


@extend_schema(operation_id="training_enrol", tags=["campaign"], summary="培训报名",
               description="本人报名，或企业负责人为本企业从业人员报名（staff）。名额已满、重复报名返回 400。",
               request=EnrolIn, responses={201: EnrolmentOut, 400: OpenApiResponse(description="中文说明"),
                                          404: OpenApiResponse(description="不存在或超出数据范围")})
@api_view(["POST"])
def session_enrol(request, pk: int):
    session = sel.session_get_for_user(user=request.user, pk=pk)
    data = EnrolIn(data=request.data)
    data.is_valid(raise_exception=True)
    staff = None
    if data.validated_data.get("staff"):
        staff = get_visible_or_404(staff_visible_to(request.user), user=request.user, pk=data.validated_data["staff"])
    e = svc.enrol(by=request.user, session=session, staff=staff)
    return Response(EnrolmentOut(e).data, status=status.HTTP_201_CREATED)
