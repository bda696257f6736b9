"""Who sees which old compound and renovation project, and the reads the pages, the API, the
indicator and the chart share (issue 17 §5–7).

Scope: the officials of the area — the city bureau sees every compound; a district authority the
compounds of its district; a street office those of its street; a community those of its
community; a functional department those of its district (a city-level one, the city's), as
``wuye.registry.selectors.estate_q`` decides. Companies, residents and everybody else see nothing.
Out of scope is 404 (``core.access``).

Who acts: a project is registered and moved on by the district authority of the estate's district
or the street office of the estate's street (``official``); only the district accepts it
(``district``); the district or the street sets the compound's management mode after renovation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from wuye.accounts.models import Role
from wuye.core.access import get_visible_or_404
from wuye.registry.models import Estate
from wuye.registry.selectors import estate_q
from wuye.territory.models import District

from .models import FACILITIES, CompoundProfile, RenovationProject

OFFICIAL_ROLES = (Role.CITY, Role.DISTRICT, Role.STREET, Role.COMMUNITY, Role.DEPARTMENT)
P = RenovationProject.Status
K = RenovationProject.Kind


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_use(user) -> bool:
    return _active(user) and user.role in OFFICIAL_ROLES


def _scope(user, prefix: str = "") -> Q | None:
    """None: everything; a ``Q`` on the estate (through ``prefix``) otherwise."""
    if not can_use(user):
        return Q(pk__in=[])
    return estate_q(user, prefix)


def compounds_visible_to(user) -> QuerySet[Estate]:
    """The old compounds the user may see (estates of kind ``OLD_COMPOUND``)."""
    qs = Estate.objects.filter(kind=Estate.Kind.OLD_COMPOUND)
    q = _scope(user)
    return qs if q is None else qs.filter(q)


def compound_get_for_user(*, user, pk) -> Estate:
    return get_visible_or_404(compounds_visible_to(user).select_related("district", "street", "community", "company"),
                              user=user, pk=pk)


def estates_for_projects(user) -> QuerySet[Estate]:
    """Estates a user may register a renovation project on: those of their district or street."""
    if not _active(user):
        return Estate.objects.none()
    if user.role == Role.DISTRICT and user.district_id:
        return Estate.objects.filter(district_id=user.district_id)
    if user.role == Role.STREET and user.street_id:
        return Estate.objects.filter(street_id=user.street_id)
    return Estate.objects.none()


def own_district_id(user) -> int | None:
    """The district a district authority's user works for (its register shows that district's streets)."""
    return user.district_id if _active(user) and user.role == Role.DISTRICT else None


def can_create_project(user) -> bool:
    return _active(user) and ((user.role == Role.DISTRICT and bool(user.district_id))
                              or (user.role == Role.STREET and bool(user.street_id)))


def projects_visible_to(user) -> QuerySet[RenovationProject]:
    if not can_use(user):
        return RenovationProject.objects.none()
    # A district's and a street's scope is the project's own denormalised column (one indexed filter).
    if user.role == Role.DISTRICT:
        return RenovationProject.objects.filter(district_id=user.district_id)
    if user.role == Role.STREET:
        return RenovationProject.objects.filter(street_id=user.street_id)
    q = estate_q(user, "estate__")
    return RenovationProject.objects.all() if q is None else RenovationProject.objects.filter(q)


def project_get_for_user(*, user, pk) -> RenovationProject:
    return get_visible_or_404(projects_visible_to(user).select_related("estate", "district", "street", "accepted_by"),
                              user=user, pk=pk)


def actor_kinds(user, estate: Estate) -> set[str]:
    """``official`` and/or ``district`` for this estate (``workflow.PROJECT``)."""
    kinds: set[str] = set()
    if not _active(user):
        return kinds
    if user.role == Role.DISTRICT and user.district_id and user.district_id == estate.district_id:
        kinds |= {"official", "district"}
    elif user.role == Role.STREET and user.street_id and user.street_id == estate.street_id:
        kinds.add("official")
    return kinds


def can_set_management(user, estate: Estate) -> bool:
    return "official" in actor_kinds(user, estate)


# ---- the register -------------------------------------------------------------------------------


def search_compounds(qs: QuerySet[Estate], *, district=None, street=None, lacking: str = "", plan_status: str = "",
                     q: str = "") -> QuerySet[Estate]:
    if district:
        qs = qs.filter(district_id=district)
    if street:
        qs = qs.filter(street_id=street)
    if lacking and lacking in dict(FACILITIES):
        qs = qs.filter(**{f"compound__{lacking}": True})
    elif lacking == "lacks_other":
        qs = qs.exclude(compound__lacks_other="").filter(compound__isnull=False)
    if plan_status == CompoundProfile.PlanStatus.UNPLANNED:
        qs = qs.filter(Q(compound__isnull=True) | Q(compound__plan_status=plan_status))
    elif plan_status:
        qs = qs.filter(compound__plan_status=plan_status)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q) | Q(search_key__icontains=q.lower()))
    return qs


def register_counts(qs: QuerySet[Estate]) -> dict:
    """Counts over the (filtered) register: compounds, households, each facility lacking, plan status."""
    agg = {"total": Count("id"), "households": Count("id", filter=Q(compound__isnull=False))}
    for name, _label in FACILITIES:
        agg[name] = Count("id", filter=Q(**{f"compound__{name}": True}))
    for value in CompoundProfile.PlanStatus.values:
        agg[f"plan_{value}"] = Count("id", filter=Q(compound__plan_status=value))
    return qs.order_by().aggregate(**agg)


def profile_of(estate: Estate) -> CompoundProfile | None:
    return CompoundProfile.objects.filter(estate=estate).first()


def compound_projects(estate: Estate) -> QuerySet[RenovationProject]:
    return RenovationProject.objects.filter(estate=estate).order_by("-created_at", "-id")


def project_timeline(project: RenovationProject):
    return project.events.select_related("actor").order_by("created_at", "id")


# ---- the enclosure target -----------------------------------------------------------------------


def enclosures_accepted(year: int, district_ids=None) -> tuple[int, dict[int, int]]:
    """Accepted enclosure projects whose acceptance date falls in ``year``: the city's count and the
    count by district (one grouped query; ``accepted_on`` alone decides the year)."""
    rows = (RenovationProject.objects.filter(kind=K.ENCLOSURE, status=P.ACCEPTED,
                                             accepted_on__gte=date(year, 1, 1), accepted_on__lte=date(year, 12, 31))
            .order_by().values("district_id").annotate(n=Count("id")).values_list("district_id", "n"))
    by = dict(rows)
    total = sum(by.values())
    if district_ids is not None:
        by = {d: by.get(d, 0) for d in district_ids}
    return total, by


def enclosures_by_month(year: int) -> list[int]:
    """Accepted enclosure projects of ``year`` per month (January first), for the cumulative line
    (one grouped query)."""
    months = [0] * 12
    rows = (RenovationProject.objects.filter(kind=K.ENCLOSURE, status=P.ACCEPTED, accepted_on__gte=date(year, 1, 1),
                                             accepted_on__lte=date(year, 12, 31))
            .order_by().annotate(m=ExtractMonth("accepted_on")).values("m").annotate(n=Count("id"))
            .values_list("m", "n"))
    for m, n in rows:
        months[m - 1] = n
    return months


@dataclass
class DistrictPace:
    district: int
    name: str
    done: int
    quota: int
    behind: bool


def _enclosure_task(year: int):
    from wuye.campaign.models import Task

    return (Task.objects.filter(plan__year=year, indicator="enclosures_completed").select_related("plan")
            .order_by("id").first())


def target_chart(year: int, *, today: date | None = None) -> dict:
    """The city's enclosure progress against the year-end deadline and each district's quota
    progress, read from the year's campaign task bound to ``enclosures_completed`` (its quantity and
    quotas) and from acceptances alone. A district is behind its pace when done / quota < days
    elapsed / days in the year (``wuye.campaign.status.behind_pace``, checked weekly)."""
    from wuye.campaign.models import TargetQuota
    from wuye.campaign.status import behind_pace, pace_day

    today = today or timezone.localdate()
    task = _enclosure_task(year)
    quotas = {}
    quantity = None
    if task is not None:
        quantity = task.target_quantity
        quotas = dict(TargetQuota.objects.filter(task=task).values_list("district_id", "quota"))
    districts = list(District.objects.order_by("code", "id").values_list("id", "name"))
    total, by = enclosures_accepted(year)
    check_day = pace_day(today)
    rows = [DistrictPace(d, name, by.get(d, 0), quotas.get(d, 0),
                         behind_pace(by.get(d, 0), quotas.get(d, 0), year, check_day))
            for d, name in districts if d in quotas or by.get(d)]
    monthly = enclosures_by_month(year)
    cumulative, run = [], 0
    last_month = 12 if year < today.year else (today.month if year == today.year else 0)
    for i, n in enumerate(monthly):
        run += n
        cumulative.append(run if i < last_month else None)
    goal = quantity or 0
    pace_line = [round(goal * (i + 1) / 12) for i in range(12)]
    return {"year": year, "task": task, "quantity": quantity, "done": total, "rows": rows,
            "behind": [r for r in rows if r.behind], "check_day": check_day,
            "deadline": date(year, 12, 31), "monthly": monthly, "cumulative": cumulative, "pace": pace_line}


def chart_years() -> list[int]:
    """The years the chart offers: this year and every year of a plan with an enclosure task."""
    from wuye.campaign.models import Task

    years = set(Task.objects.filter(indicator="enclosures_completed").values_list("plan__year", flat=True))
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def districts_behind(year: int, today: date | None = None) -> list[DistrictPace]:
    return target_chart(year, today=today)["behind"]


def group_by_estate(projects) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for p in projects:
        out[p.estate_id].append(p)
    return out
