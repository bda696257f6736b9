"""Who sees and does what in 回头看 and in clue reports — decided here and nowhere else.

回头看 campaigns:
- city bureau: every campaign; creates city-wide or district campaigns, manages them all;
- district authority: its district's campaigns (manages them) and the city-wide ones (only the
  re-checks in its district);
- street office: the campaigns with re-checks in its street (only those re-checks);
- everyone else: none.
A re-check is recorded by its assignee, a street official of its street, a district official of its
district or the city bureau, while the campaign is checking.

Clue reports (扫黑除恶): only the police (公安 department users: a district's police see the clues of
their district, the city's police every clue) and the city bureau see them, their outcome and the
credit link. The reporter (an official or a resident) sees only the receipt of what they filed.
Companies file none and see none.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from wuye.accounts.models import Role
from wuye.accounts.selectors import district_officials, unit_users
from wuye.cases.models import Category
from wuye.core.access import get_visible_or_404
from wuye.registry.models import PropertyCompany
from wuye.territory.models import Department, District

from .models import ClueReport, Recheck, RecheckCampaign

C = RecheckCampaign.Status
OFFICIAL_ROLES = (Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.DEPARTMENT)
REPORTER_ROLES = (*OFFICIAL_ROLES, Role.RESIDENT, Role.COMMITTEE)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_city(user) -> bool:
    return _active(user) and user.role == Role.CITY


# ---- campaigns ---------------------------------------------------------------------------------


def can_create_campaign(user) -> bool:
    return _active(user) and (user.role == Role.CITY or (user.role == Role.DISTRICT and bool(user.district_id)))


def can_use_recheck(user) -> bool:
    return _active(user) and user.role in (Role.CITY, Role.DISTRICT, Role.STREET)


def district_choices(user) -> QuerySet[District]:
    """The districts a new campaign may cover: all for the city, its own for a district."""
    if is_city(user):
        return District.objects.order_by("code", "id")
    if can_create_campaign(user):
        return District.objects.filter(pk=user.district_id)
    return District.objects.none()


def category_choices() -> QuerySet[Category]:
    """Complaint categories a 回头看 may sample (never confidential clue reports)."""
    return Category.objects.filter(active=True, visibility=Category.Visibility.PUBLIC).order_by("sort_order", "id")


def campaigns_visible_to(user) -> QuerySet[RecheckCampaign]:
    qs = RecheckCampaign.objects.all()
    if not _active(user):
        return qs.none()
    if user.role == Role.CITY:
        return qs
    if user.role == Role.DISTRICT and user.district_id:
        return qs.filter(Q(district_id=user.district_id) | Q(district__isnull=True))
    if user.role == Role.STREET and user.street_id:
        return qs.filter(Exists(Recheck.objects.filter(campaign_id=OuterRef("pk"), street_id=user.street_id)))
    return qs.none()


def campaign_list(user, *, status: str = "", q: str = "", year: int | None = None) -> QuerySet[RecheckCampaign]:
    qs = campaigns_visible_to(user).select_related("district")
    if status in C.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(name__icontains=q)
    if year:
        qs = qs.filter(year=year)
    return qs.annotate(total=Count("rechecks"), done=Count("rechecks", filter=~Q(rechecks__result="")),
                       relapsed=Count("rechecks", filter=Q(rechecks__result=Recheck.Result.RELAPSED))
                       ).order_by("-created_at", "-id")


def campaign_get_for_user(*, user, pk) -> RecheckCampaign:
    return get_visible_or_404(campaigns_visible_to(user).select_related("district", "drawn_by", "created_by", "bulletin"),
                              user=user, pk=pk)


def can_manage_campaign(user, campaign: RecheckCampaign) -> bool:
    if not _active(user):
        return False
    if user.role == Role.CITY:
        return True
    return user.role == Role.DISTRICT and campaign.district_id is not None and campaign.district_id == user.district_id


def campaign_actor_kinds(user, campaign: RecheckCampaign) -> set[str]:
    return {"official"} if can_manage_campaign(user, campaign) else set()


def can_report(user, campaign: RecheckCampaign) -> bool:
    """The report is a bulletin (通报), drafted by the campaign office: the city bureau."""
    return is_city(user) and campaign.status == C.FINISHED and campaign.bulletin_id is None


def rechecks_visible_to(user) -> QuerySet[Recheck]:
    qs = Recheck.objects.filter(campaign__in=campaigns_visible_to(user))
    if not _active(user) or user.role == Role.CITY:
        return qs
    if user.role == Role.DISTRICT:
        return qs.filter(district_id=user.district_id)
    if user.role == Role.STREET:
        return qs.filter(street_id=user.street_id)
    return qs.none()


def campaign_rechecks(user, campaign: RecheckCampaign, *, result: str | None = None, q: str = "") -> QuerySet[Recheck]:
    qs = rechecks_visible_to(user).filter(campaign=campaign).select_related("estate", "company", "street", "assignee")
    if result is not None and result in Recheck.Result.values:
        qs = qs.filter(result=result)
    if q:
        qs = qs.filter(Q(summary__icontains=q) | Q(estate__name__icontains=q))
    return qs.order_by("position", "id")


def progress(rechecks: QuerySet[Recheck]) -> dict:
    """Counts of a campaign's re-checks as the user sees them, in one query."""
    c = rechecks.aggregate(total=Count("id"), done=Count("id", filter=~Q(result="")),
                           relapsed=Count("id", filter=Q(result=Recheck.Result.RELAPSED)),
                           orders=Count("id", filter=Q(kind=Recheck.Kind.ORDER)),
                           complaints=Count("id", filter=Q(kind=Recheck.Kind.COMPLAINT)))
    c["fixed"] = c["done"] - c["relapsed"]
    c["pending"] = c["total"] - c["done"]
    c["percent"] = int(c["done"] * 100 / c["total"]) if c["total"] else 0
    return c


