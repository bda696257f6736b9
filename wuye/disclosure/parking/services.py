"""Writes of parking (rules.md §5): the 只售不租 sweep and the owners' waiting list for rent.

- ``parking_violation_sweep`` opens one violation per estate that has idle developer-held spaces
  not offered for rent (``ParkingSpace.sale_only_violation``), keeps its count up to date and
  resolves it when none are left; the district authority is notified when one opens. Running it
  twice, or on two workers at once, has no double effect (one open violation per estate is a
  database constraint; resolving is a conditional UPDATE).
- ``rent_request_file`` / ``rent_request_withdraw``: a verified owner queues for a space in an
  estate where they own a unit (one waiting request per owner and estate).
- ``rent_request_offer``: the estate's company lets a space to a waiting owner; the space must be
  idle and lettable, it becomes rented at the rate (through the registry's ``parking_update``),
  the request becomes offered and the owner is notified.

The transitions of a request (waiting → offered, waiting → withdrawn) and of a violation
(open → resolved) are the tables of ``workflow.py``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.audit import audit_record
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditAction
from wuye.core.money import money
from wuye.disclosure.models import ParkingViolation, RentRequest
from wuye.notifications.services import Message, notify, notify_many
from wuye.registry.models import Estate, ParkingSpace
from wuye.registry.services import normalize_phone, parking_update

from .selectors import (
    OFFERABLE_Q,
    SALE_ONLY_Q,
    can_offer,
    can_request_rent,
    district_officials_by_district,
    estate_managers,
    has_waiting_request,
    owns_unit_in,
    request_actor_kinds,
    request_owner_users,
)
from .workflow import PARKING_VIOLATION, RENT_REQUEST

SWEEP = "parking_violation_sweep"


# ---- 只售不租 -------------------------------------------------------------------------------


@transaction.atomic
def parking_violation_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Open, refresh and resolve 只售不租 violations for every estate. Returns counts."""
    now = now or timezone.now()
    found = dict(ParkingSpace.objects.filter(SALE_ONLY_Q).order_by().values("estate_id")
                 .annotate(n=Count("pk")).values_list("estate_id", "n"))
    open_rows = {v.estate_id: v for v in ParkingViolation.objects.filter(status=ParkingViolation.Status.OPEN)}
    counts = {"opened": 0, "refreshed": 0, "resolved": 0}

    new_estates = [e for e in found if e not in open_rows]
    if new_estates:
        ParkingViolation.objects.bulk_create(
            [ParkingViolation(estate_id=e, idle_spaces=found[e], found_at=now,
                              note=_("开发建设单位持有的空置车位未向业主出租（只售不租）")) for e in sorted(new_estates)],
            ignore_conflicts=True, batch_size=1000)
        created = list(ParkingViolation.objects.filter(status=ParkingViolation.Status.OPEN, estate_id__in=new_estates,
                                                       found_at=now).select_related("estate"))
        counts["opened"] = len(created)
        messages = []
        by_district = district_officials_by_district({v.estate.district_id for v in created})
        url = reverse("disclosure:parking_violations")
        for v in created:
            audit_record(action=AuditAction.CREATE, actor=None, obj=v, username=SWEEP,
                         changes={"estate": v.estate_id, "idle_spaces": v.idle_spaces, "status": v.status},
                         detail=f"发现车位只售不租：空置未出租车位 {v.idle_spaces} 个")
            users = by_district.get(v.estate.district_id, [])
            if users:
                messages.append(Message(
                    subject=_("%(estate)s 车位只售不租") % {"estate": v.estate.name},
                    body=_("%(estate)s 有 %(n)s 个开发建设单位持有的空置车位未向业主出租，请督促整改。")
                    % {"estate": v.estate.name, "n": v.idle_spaces},
                    users=users, url=url, channels=("inapp",), dedup_key=f"parking-violation:{v.pk}",
                    category="disclosure"))
        notify_many(messages)

    for estate_id, violation in open_rows.items():
        n = found.get(estate_id, 0)
        if n:
            counts["refreshed"] += ParkingViolation.objects.filter(
                pk=violation.pk, status=ParkingViolation.Status.OPEN).exclude(idle_spaces=n).update(idle_spaces=n)
            continue
        try:
            PARKING_VIOLATION.apply(violation, "resolve", actor=None, resolved_at=now, idle_spaces=0,
                                    audit_username=SWEEP, audit_detail="空置车位均已出租、出售或对业主出租，自动整改完毕")
        except ConflictError:
            continue  # another worker resolved it first: nothing more to do
        counts["resolved"] += 1
    return counts


# ---- owners' waiting list -------------------------------------------------------------------


