"""Who sees which inspections, plans and inspectors, and who may do what on their pages —
decided here only (rectification orders: ``orders/selectors.py``).

- city bureau: everything;
- district authority: its district (plans of its district and city plans' inspections there);
- street office / community: inspections and orders in their area (read only);
- inspectors (any role): the inspections they are assigned to and those inspections' orders;
- property company (manager and staff): its own inspections once submitted, and its orders;
- everyone else: nothing (404).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from wuye.accounts.models import Role, User
from wuye.core.access import get_visible_or_404, refuse
from wuye.registry.models import Estate
from wuye.supervision.selectors import AREA_ROLES, COMPANY_ROLES, is_active, is_official, is_official_for
from wuye.supervision.standards.models import StandardItem, StandardSection

from .draw import draw_verify
from .models import (
    Draw,
    Inspection,
    InspectionPhoto,
    InspectionPlan,
    InspectionScore,
    Inspector,
    InspectorConflict,
)
from .workflow import SCORED_STATUSES

NOTHING = Q(pk__in=[])
_active = is_active


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
    """The city bureau for every plan; a district authority for its own district's plans."""
    return is_official_for(user, plan.district_id)


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


def published_draws() -> QuerySet[Draw]:
    """Draws anyone may see (一公开)."""
    return Draw.objects.filter(published_at__isnull=False)


# ---- policies of the pages ------------------------------------------------------------------------


def can_manage_pool(user) -> bool:
    """The inspector pools are kept by the city bureau and the district authorities."""
    return is_official(user)


def can_read_plans(user) -> bool:
    return is_active(user) and user.role in AREA_ROLES


def can_create_plans(user) -> bool:
    return is_official(user)


def can_pick_district(user) -> bool:
    """Only the city bureau chooses any district (a district authority works in its own)."""
    return is_active(user) and user.role == Role.CITY


def can_use_inspection_pages(user) -> bool:
    """Officials, streets and communities, and property companies read the inspection pages."""
    return is_active(user) and (user.role in AREA_ROLES or user.role in COMPANY_ROLES)


def can_use_inspection_list(user) -> bool:
    """Readers of the inspection pages, and anybody assigned to an inspection."""
    return can_use_inspection_pages(user) or inspections_assigned_to(user).exists()


def is_inspector_of(user, inspection: Inspection) -> bool:
    return bool(is_active(user) and inspection.inspectors.filter(user_id=user.pk, active=True).exists())


def is_in_pool(user) -> bool:
    return is_active(user) and Inspector.objects.filter(user=user).exists()


def can_cancel_inspections(user) -> bool:
    """Officials cancel inspections (the service checks the district and the state)."""
    return is_official(user)


def can_cancel_inspection(user, inspection: Inspection) -> bool:
    return inspection.status == Inspection.Status.ASSIGNED and is_official_for(user, inspection.district_id)


def can_see_scores(user, inspection: Inspection, *, is_inspector: bool) -> bool:
    """Scores of an inspection not yet submitted: its inspectors and the officials only."""
    return inspection.status != Inspection.Status.ASSIGNED or is_inspector or is_official(user)


def can_link_inspections(user) -> bool:
    """Panels on estate and company pages link to the records for those who read inspections."""
    return can_use_inspection_pages(user)


# ---- reads of the pages --------------------------------------------------------------------------


def pool_users(user):
    """Accounts an official may put into a pool: active officials' accounts (not administrators,
    residents or company staff), within the district for a district authority."""
    qs = User.objects.filter(is_active=True, role__in=[Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY,
                                                         Role.DEPARTMENT, Role.NONE])
    if user.role == Role.DISTRICT:
        d = user.district_id
        qs = qs.filter(Q(district_id=d) | Q(street__district_id=d) | Q(community__street__district_id=d)
                       | Q(department__district_id=d) | Q(role=Role.NONE))
    return qs


def pool_account(user, username: str):
    """The account named ``username`` that ``user`` may put into a pool, or None."""
    return pool_users(user).filter(username=(username or "").strip()).first()


def inspector_conflicts(inspector: Inspector) -> list:
    return list(InspectorConflict.objects.filter(inspector=inspector).select_related("company", "estate").order_by("id"))


def conflict_get_for_user(*, user, inspector: Inspector, pk):
    return get_visible_or_404(InspectorConflict.objects.filter(inspector=inspector), user=user, pk=pk)


def recent_inspections_of(inspector: Inspector, n: int = 10) -> list[Inspection]:
    return list(Inspection.objects.filter(inspectors=inspector).select_related("estate", "plan").order_by("-id")[:n])


def draw_of(plan: InspectionPlan) -> Draw | None:
    return Draw.objects.filter(plan=plan).select_related("drawn_by").first()


def plan_progress(plan: InspectionPlan) -> dict:
    """How many of the plan's (not cancelled) inspections are recorded."""
    return Inspection.objects.filter(plan=plan).exclude(status=Inspection.Status.CANCELLED).aggregate(
        total=Count("pk"), done=Count("pk", filter=~Q(status=Inspection.Status.ASSIGNED)))


