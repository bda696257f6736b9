"""/api/v1/ endpoints of 准物业 (issue 17 §8–9):

- ``GET /api/v1/quasi-contracts/``: the contracts the user may see (paginated);
- ``POST /api/v1/quasi-contracts/`` (a street office or a community): a purchase contract →
  201 with the contract; no compound → a Chinese 400, nothing saved;
- ``GET /api/v1/quasi-contracts/{id}/``: one contract with its payment computed by the published
  formula. Out of scope: 404.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from wuye.core.access import refuse
from wuye.core.api import Pagination
from wuye.registry.selectors import estates_visible_to

from . import selectors as sel
from . import serializers as s
from . import services as svc
from .models import DEFAULT_ITEMS, Duty, QuasiContract

_ERR = {400: OpenApiResponse(description="输入有误或业务规则不允许（中文说明）"),
        403: OpenApiResponse(description="无权操作"), 404: OpenApiResponse(description="不存在或超出数据范围")}


def _prefetched(qs):
    return qs.select_related("street", "community", "company", "organisation").prefetch_related("coverage", "duties")


@extend_schema(
    methods=["POST"], operation_id="quasi_contract_create", tags=["quasi"], summary="登记准物业购买服务合同",
    description="街道办事处或社区登记政府购买准物业服务合同：覆盖小区（至少一个）、服务方（物业服务企业或社区服务组织，"
                "二选一）、期限、金额和资金来源、三项基本职责（安全有防范、环境有保洁、设施有维护）的服务事项。"
                "sign 为 true 时立即签订，覆盖小区转为“政府购买准物业服务”。",
    request=s.ContractIn, responses={201: s.ContractOut, **_ERR},
    examples=[OpenApiExample("准物业合同", request_only=True, value={
        "title": "2027年度老旧楼院准物业服务", "estates": [12, 13], "company": 3, "start_date": "2027-01-01",
        "end_date": "2027-12-31", "amount": "360000.00", "funding": "district", "sign": True})],
)
@extend_schema(methods=["GET"], operation_id="quasi_contract_list", tags=["quasi"], summary="准物业购买服务合同列表",
               responses={200: s.ContractOut(many=True)})
@api_view(["GET", "POST"])
def contracts(request):
    if request.method == "GET":
        sel.require_user(request.user)
        paginator = Pagination()
        page = paginator.paginate_queryset(_prefetched(sel.visible_contracts(request.user)).order_by("-start_date", "-id"),
                                           request)
        return paginator.get_paginated_response(s.ContractOut(page, many=True).data)
    if not sel.can_create_contract(request.user):
        refuse(user=request.user, model=QuasiContract, pk="", status=403,
               reason="只有街道办事处和社区可以登记准物业购买服务合同")
    data = s.ContractIn(data=request.data, context={"request": request})
    data.is_valid(raise_exception=True)
    d = dict(data.validated_data)
    ids = list(dict.fromkeys(d.pop("estates")))
    estates = list(estates_visible_to(request.user).filter(pk__in=ids))
    missing = sorted(set(ids) - {e.pk for e in estates})
    if missing:
        raise ValidationError({"estates": [f"编号为 {', '.join(map(str, missing))} 的小区不存在，或超出您的数据权限范围。"]})
    community_id = d.pop("community")
    community = None
    if community_id is not None:
        community = sel.buyer_community(request.user, community_id)
        if community is None:
            raise ValidationError({"community": ["购买社区须属于本街道"]})
    duties = d.pop("duties", None) or {}
    d["duties"] = {duty.value: duties.get(duty.value) or DEFAULT_ITEMS[duty] for duty in Duty}
    contract = svc.contract_create(actor=request.user, estates=estates, community=community, **d)
    return Response(s.ContractOut(sel.contract_prefetched(contract.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema(operation_id="quasi_contract_detail", tags=["quasi"], summary="准物业购买服务合同",
               description="合同、覆盖小区、三项职责和按公布公式计算的服务费。",
               responses={200: s.ContractOut, 403: _ERR[403], 404: _ERR[404]})
@api_view(["GET"])
def contract_detail(request, pk: int):
    contract = sel.contract_get_for_user(user=request.user, pk=pk)
    return Response(s.ContractOut(sel.contract_prefetched(contract.pk)).data)
