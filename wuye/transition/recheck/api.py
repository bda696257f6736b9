"""/api/v1/ endpoints of 回头看 and clue reports (issue 17 §10–11):

- ``GET/POST /api/v1/rechecks/``: the 回头看 campaigns the user sees; the city bureau or a district
  creates one ``{"name", "year", "district", "categories", "order_count", "complaint_count"}`` (a year
  with nothing to sample is a Chinese 400, nothing saved);
- ``GET /api/v1/rechecks/{id}/``: a campaign with its seed, sample and progress;
- ``POST /api/v1/rechecks/{id}/draw/`` ``{"seed"}``: the draw (the seed is published);
- ``GET /api/v1/clues/``: clue reports, for the police and the city bureau only (403 for others);
- ``POST /api/v1/clues/``: file a clue; the answer is the receipt ``{"id", "number", "created_at"}``.

Out of scope is 404; visible but not the user's to act on is 403; bad input is 400 in Chinese.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from wuye.core.access import refuse
from wuye.core.api import Pagination

from . import clues as clue_svc
from . import draw as draw_algo
from . import selectors as sel
from . import services as svc
from .models import ClueReport, RecheckCampaign

_ERR = {400: OpenApiResponse(description="输入有误或业务规则不允许（中文说明）"),
        403: OpenApiResponse(description="可见但无权操作"), 404: OpenApiResponse(description="不存在或超出数据范围")}


class CampaignIn(drf.Serializer):
    name = drf.CharField(max_length=100, label="名称")
    year = drf.IntegerField(label="复查年度")
    district = drf.IntegerField(required=False, allow_null=True, label="区县（留空为全市）")
    categories = drf.ListField(child=drf.IntegerField(), required=False, default=list, label="诉求类别")
    order_count = drf.IntegerField(min_value=0, max_value=svc.MAX_SAMPLE, default=10, label="抽取整改通知数")
    complaint_count = drf.IntegerField(min_value=0, max_value=svc.MAX_SAMPLE, default=10, label="抽取诉求数")


class ProgressOut(drf.Serializer):
    total = drf.IntegerField()
    done = drf.IntegerField()
    fixed = drf.IntegerField()
    relapsed = drf.IntegerField()
    pending = drf.IntegerField()


class CampaignOut(drf.Serializer):
    id = drf.IntegerField()
    name = drf.CharField()
    year = drf.IntegerField()
    district = drf.IntegerField(allow_null=True, source="district_id")
    status = drf.CharField()
    order_count = drf.IntegerField()
    complaint_count = drf.IntegerField()
    seed = drf.CharField()
    algorithm = drf.CharField()
    sample = drf.SerializerMethodField()
    verified = drf.SerializerMethodField()
    bulletin = drf.IntegerField(allow_null=True, source="bulletin_id")

    def get_sample(self, obj) -> dict:
        return {k: v for k, v in (obj.result or {}).items() if k in ("orders", "complaints")}

    def get_verified(self, obj) -> bool | None:
        return draw_algo.verify(obj) if obj.seed else None


class ClueIn(drf.Serializer):
    target = drf.ChoiceField(choices=ClueReport.Target.choices, label="举报对象类型")
    company = drf.IntegerField(required=False, allow_null=True, label="被举报企业")
    person_name = drf.CharField(required=False, allow_blank=True, default="", max_length=50, label="被举报人")
    district = drf.IntegerField(label="发生地区县")
    location = drf.CharField(required=False, allow_blank=True, default="", max_length=100, label="具体地点")
    content = drf.CharField(max_length=4000, label="线索内容")


class ReceiptOut(drf.Serializer):
    id = drf.IntegerField()
    number = drf.CharField()
    created_at = drf.DateTimeField()


class ClueOut(drf.Serializer):
    id = drf.IntegerField()
    number = drf.CharField()
    status = drf.CharField()
    target = drf.CharField()
    company = drf.IntegerField(allow_null=True, source="company_id")
    person_name = drf.CharField()
    district = drf.IntegerField(source="district_id")
    created_at = drf.DateTimeField()
    outcome = drf.CharField()
    credit_event = drf.IntegerField(allow_null=True, source="credit_event_id")


def _page(name: str, item) -> object:
    return inline_serializer(name, fields={"count": drf.IntegerField(), "next": drf.CharField(allow_null=True),
                                           "previous": drf.CharField(allow_null=True), "results": item})


def _campaign_out(c: RecheckCampaign, user) -> dict:
    data = CampaignOut(c).data
    data["progress"] = {k: v for k, v in sel.progress(sel.campaign_rechecks(user, c)).items()
                        if k in ProgressOut().fields}
    return data


def _one(qs, pk: int, model, user):
    """A row picked from a selector's choices by id (a 400 in Chinese when it is not there)."""
    from rest_framework.exceptions import ValidationError

    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({"detail": f"所选{model._meta.verbose_name}不存在或不可选择"})
    return obj