def draw_get_for_manager(*, user, pk) -> Draw:
    """A draw of a plan the user may see (404 otherwise)."""
    return get_visible_or_404(Draw.objects.filter(plan__in=plans_visible_to(user)), user=user, pk=pk)


def draw_summary(d: Draw | None) -> dict:
    """What the plan page and the public page show of a draw: names, never phones."""
    if d is None:
        return {}
    result = d.result or {}
    estates = Estate.objects.in_bulk([int(e) for e in result.get("estates", [])])
    ids = {int(i) for i in result.get("inspectors", [])} | {int(i) for i in result.get("supplementary", [])}
    names = {i.pk: (i.user.full_name or i.user.username, i.organisation)
             for i in Inspector.objects.filter(pk__in=ids).select_related("user")}
    drawn = []
    for n, eid in enumerate(result.get("estates", []), start=1):
        e = estates.get(int(eid))
        drawn.append({"n": n, "id": eid, "name": e.name if e else f"#{eid}",
                      "inspectors": [names.get(int(i), (f"#{i}", ""))[0] for i in result.get("assignments", {}).get(str(eid), [])]})
    weighted = sum(1 for _e, w in d.estate_candidates if int(w) > 1)
    return {
        "draw": d, "drawn": drawn, "inspector_names": [names.get(int(i), (f"#{i}", ""))
                                                       for i in result.get("inspectors", [])],
        "supplementary": [names.get(int(i), (f"#{i}", ""))[0] for i in result.get("supplementary", [])],
        "estate_candidates": len(d.estate_candidates), "weighted_candidates": weighted,
        "inspector_candidates": len(d.inspector_candidates), "conflict_count": sum(len(v) for v in d.conflicts.values()),
        "params": result.get("params", {}), "verified": draw_verify(d),
    }


def standard_items(standard_id) -> list:
    return list(StandardItem.objects.filter(standard_id=standard_id))


def sections_with_scores(inspection: Inspection, *, values: dict | None = None):
    """The standard's sections, each with its items and the score/photos recorded for them."""
    sections = list(StandardSection.objects.filter(standard_id=inspection.standard_id).order_by("order", "id"))
    items = list(StandardItem.objects.filter(standard_id=inspection.standard_id).order_by("section__order", "order", "id"))
    scores = {s.item_id: s for s in InspectionScore.objects.filter(inspection=inspection)}
    photos: dict = {}
    for p in InspectionPhoto.objects.filter(inspection=inspection).order_by("id"):
        photos.setdefault(p.item_id, []).append(p)
    by_section: dict = {}
    for it in items:
        s = scores.get(it.pk)
        it.recorded = s
        it.photo_list = photos.get(it.pk, [])
        v = (values or {}).get(it.pk)
        if v is None:
            v = {"deduction": s.deduction if s else Decimal("0"), "na": s.not_applicable if s else False,
                 "defect": s.is_defect if s else False, "note": s.note if s else ""}
        it.value = v
        by_section.setdefault(it.section_id, []).append(it)
    for sec in sections:
        sec.item_list = by_section.get(sec.pk, [])
        sec.subtotal = sum((i.max_points for i in sec.item_list), Decimal("0"))
        sec.score = sum(((i.recorded.score if i.recorded else Decimal("0")) for i in sec.item_list), Decimal("0"))
    return sections, items


def photo_get_for_user(*, user, pk):
    """An inspection photo, for whoever may see its inspection; else 404 (audited)."""
    photo = InspectionPhoto.objects.filter(pk=pk).first()
    if photo is None or not inspections_visible_to(user).filter(pk=photo.inspection_id).exists():
        refuse(user=user, model=InspectionPhoto, pk=pk, reason="无权查看该检查照片或照片不存在")
    return photo


def inspectors_of(inspection: Inspection) -> list[Inspector]:
    return list(inspection.inspectors.select_related("user").order_by("id"))


def plan_inspections(user, plan: InspectionPlan) -> list[Inspection]:
    return list(
        inspections_visible_to(user).filter(plan=plan).select_related("estate", "company")
        .prefetch_related(Prefetch("inspectors", queryset=Inspector.objects.select_related("user")))
        .order_by("estate__name", "id"))


def plans_with_progress(qs):
    """Plans annotated with their (not cancelled) and recorded inspections."""
    return qs.select_related("district", "street").annotate(
        total=Count("inspections", filter=~Q(inspections__status=Inspection.Status.CANCELLED)),
        submitted=Count("inspections", filter=Q(inspections__status__in=[
            Inspection.Status.SUBMITTED, Inspection.Status.RECTIFYING, Inspection.Status.CONCLUDED])),
    )


def published_inspections(*, estate=None, company=None, limit: int = 5) -> list[Inspection]:
    """The latest published results (双随机、一公开) of an estate or a company."""
    qs = Inspection.objects.filter(status__in=SCORED_STATUSES, published=True)
    qs = qs.filter(estate=estate).select_related("company", "plan") if estate is not None else \
        qs.filter(company=company).select_related("estate", "plan")
    return list(qs.order_by("-inspected_on", "-id")[:limit])