@transaction.atomic
def rent_request_file(*, actor, estate: Estate, plate: str = "", phone: str = "") -> RentRequest:
    """A verified owner asks to rent a space in an estate where they own a unit."""
    if not can_request_rent(actor):
        raise ServiceError(_("只有已认证的业主可以申请租用车位。"))
    if not owns_unit_in(actor, estate.pk):
        raise ServiceError(_("您在该小区没有登记的房屋，不能申请租用本小区车位。"))
    if has_waiting_request(estate.pk, actor.owner_id):
        raise ServiceError(_("您已在本小区的租车位排队名单中，无需重复申请。"))
    req = RentRequest(estate=estate, owner_id=actor.owner_id, user=actor,
                      plate=(plate or "").strip().upper().replace(" ", "")[:12],
                      phone=normalize_phone(phone))
    try:
        with transaction.atomic():
            req.save(force_insert=True)
    except IntegrityError:
        raise ServiceError(_("您已在本小区的租车位排队名单中，无需重复申请。")) from None
    audit_record(action=AuditAction.CREATE, actor=actor, obj=req, detail="业主申请租用车位",
                 changes={"estate": estate.pk, "owner": actor.owner_id, "plate": req.plate, "status": req.status})
    managers = estate_managers(estate)
    if managers:
        notify(users=managers, subject=_("%(estate)s 有业主申请租用车位") % {"estate": estate.name},
               body=_("请在租车位排队名单中按先后顺序安排车位。"),
               url=reverse("disclosure:parking_waiting", args=[estate.pk]), channels=("inapp",),
               dedup_key=f"rent-request:{req.pk}", category="disclosure")
    return req


@transaction.atomic
def rent_request_withdraw(*, actor, request: RentRequest) -> RentRequest:
    if "owner" not in request_actor_kinds(actor, request):
        raise ServiceError(_("只能撤回本人的申请。"))
    if request.status != RentRequest.Status.WAITING:
        raise ServiceError(_("该申请已处理，不能撤回。"))
    RENT_REQUEST.apply(request, "withdraw", actor=actor, kinds={"owner"}, conflict=_("该申请刚被处理，请刷新后查看。"),
                       audit_detail="业主撤回租车位申请", decided_at=timezone.now())
    return request


@transaction.atomic
def rent_request_offer(*, actor, request: RentRequest, space: ParkingSpace, monthly_rent=None) -> RentRequest:
    """The estate's company lets ``space`` to the owner of a waiting request."""
    estate = request.estate
    if not can_offer(actor, estate):
        raise ServiceError(_("只有为本小区提供服务的物业服务企业可以安排车位。"))
    if request.status != RentRequest.Status.WAITING:
        raise ServiceError(_("该申请已不在排队名单中。"))
    locked = ParkingSpace.objects.select_for_update().filter(pk=space.pk, estate_id=estate.pk).first()
    if locked is None:
        raise ServiceError({"space": _("请选择本小区的车位。")})
    if not ParkingSpace.objects.filter(OFFERABLE_Q, pk=locked.pk).exists():
        raise ServiceError({"space": _("车位 %(no)s 不是可出租的空置车位。") % {"no": locked.number}})
    rate = monthly_rent if monthly_rent not in (None, "") else locked.monthly_rent
    if rate in (None, ""):
        raise ServiceError({"monthly_rent": _("车位 %(no)s 尚未定价，请填写月租金。") % {"no": locked.number}})
    try:
        rate = money(Decimal(str(rate)))
    except InvalidOperation:
        raise ServiceError({"monthly_rent": _("月租金格式不正确。")}) from None
    if rate < 0:
        raise ServiceError({"monthly_rent": _("月租金不能为负数。")})
    users = request_owner_users(request)
    messages = [Message(
        users=users, subject=_("已为您安排车位"),
        body=_("%(estate)s 物业已为您安排车位 %(no)s，月租金 %(rate)s 元，请与物业服务中心联系签订租赁协议。")
        % {"estate": estate.name, "no": locked.number, "rate": rate},
        url=reverse("disclosure:parking_rent"), channels=("inapp", "sms"), dedup_key=f"rent-offer:{request.pk}",
        category="disclosure")] if users else []
    RENT_REQUEST.apply(request, "offer", actor=actor, kinds={"company"}, conflict=_("该申请刚被他人处理，请刷新后查看。"),
                       audit_detail=f"安排车位 {locked.number}，月租金 {rate} 元",
                       audit_changes={"space": [None, locked.pk]}, messages=messages, space=locked,
                       decided_at=timezone.now())
    parking_update(actor=actor, space=locked, disposal=ParkingSpace.Disposal.RENTED, monthly_rent=rate)
    return request
