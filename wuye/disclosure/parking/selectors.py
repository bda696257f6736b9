"""Reads of parking (rules.md §5): the estate's inventory, 只售不租 violations, the waiting list.

- the inventory of an estate: officials in scope, the estate's company and its committee;
- violations: officials in scope;
- the waiting list of an estate: the estate's company (to offer spaces), its committee and
  officials in scope read it;
- an owner sees their own requests and their place in the queue;
- what is free to rent, the rates and whether a violation is open are public.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from wuye.accounts.models import COMPANY_ROLES, Role
from wuye.accounts.selectors import company_managers, owner_users, unit_users_of_many
from wuye.core.access import get_visible_or_404, refuse
from wuye.core.money import money
from wuye.disclosure.models import ParkingViolation, RentRequest
from wuye.registry.models import Estate, Ownership, ParkingSpace
from wuye.registry.selectors import estate_q, estates_visible_to
from wuye.territory.models import District

OFFICIALS = {Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.DEPARTMENT}
INVENTORY_ROLES = OFFICIALS | COMPANY_ROLES | {Role.COMMITTEE}
OFFER_ROLES = COMPANY_ROLES

SALE_ONLY_Q = Q(ownership=ParkingSpace.Ownership.DEVELOPER, disposal=ParkingSpace.Disposal.IDLE, offered_for_rent=False)
"""The queryset form of ``ParkingSpace.sale_only_violation`` (keep the two in step)."""

AVAILABLE_Q = Q(disposal=ParkingSpace.Disposal.IDLE, offered_for_rent=True)
"""Idle spaces offered to owners for rent."""

OFFERABLE_Q = Q(disposal=ParkingSpace.Disposal.IDLE) & (Q(offered_for_rent=True) | ~Q(ownership=ParkingSpace.Ownership.OWNER))
"""Spaces the company may let to a waiting owner: idle, and not another owner's private space
unless that owner offered it for rent."""


def _role(user):
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) and user.is_active else None


def _require(user, roles, reason, model=ParkingSpace) -> None:
    if _role(user) not in roles:
        refuse(user=user, model=model, pk="", reason=reason, status=403)


# ---- policies -------------------------------------------------------------------------------


def can_request_rent(user) -> bool:
    """A verified owner (a resident bound to an owner record) queues for a space."""
    return _role(user) == Role.RESIDENT and bool(user.owner_id)


def require_renter(user) -> None:
    if not can_request_rent(user):
        refuse(user=user, model=RentRequest, pk="", reason=_("只有已认证的业主可以申请租用车位"), status=403)


def request_actor_kinds(user, request: RentRequest) -> set[str]:
    """``company``: the company serving the request's estate; ``owner``: the owner who filed it."""
    kinds = set()
    if can_offer(user, request.estate):
        kinds.add("company")
    if can_request_rent(user) and request.owner_id == user.owner_id:
        kinds.add("owner")
    return kinds


def parking_estate_get(*, user, pk) -> Estate:
    """An estate whose parking inventory the user may read (403 for other roles, 404 out of scope)."""
    _require(user, INVENTORY_ROLES, _("该角色不查看车位台账"))
    return get_visible_or_404(estates_visible_to(user).select_related("company", "district", "street"),
                              user=user, pk=pk)


def waiting_estate_get(*, user, pk) -> Estate:
    return parking_estate_get(user=user, pk=pk)


def can_offer(user, estate: Estate) -> bool:
    return _role(user) in OFFER_ROLES and bool(user.company_id) and user.company_id == estate.company_id


def parking_matrix(estate_id) -> dict:
    """Counts by ownership (rows) and disposal (columns), with totals (one query)."""
    cells: dict = defaultdict(int)
    for r in (ParkingSpace.objects.filter(estate_id=estate_id).order_by()
              .values("ownership", "disposal").annotate(n=Count("pk"))):
        cells[(r["ownership"], r["disposal"])] = r["n"]
    rows = []
    col_totals = {d: 0 for d in ParkingSpace.Disposal.values}
    for o, o_label in ParkingSpace.Ownership.choices:
        counts = [cells[(o, d)] for d in ParkingSpace.Disposal.values]
        for d, n in zip(ParkingSpace.Disposal.values, counts, strict=True):
            col_totals[d] += n
        rows.append({"key": o, "label": o_label, "counts": counts, "total": sum(counts)})
    return {"columns": ParkingSpace.Disposal.choices, "rows": rows,
            "totals": [col_totals[d] for d in ParkingSpace.Disposal.values], "total": sum(col_totals.values())}


def parking_rates(estate_id) -> list[dict]:
    """Monthly rents by kind of space: lowest, highest, and how many are free to rent (one query)."""
    rows = (ParkingSpace.objects.filter(estate_id=estate_id).order_by().values("kind")
            .annotate(low=Min("monthly_rent"), high=Max("monthly_rent"), total=Count("pk"),
                      available=Count("pk", filter=AVAILABLE_Q)))
    labels = dict(ParkingSpace.Kind.choices)
    out = [{"kind": r["kind"], "label": labels.get(r["kind"], r["kind"]), "low": _money(r["low"]), "high": _money(r["high"]),
            "total": r["total"], "available": r["available"]} for r in rows]
    order = {k: i for i, k in enumerate(ParkingSpace.Kind.values)}
    return sorted(out, key=lambda r: order.get(r["kind"], 99))


def _money(value) -> Decimal | None:
    return None if value is None else money(value)


def sale_only_count(estate_id) -> int:
    return ParkingSpace.objects.filter(SALE_ONLY_Q, estate_id=estate_id).count()