@extend_schema(methods=["GET"], operation_id="recheck_campaigns_list", tags=["recheck"], summary="回头看列表",
               responses={200: _page("RecheckCampaignPage", CampaignOut(many=True))})
@extend_schema(methods=["POST"], operation_id="recheck_campaign_create", tags=["recheck"], summary="组织回头看",
               description="市住房保障房产局（全市或任一区县）或区县主管部门（本区县）。所选年度无可抽取对象时返回 400，不保存。",
               request=CampaignIn, responses={201: CampaignOut, **_ERR})
@api_view(["GET", "POST"])
def campaigns(request):
    user = request.user
    if request.method == "GET":
        qs = sel.campaigns_visible_to(user).order_by("-created_at", "-id")
        pager = Pagination()
        page = pager.paginate_queryset(qs, request)
        return pager.get_paginated_response([_campaign_out(c, user) for c in page])
    if not sel.can_create_campaign(user):
        refuse(user=user, model=RecheckCampaign, pk="", status=403, reason="只有市住房保障房产局或区县主管部门可以组织回头看")
    data = CampaignIn(data=request.data)
    data.is_valid(raise_exception=True)
    d = data.validated_data
    district = _one(sel.district_choices(user), d["district"], RecheckCampaign.district.field.related_model, user) \
        if d.get("district") else None
    cats = list(sel.category_choices().filter(pk__in=d["categories"]))
    if len(cats) != len(set(d["categories"])):
        from rest_framework.exceptions import ValidationError

        raise ValidationError({"categories": ["所选诉求类别不存在或不可抽取"]})
    c = svc.campaign_create(actor=user, name=d["name"], year=d["year"], district=district, categories=cats,
                            order_count=d["order_count"], complaint_count=d["complaint_count"])
    return Response(_campaign_out(c, user), status=status.HTTP_201_CREATED)


@extend_schema(operation_id="recheck_campaign_detail", tags=["recheck"], summary="回头看详情（种子、样本与进度）",
               responses={200: CampaignOut, **_ERR})
@api_view(["GET"])
def campaign_detail(request, pk: int):
    c = sel.campaign_get_for_user(user=request.user, pk=pk)
    return Response(_campaign_out(c, request.user))


@extend_schema(operation_id="recheck_campaign_draw", tags=["recheck"], summary="随机抽取（公开种子）",
               request=inline_serializer("RecheckDrawIn", fields={"seed": drf.CharField(required=False, allow_blank=True)}),
               responses={200: CampaignOut, **_ERR})
@api_view(["POST"])
def campaign_draw(request, pk: int):
    c = sel.campaign_get_for_user(user=request.user, pk=pk)
    if not sel.can_manage_campaign(request.user, c):
        refuse(user=request.user, model=RecheckCampaign, pk=pk, status=403, reason="只有组织回头看的主管部门可以抽取")
    svc.campaign_draw(actor=request.user, campaign=c, seed=str(request.data.get("seed", "") or ""))
    return Response(_campaign_out(c, request.user))


@extend_schema(methods=["GET"], operation_id="recheck_clues_list", tags=["recheck"], summary="涉黑涉恶线索列表",
               description="仅公安机关和市住房保障房产局；其他账号 403。",
               responses={200: _page("ClueReportPage", ClueOut(many=True)), 403: _ERR[403]})
@extend_schema(methods=["POST"], operation_id="recheck_clue_create", tags=["recheck"], summary="提交涉黑涉恶线索",
               description="机关工作人员或业主提交；返回回执（编号与时间），举报人此后只能看到回执。",
               request=ClueIn, responses={201: ReceiptOut, **_ERR})
@api_view(["GET", "POST"])
def clues(request):
    user = request.user
    if request.method == "GET":
        if not sel.can_see_clues(user):
            refuse(user=user, model=ClueReport, pk="", status=403, reason="涉黑涉恶线索仅公安机关和市住房保障房产局可见")
        pager = Pagination()
        page = pager.paginate_queryset(sel.clue_list(user).order_by("-created_at", "-id"), request)
        return pager.get_paginated_response(ClueOut(page, many=True).data)
    if not sel.can_file_clue(user):
        refuse(user=user, model=ClueReport, pk="", status=403, reason="您的账号不能提交涉黑涉恶线索")
    data = ClueIn(data=request.data)
    data.is_valid(raise_exception=True)
    d = data.validated_data
    company = _one(sel.company_choices(), d["company"], ClueReport.company.field.related_model, user) \
        if d.get("company") else None
    district = _one(sel.all_districts(), d["district"], ClueReport.district.field.related_model, user)
    clue = clue_svc.clue_file(actor=user, target=d["target"], company=company, person_name=d["person_name"],
                              district=district, location=d["location"], content=d["content"])
    return Response(ReceiptOut(clue).data, status=status.HTTP_201_CREATED)
