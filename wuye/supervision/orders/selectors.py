"""Who sees which rectification orders, and the reads of the order pages — decided here only.

- city bureau: every order; district authority: its district; street office / community: their
  area (read only);
- property company (manager and staff): its own orders;
- inspectors (any role): the orders of the inspections they are assigned to;
- everyone else: nothing (404).
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.core.access import get_visible_or_404, refuse
from wuye.supervision.inspections.models import Inspection
from wuye.supervision.inspections.selectors import can_use_inspection_pages, inspections_assigned_to
from wuye.supervision.selectors import COMPANY_ROLES, is_active

from .models import OrderEvent, RectificationEvidence, RectificationOrder
from .workflow import OPEN_ORDER_STATUSES

NOTHING = Q(pk__in=[])


def order_q(user) -> Q | None:
    if not is_active(user):
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


def can_use_order_pages(user) -> bool:
    """The order list is for those who read inspections (officials, area, company) and inspectors."""
    return can_use_inspection_pages(user) or inspections_assigned_to(user).exists()


def inspector_user_ids(order: RectificationOrder) -> set[int]:
    """The user ids of the inspectors of the order's inspection (the re-inspectors besides officials)."""
    if not order.inspection_id:
        return set()
    return set(Inspection.inspectors.through.objects.filter(inspection_id=order.inspection_id)
               .values_list("inspector__user_id", flat=True))


def inspector_users(order: RectificationOrder) -> QuerySet[User]:
    """The active accounts of the order's inspection's inspectors (told when evidence arrives)."""
    return User.objects.filter(pk__in=inspector_user_ids(order), is_active=True)


def order_events(order: RectificationOrder) -> list[OrderEvent]:
    return list(OrderEvent.objects.filter(order=order).select_related("actor").order_by("created_at", "id"))


def order_evidence(order: RectificationOrder) -> list[RectificationEvidence]:
    return list(RectificationEvidence.objects.filter(order=order).select_related("uploaded_by").order_by("id"))


def evidence_get_for_user(*, user, pk) -> RectificationEvidence:
    """A file of evidence, for whoever may see its order; else 404 (audited)."""
    ev = RectificationEvidence.objects.filter(pk=pk).first()
    if ev is None or not orders_visible_to(user).filter(pk=ev.order_id).exists():
        refuse(user=user, model=RectificationEvidence, pk=pk, reason="无权查看该整改佐证或文件不存在")
    return ev


def orders_of_inspection(inspection) -> list[RectificationOrder]:
    return list(RectificationOrder.objects.filter(inspection=inspection).select_related("item").order_by("id"))


def order_counts(*, estate=None, company=None) -> dict:
    """Open and overdue orders of an estate or a company (one query)."""
    qs = RectificationOrder.objects.filter(estate=estate) if estate is not None else \
        RectificationOrder.objects.filter(company=company)
    now = timezone.now()
    return qs.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_ORDER_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_ORDER_STATUSES, deadline__lt=now)),
    )
