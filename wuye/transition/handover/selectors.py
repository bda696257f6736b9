"""Who sees which handover cases, and the reads of the handover pages — decided here only.

- city bureau: every case; district authority: its district; street office / community: their
  area (read only);
- the construction and housing departments (建设, 住房和城乡建设): the early deliveries of their
  district (city-level ones: the city's), which are referred to them for joint enforcement;
- property company (manager and staff): its own cases;
- everyone else: nothing (404).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from wuye.accounts.models import COMPANY_ROLES, Role
from wuye.core.access import get_visible_or_404, refuse
from wuye.registry.models import PropertyCompany
from wuye.registry.selectors import estates_visible_to
from wuye.territory.models import Department, District
from wuye.transition.developers.models import Developer

from .models import DefectPhoto, HandoverCase, HandoverDefect, HandoverDocument, HandoverEvent

NOTHING = Q(pk__in=[])
REFERRAL_KINDS = (Department.Kind.CONSTRUCTION, Department.Kind.HOUSING)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def case_q(user) -> Q | None:
    """The condition on a case the user may see (``None``: all)."""
    if not _active(user):
        return NOTHING
    role = user.role
    if role == Role.CITY:
        return None
    if role == Role.DISTRICT:
        return Q(district_id=user.district_id) if user.district_id else NOTHING
    if role == Role.STREET:
        return Q(street_id=user.street_id) if user.street_id else NOTHING
    if role == Role.COMMUNITY:
        return Q(estate__community_id=user.community_id) if user.community_id else NOTHING
    if role in COMPANY_ROLES:
        return Q(company_id=user.company_id) if user.company_id else NOTHING
    if role == Role.DEPARTMENT and user.department_id:
        dept = user.department
        if dept.kind not in REFERRAL_KINDS:
            return NOTHING
        q = Q(early_delivery=True)
        return q if dept.district_id is None else q & Q(district_id=dept.district_id)
    return NOTHING


def cases_visible_to(user) -> QuerySet[HandoverCase]:
    q = case_q(user)
    qs = HandoverCase.objects.all()
    return qs if q is None else qs.filter(q)


def case_get_for_user(*, user, pk) -> HandoverCase:
    return get_visible_or_404(
        cases_visible_to(user).select_related("estate", "developer", "company", "district", "street", "referral_notice"),
        user=user, pk=pk)


def can_use_pages(user) -> bool:
    if not _active(user):
        return False
    if user.role in (Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY) or user.role in COMPANY_ROLES:
        return True
    return user.role == Role.DEPARTMENT and bool(user.department_id) and user.department.kind in REFERRAL_KINDS


def can_create(user) -> bool:
    """The company taking over, or an official of the estate's area (city bureau, district)."""
    return _active(user) and (user.role in (Role.CITY, Role.DISTRICT) or (user.role in COMPANY_ROLES and bool(user.company_id)))


def may_register_for(user, estate) -> bool:
    """May the user open a handover case for this estate? (It must also be visible: else 404.)"""
    if not can_create(user):
        return False
    if user.role == Role.CITY:
        return True
    if user.role == Role.DISTRICT:
        return estate.district_id == user.district_id
    return estate.company_id == user.company_id


def estates_for_registration(user) -> QuerySet:
    """The estates the user may open a case for (the form's choices)."""
    if not can_create(user):
        return estates_visible_to(user).none()
    return estates_visible_to(user).order_by("name", "id")


def can_pick_district(user) -> bool:
    """The city bureau filters the list by district; everyone else sees one area at most."""
    return _active(user) and user.role == Role.CITY


def own_company_id(user) -> int | None:
    """The company a company user works for (its cases are registered for it alone), else None."""
    return user.company_id if _active(user) and user.role in COMPANY_ROLES and user.company_id else None


def is_official_of(user, case: HandoverCase) -> bool:
    if not _active(user):
        return False
    return user.role == Role.CITY or (user.role == Role.DISTRICT and user.district_id == case.district_id)


def case_actor_kinds(user, case: HandoverCase) -> set[str]:
    kinds: set[str] = set()
    if not _active(user):
        return kinds
    if user.role in COMPANY_ROLES and user.company_id and user.company_id == case.company_id:
        kinds.add("company")
    if is_official_of(user, case):
        kinds.add("official")
    return kinds


def require_actor(user, case: HandoverCase) -> set[str]:
    """The user's actor kinds on a visible case, or 403 (audited) when the user only reads it."""
    kinds = case_actor_kinds(user, case)
    if not kinds:
        refuse(user=user, model=HandoverCase, pk=case.pk, reason="只能查看，无权办理该承接查验", status=403)
    return kinds


def case_documents(case: HandoverCase) -> list[HandoverDocument]:
    return list(HandoverDocument.objects.filter(case=case).order_by("position", "id"))


def case_defects(case: HandoverCase) -> list[HandoverDefect]:
    defects = list(HandoverDefect.objects.filter(case=case).order_by("id"))
    photos: dict[int, list[DefectPhoto]] = {}
    for p in DefectPhoto.objects.filter(defect__case=case).order_by("id"):
        photos.setdefault(p.defect_id, []).append(p)
    for d in defects:
        d.photo_list = photos.get(d.pk, [])
    return defects


def case_events(case: HandoverCase) -> list[HandoverEvent]:
    return list(HandoverEvent.objects.filter(case=case).select_related("actor").order_by("created_at", "id"))


def photo_get_for_user(*, user, pk) -> DefectPhoto:
    photo = DefectPhoto.objects.filter(pk=pk).select_related("defect").first() if str(pk).isdigit() else None
    if photo is None or not cases_visible_to(user).filter(pk=photo.defect.case_id).exists():
        refuse(user=user, model=DefectPhoto, pk=pk, reason="无权查看该照片或照片不存在")
    return photo


def document_counts(case: HandoverCase) -> dict:
    return HandoverDocument.objects.filter(case=case).aggregate(
        total=Count("pk"), received=Count("pk", filter=Q(status=HandoverDocument.Status.RECEIVED)),
        missing=Count("pk", filter=Q(status=HandoverDocument.Status.MISSING)),
        pending=Count("pk", filter=Q(status=HandoverDocument.Status.PENDING)))


def overdue_filing_q(today) -> Q:
    """Cases whose filing is late: still unfiled after the deadline, or filed after it."""
    from django.db.models import F

    return Q(filed_on__isnull=True, filing_due__lt=today) | Q(filed_on__gt=F("filing_due"))


# ---- choices and lookups of the forms and the API (no queries in the view layer) ----------------


def district_choices(user) -> QuerySet[District]:
    return District.objects.order_by("code", "id") if can_pick_district(user) else District.objects.none()


def developer_choices() -> QuerySet[Developer]:
    return Developer.objects.order_by("name", "id")


def company_choices(user) -> QuerySet[PropertyCompany]:
    """A company registers for itself alone; an official picks any registered company."""
    own = own_company_id(user)
    qs = PropertyCompany.objects.order_by("name", "id")
    return qs.filter(pk=own) if own else qs


def developer_by_id(pk) -> Developer | None:
    return Developer.objects.filter(pk=pk).first()


def company_by_id(pk) -> PropertyCompany | None:
    return PropertyCompany.objects.filter(pk=pk).first()


def document_of(case: HandoverCase, pk) -> HandoverDocument | None:
    return HandoverDocument.objects.filter(pk=pk, case=case).first() if str(pk).isdigit() else None


def defect_of(case: HandoverCase, pk) -> HandoverDefect | None:
    return HandoverDefect.objects.filter(pk=pk, case=case).first() if str(pk).isdigit() else None