def open_violation(estate_id) -> ParkingViolation | None:
    return ParkingViolation.objects.filter(estate_id=estate_id, status=ParkingViolation.Status.OPEN).first()


def common_parking_monthly_income(estate_id) -> Decimal:
    """Monthly rent of rented spaces on common roads or common ground (rules.md §5: their income
    belongs to all owners and enters the common-income ledger)."""
    total = (ParkingSpace.objects.filter(estate_id=estate_id, disposal=ParkingSpace.Disposal.RENTED)
             .filter(Q(ownership=ParkingSpace.Ownership.COMMON) | Q(kind=ParkingSpace.Kind.COMMON_ROAD))
             .aggregate(s=Sum("monthly_rent"))["s"])
    return money(total or Decimal("0"))


# ---- violations -----------------------------------------------------------------------------


def violations_visible_to(user) -> QuerySet[ParkingViolation]:
    _require(user, OFFICIALS, _("该角色不查看车位只售不租名单"), model=ParkingViolation)
    q = estate_q(user, "estate__")
    qs = ParkingViolation.objects.all()
    return qs if q is None else qs.filter(q)


def violation_counts(qs: QuerySet[ParkingViolation]) -> dict:
    c = qs.order_by().aggregate(open=Count("pk", filter=Q(status=ParkingViolation.Status.OPEN)),
                                resolved=Count("pk", filter=Q(status=ParkingViolation.Status.RESOLVED)),
                                idle=Sum("idle_spaces", filter=Q(status=ParkingViolation.Status.OPEN)))
    return {"open": c["open"], "resolved": c["resolved"], "idle": c["idle"] or 0}


# ---- the waiting list -----------------------------------------------------------------------


def waiting_list(estate_id) -> QuerySet[RentRequest]:
    """Waiting requests first come, first served."""
    return (RentRequest.objects.filter(estate_id=estate_id, status=RentRequest.Status.WAITING)
            .select_related("owner").order_by("created_at", "id"))


def queue_position(req: RentRequest) -> int | None:
    """1 for the first in the queue; None when the request is not waiting."""
    if req.status != RentRequest.Status.WAITING:
        return None
    ahead = RentRequest.objects.filter(estate_id=req.estate_id, status=RentRequest.Status.WAITING).filter(
        Q(created_at__lt=req.created_at) | Q(created_at=req.created_at, id__lt=req.id)).count()
    return ahead + 1


def offerable_spaces(estate_id) -> QuerySet[ParkingSpace]:
    return ParkingSpace.objects.filter(OFFERABLE_Q, estate_id=estate_id).order_by("kind", "number")


def resident_estates(user) -> QuerySet[Estate]:
    """Estates where the logged-in resident owns a unit (none for other roles)."""
    if not can_request_rent(user):
        return Estate.objects.none()
    owned = Ownership.objects.filter(owner_id=user.owner_id).values("estate_id")
    return Estate.objects.filter(id__in=owned).select_related("company").order_by("name")


def rent_requests_of(user) -> QuerySet[RentRequest]:
    if not can_request_rent(user):
        return RentRequest.objects.none()
    return RentRequest.objects.filter(owner_id=user.owner_id).select_related("estate", "space").order_by("-created_at", "-id")


def rent_request_get_for_owner(*, user, pk) -> RentRequest:
    return get_visible_or_404(rent_requests_of(user), user=user, pk=pk)


def rent_request_get_for_offer(*, user, pk) -> RentRequest:
    """A waiting-list request of an estate the user's company serves (403 other roles, 404 otherwise)."""
    _require(user, OFFER_ROLES, _("只有小区的物业服务企业可以安排车位"), model=RentRequest)
    qs = RentRequest.objects.filter(estate__company_id=user.company_id).select_related("estate", "owner")
    return get_visible_or_404(qs, user=user, pk=pk)


def spaces_of(estate_id) -> QuerySet[ParkingSpace]:
    return ParkingSpace.objects.filter(estate_id=estate_id)


def recent_offers(estate_id, *, limit: int = 10) -> list[RentRequest]:
    return list(RentRequest.objects.filter(estate_id=estate_id, status=RentRequest.Status.OFFERED)
                .select_related("owner", "space").order_by("-decided_at", "-id")[:limit])


def violation_districts(user, violations: QuerySet[ParkingViolation]) -> list[District]:
    """The district filter of the violations list: every district for the city bureau, else the
    districts of the violations the user sees."""
    districts = District.objects.order_by("code")
    if _role(user) != Role.CITY:
        districts = districts.filter(pk__in=violations.values("estate__district_id"))
    return list(districts)


def owns_unit_in(user, estate_id) -> bool:
    return Ownership.objects.filter(owner_id=user.owner_id, estate_id=estate_id).exists()


def has_waiting_request(estate_id, owner_id) -> bool:
    return RentRequest.objects.filter(estate_id=estate_id, owner_id=owner_id, status=RentRequest.Status.WAITING).exists()


# ---- who to tell ----------------------------------------------------------------------------


def district_officials_by_district(district_ids) -> dict[int, list]:
    """The district authorities' officials, by district (one query)."""
    out: dict[int, list] = {}
    for u in unit_users_of_many("district", district_ids):
        out.setdefault(u.district_id, []).append(u)
    return out


def estate_managers(estate: Estate) -> list:
    return list(company_managers(estate.company_id)) if estate.company_id else []


def request_owner_users(request: RentRequest) -> list:
    """The owner's resident accounts, and the account that filed the request."""
    users = list(owner_users(owner_ids=[request.owner_id], roles=(Role.RESIDENT,))) if request.owner_id else []
    filer = request.user if request.user_id else None
    if filer is not None and filer.is_active and all(u.pk != filer.pk for u in users):
        users.append(filer)
    return users
