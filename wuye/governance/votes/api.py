"""/api/v1/ endpoints of owners' votes (issue 5 item 6), for the estate's owners' committee and its
street office (reads also for the district authority and the city bureau above them):

- ``POST /api/v1/estates/{id}/motions/``: call a vote (the roll is frozen at once) → 201 ``{"id", …}``;
- ``GET /api/v1/motions/{id}/voter-roll/``: the frozen roll, names masked, areas as decimal strings;
- ``POST /api/v1/motions/{id}/ballots/``: enter a paper ballot (201; 200 when it changes an earlier one);
- ``GET /api/v1/motions/{id}/result/``: the count; ``"final": false`` before the close.

An estate or motion out of the user's share is 404; visible but not theirs to run is 403; a rule
of the domain refusing the write is 400 with its Chinese message (409 when somebody acted first).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from wuye.core.access import get_visible_or_404, refuse
from wuye.core.errors import ConflictError
from wuye.governance.models import Ballot, Motion
from wuye.registry.models import Estate
from wuye.registry.selectors import estates_visible_to

from . import serializers as s
from . import services as svc
from .roll import masked_name
from .selectors import can_run, can_see_ballots, has_ballot, motion_get_for_user, roll_entry, roll_of
from .tally import api_result, motion_result

_ERR = {400: OpenApiResponse(description="输入有误或业务规则不允许（中文说明）"),
        403: OpenApiResponse(description="可见但无权操作"), 404: OpenApiResponse(description="不存在或超出数据范围")}


def _motion_for(request, pk, *, write: bool) -> Motion:
    motion = motion_get_for_user(user=request.user, pk=pk)
    allowed = can_run(request.user, motion.estate) if write else can_see_ballots(request.user, motion.estate)
    if not allowed:
        refuse(user=request.user, model=Motion, pk=pk, status=403,
               reason="只有本小区业主委员会或所在街道办事处可以使用表决接口")
    return motion


@extend_schema(
    operation_id="motion_create", tags=["governance"], summary="发起业主大会表决",
    description="本小区业主委员会或所在街道办事处发起表决；创建即冻结表决权人名册。",
    request=s.MotionIn, responses={201: s.MotionOut, **_ERR},
    examples=[OpenApiExample("更换物业", request_only=True, value={
        "title": "关于解聘现物业服务企业的表决", "matter": "hire_or_fire_manager", "notice_date": "2026-03-01",
        "voting_opens_at": "2026-03-16T09:00:00+08:00", "voting_closes_at": "2026-03-31T18:00:00+08:00"})],
)
@api_view(["POST"])
def motion_create(request, pk: int):
    estate = get_visible_or_404(estates_visible_to(request.user), user=request.user, pk=pk)
    if not can_run(request.user, estate):
        refuse(user=request.user, model=Estate, pk=pk, status=403, reason="只有本小区业主委员会或所在街道办事处可以发起表决")
    data = s.MotionIn(data=request.data)
    data.is_valid(raise_exception=True)
    # The API keeps its contract: a back-dated notice may come without its file (see motion_call).
    motion = svc.motion_call(actor=request.user, estate=estate, require_evidence=False, **data.validated_data)
    return Response(s.MotionOut(motion).data, status=status.HTTP_201_CREATED)


@extend_schema(operation_id="motion_voter_roll", tags=["governance"], summary="表决权人名册（脱敏）",
               description="发起表决时冻结的名册：每个条目计一人；面积为精确小数字符串。",
               responses={200: s.RollOut, 403: _ERR[403], 404: _ERR[404]})
@api_view(["GET"])
def motion_voter_roll(request, pk: int):
    motion = _motion_for(request, pk, write=False)
    entries = [{"id": e.pk, "name": masked_name(e), "kind": e.kind, "area": str(e.area), "units": e.units}
               for e in roll_of(motion)]
    return Response({"entries": entries, "total_area": str(motion.total_area), "total_heads": motion.total_heads})


@extend_schema(operation_id="motion_ballot", tags=["governance"], summary="录入纸质选票",
               description="业主委员会或街道录入纸质选票；编号在本次表决内唯一。已投票的表决权人再次录入视为修改选票"
                           "（仅在允许修改时，返回 200）。",
               request=s.BallotIn, responses={201: s.BallotOut, 200: s.BallotOut, 409: OpenApiResponse(description="他人刚刚已录入"),
                                              **_ERR})
@api_view(["POST"])
def motion_ballots(request, pk: int):
    motion = _motion_for(request, pk, write=True)
    data = s.BallotIn(data=request.data)
    data.is_valid(raise_exception=True)
    d = data.validated_data
    entry = roll_entry(motion, d["voter"])
    if entry is None:
        return Response({"voter": ["本次表决名册中没有该表决权人"]}, status=400)
    existed = has_ballot(motion, entry)
    try:
        ballot = svc.ballot_cast(actor=request.user, motion=motion, entry=entry, choice=d["choice"],
                                 channel=Ballot.Channel.PAPER, ballot_no=d["ballot_no"])
    except ConflictError as exc:
        return Response({"detail": "；".join(exc.messages)}, status=409)
    return Response(s.BallotOut(ballot).data, status=200 if existed else 201)


@extend_schema(operation_id="motion_result", tags=["governance"], summary="表决结果",
               description="面积为精确小数字符串，比例为最简分数 \"p/q\"（分母为零时 \"0/1\"）；截止前为截至目前的计票，"
                           "\"final\": false。", responses={200: s.ResultOut, 403: _ERR[403], 404: _ERR[404]})
@api_view(["GET"])
def motion_result_view(request, pk: int):
    motion = _motion_for(request, pk, write=False)
    return Response(api_result(motion_result(motion)))