def recheck_get_for_user(*, user, pk) -> Recheck:
    return get_visible_or_404(
        rechecks_visible_to(user).select_related("campaign", "estate", "company", "street", "district", "assignee",
                                                 "order", "complaint", "new_order", "new_complaint", "checked_by"),
        user=user, pk=pk)


def can_record(user, recheck: Recheck) -> bool:
    if not _active(user) or recheck.campaign.status != C.CHECKING or recheck.result:
        return False
    if recheck.assignee_id == user.pk or user.role == Role.CITY:
        return True
    if user.role == Role.DISTRICT:
        return user.district_id == recheck.district_id
    if user.role == Role.STREET:
        return user.street_id == recheck.street_id
    return False


def my_pending_rechecks(user) -> QuerySet[Recheck]:
    return (rechecks_visible_to(user).filter(result="", campaign__status=C.CHECKING)
            .select_related("campaign", "estate").order_by("campaign_id", "position"))


def assignee_for(*, street_id: int, district_id: int):
    """The official a re-check goes to: the street office's first official, else the district's."""
    return unit_users("street", street_id).order_by("id").first() or district_officials(district_id).order_by("id").first()


# ---- clue reports ------------------------------------------------------------------------------


def _police_department(user) -> Department | None:
    if not _active(user) or user.role != Role.DEPARTMENT or not user.department_id:
        return None
    dept = user.department
    return dept if dept.kind == Department.Kind.POLICE else None


def can_see_clues(user) -> bool:
    return is_city(user) or _police_department(user) is not None


def is_police(user) -> bool:
    return _police_department(user) is not None


def clues_visible_to(user) -> QuerySet[ClueReport]:
    qs = ClueReport.objects.all()
    if is_city(user):
        return qs
    dept = _police_department(user)
    if dept is None:
        return qs.none()
    return qs if dept.district_id is None else qs.filter(district_id=dept.district_id)


def clue_list(user, *, status: str = "", q: str = "", district: int | None = None) -> QuerySet[ClueReport]:
    qs = clues_visible_to(user).select_related("company", "district")
    if status in ClueReport.Status.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(person_name__icontains=q) | Q(company__name__icontains=q)
                       | Q(content__icontains=q))
    if district:
        qs = qs.filter(district_id=district)
    return qs


def clue_get_for_user(*, user, pk) -> ClueReport:
    return get_visible_or_404(
        clues_visible_to(user).select_related("company", "district", "reporter", "outcome_by", "credit_event",
                                              "credit_event__rule"), user=user, pk=pk)


def clue_actor_kinds(user, clue: ClueReport) -> set[str]:
    dept = _police_department(user)
    if dept is None or (dept.district_id is not None and dept.district_id != clue.district_id):
        return set()
    return {"police"}


def can_file_clue(user) -> bool:
    return _active(user) and user.role in REPORTER_ROLES


def my_receipts(user) -> QuerySet[ClueReport]:
    """The reporter's own receipts: number and time only are shown."""
    if not _active(user):
        return ClueReport.objects.none()
    return ClueReport.objects.filter(reporter_id=user.pk).only("id", "number", "created_at", "reporter_id")


def receipt_get(*, user, pk) -> ClueReport:
    return get_visible_or_404(my_receipts(user), user=user, pk=pk)


def company_choices() -> QuerySet[PropertyCompany]:
    return PropertyCompany.objects.order_by("name")


def all_districts() -> QuerySet[District]:
    return District.objects.order_by("code", "id")


def police_users(district_id: int | None) -> QuerySet:
    """Active police users who see a clue of ``district_id``: its district's police and the city's."""
    from wuye.accounts.models import User

    return User.objects.filter(is_active=True, role=Role.DEPARTMENT, department__kind=Department.Kind.POLICE).filter(
        Q(department__district_id=district_id) | Q(department__district__isnull=True))


def photo_get_for_user(*, user, pk):
    from .models import RecheckPhoto

    return get_visible_or_404(RecheckPhoto.objects.filter(recheck__in=rechecks_visible_to(user)), user=user, pk=pk)


def campaign_timeline(campaign: RecheckCampaign):
    return campaign.events.select_related("actor").order_by("created_at", "id")


def clue_timeline(clue: ClueReport):
    return clue.events.select_related("actor").order_by("created_at", "id")
