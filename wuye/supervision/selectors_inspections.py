"""Who sees which inspections, plans, inspectors and rectification orders — decided here only.

- city bureau: everything;
- district authority: its district (plans of its district and city plans' inspections there);
- street office / community: inspections and orders in their area (read only);
- inspectors (any role): the inspections they are assigned to and those inspections' orders;
- property company (manager and staff): its own inspections once submitted, and its orders;
- everyone else: nothing (404).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from wuye.accounts.models import Role
from wuye.core.access import get_visible_or_404

from .models import Draw, Inspection, InspectionPlan, Inspector, RectificationOrder, Standard

NOTHING = Q(pk__in=[])
COMPANY_ROLES = {Role.COMPANY_MANAGER, Role.COMPANY_STAFF}
OFFICIAL_ROLES = {Role.CITY, Role.DISTRICT}
AREA_ROLES = {Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY}


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _assigned(user) -> Q:
    """Inspections the user is an inspector of."""
    through = Inspection.inspectors.through
    return Q(Exists(through.objects.filter(inspection_id=OuterRef("pk"), inspector__user_id=user.pk)))


def _area_q(user, prefix: str = "") -> Q | None:
    """The user's area as a condition on rows with district/street/community fields; None = all."""
    role = user.role
    if role == Role.CITY:
        return None
    if role == Role.DISTRICT:
        return Q(**{f"{prefix}district_id": user.district_id})
    if role == Role.STREET:
        return Q(**{f"{prefix}street_id": user.street_id})
    if role == Role.COMMUNITY:
        return Q(**{f"{prefix}community_id": user.community_id})
    return NOTHING


def inspection_q(user) -> Q | None:
    if not _active(user):
        return NOTHING
    if user.role == Role.CITY:
        return None
    q = _area_q(user)
    if user.role in COMPANY_ROLES and user.company_id:
        q = Q(company_id=user.company_id) & ~Q(status__in=[Inspection.Status.ASSIGNED, Inspection.Status.CANCELLED])
    return q | _assigned(user)


def inspections_visible_to(user) -> QuerySet[Inspection]:
    q = inspection_q(user)
    qs = Inspection.objects.all()
    return qs if q is None else qs.filter(q)


def inspection_get_for_user(*, user, pk) -> Inspection:
    return get_visible_or_404(
        inspections_visible_to(user).select_related("estate", "company", "district", "street", "community", "plan",
                                                    "standard", "submitted_by"),
        user=user, pk=pk)


def inspections_assigned_to(user) -> QuerySet[Inspection]:
    if not _active(user):
        return Inspection.objects.none()
    return Inspection.objects.filter(_assigned(user))


def order_q(user) -> Q | None:
    if not _active(user):
        return NOTHING
    role = user.role
    if role == Role.CITY:
        return None
    if role == Role.DISTRICT:
        q = Q(district_id=user.district_id)
    elif role == Role.STREET:
        q = Q(street_id=user.street_id)
    elif role == Role.COMMUNITY:
        q = Q(estate__community_id=user.community_id)
    elif role in COMPANY_ROLES and user.company_id:
        q = Q(company_id=user.company_id)
    else:
        q = NOTHING
    through = Inspection.inspectors.through
    return q | Q(Exists(through.objects.filter(inspection_id=OuterRef("inspection_id"), inspector__user_id=user.pk)))


def orders_visible_to(user) -> QuerySet[RectificationOrder]:
    q = order_q(user)
    qs = RectificationOrder.objects.all()
    return qs if q is None else qs.filter(q)


def order_get_for_user(*, user, pk) -> RectificationOrder:
    return get_visible_or_404(
        orders_visible_to(user).select_related("estate", "company", "district", "street", "inspection", "item",
                                               "issued_by", "reinspected_by"),
        user=user, pk=pk)


def plan_q(user) -> Q | None:
    """City: all plans; district: its plans and city plans with inspections in it; street and
    community: plans with inspections in their area."""
    if not _active(user):
        return NOTHING
    role = user.role
    if role == Role.CITY:
        return None
    if role in (Role.DISTRICT, Role.STREET, Role.COMMUNITY):
        area = _area_q(user)
        touching = Q(Exists(Inspection.objects.filter(area, plan_id=OuterRef("pk"))))
        if role == Role.DISTRICT:
            return Q(district_id=user.district_id) | touching
        return touching
    return NOTHING


def plans_visible_to(user) -> QuerySet[InspectionPlan]:
    q = plan_q(user)
    qs = InspectionPlan.objects.all()
    return qs if q is None else qs.filter(q)


def plan_get_for_user(*, user, pk) -> InspectionPlan:
    return get_visible_or_404(plans_visible_to(user).select_related("district", "street", "standard", "created_by"),
                              user=user, pk=pk)


def can_manage_plan(user, plan: InspectionPlan) -> bool:
    role = getattr(user, "role", None)
    if role == Role.CITY:
        return True
    return role == Role.DISTRICT and plan.district_id is not None and plan.district_id == user.district_id


def inspectors_visible_to(user) -> QuerySet[Inspector]:
    """The pools an official maintains: the city bureau all of them, a district its own."""
    if not _active(user):
        return Inspector.objects.none()
    if user.role == Role.CITY:
        return Inspector.objects.all()
    if user.role == Role.DISTRICT:
        return Inspector.objects.filter(district_id=user.district_id)
    return Inspector.objects.none()


def inspector_get_for_user(*, user, pk) -> Inspector:
    return get_visible_or_404(inspectors_visible_to(user).select_related("user", "district"), user=user, pk=pk)


def standards_visible_to(user) -> QuerySet[Standard]:
    """Officials read every version; only the city bureau edits (checked by the services)."""
    if not _active(user) or user.role not in AREA_ROLES | COMPANY_ROLES:
        return Standard.objects.none()
    if user.role in COMPANY_ROLES | {Role.STREET, Role.COMMUNITY}:
        return Standard.objects.exclude(status=Standard.Status.DRAFT)
    return Standard.objects.all()


def published_draws() -> QuerySet[Draw]:
    """Draws anyone may see (一公开)."""
    return Draw.objects.filter(published_at__isnull=False)
