"""The supervision and credit overview's figures (issue 4 §13), each table by one aggregate query.

Who sees the overview is decided by ``can_see_overview`` (the page's gate is
``overview_scope``); which territory by ``scope_for``: the city bureau sees the whole city (and may
narrow it to one district), a district authority its own district; nobody else sees the overview.
Every table here is what both the page and its Excel export show, so they always agree. The
number of queries is fixed: it does not grow with districts, estates, inspections or companies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractMonth
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.models import Role
from wuye.core.access import refuse
from wuye.core.money import percent, round_half_up
from wuye.credit.models import GRADE_ORDER, Benchmark, CompanyCredit
from wuye.registry.models import Estate
from wuye.supervision.constants import STAR_CHOICES
from wuye.supervision.models import Inspection, RectificationOrder, StarRating
from wuye.territory.models import District

LIST_SIZE = 10
DONE_STATUSES = (Inspection.Status.SUBMITTED, Inspection.Status.RECTIFYING, Inspection.Status.CONCLUDED)
OPEN_ORDERS = (RectificationOrder.Status.OPEN, RectificationOrder.Status.SUBMITTED)


def can_see_overview(user) -> bool:
    role = getattr(user, "role", None)
    return role == Role.CITY or (role == Role.DISTRICT and bool(user.district_id))


@dataclass(frozen=True)
class Scope:
    """The territory shown: ``district_id`` None is the whole city."""

    district_id: int | None
    label: str
    districts: list[dict]  # the districts the table rows are about: [{"id", "name"}], in code order
    choices: list[dict] = field(default_factory=list)  # what the city bureau may narrow to

    def estate_q(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}district_id": self.district_id}) if self.district_id else Q()

    def company_q(self, field_name: str = "company_id") -> Q:
        """Companies serving at least one estate in the district (the whole city: every company)."""
        if not self.district_id:
            return Q()
        return Q(Exists(Estate.objects.filter(district_id=self.district_id, company_id=OuterRef(field_name))))


def overview_scope(user, wanted) -> Scope:
    """The territory the user sees (``wanted``: the district the city bureau asks for), or 404
    (audited) for anybody who may not see the overview."""
    if not can_see_overview(user):
        refuse(user=user, model=CompanyCredit, pk="", reason="无权查看监管总览")
    return scope_for(user, wanted)


def scope_for(user, wanted) -> Scope:
    """The user's territory (call only when ``can_see_overview``). One query."""
    if user.role == Role.CITY:
        districts = list(District.objects.order_by("code", "id").values("id", "name"))
        try:
            wanted_id = int(wanted or 0)
        except (TypeError, ValueError):
            wanted_id = 0
        chosen = next((d for d in districts if d["id"] == wanted_id), None)
        if chosen:
            return Scope(chosen["id"], chosen["name"], [chosen], districts)
        return Scope(None, _("全市"), districts, districts)
    districts = list(District.objects.filter(pk=user.district_id).values("id", "name"))
    return Scope(user.district_id, districts[0]["name"] if districts else "", districts)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), tz),
            timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min), tz))


def years_available(scope: Scope, today: date) -> list[int]:
    """Years with inspections in the territory, and the current year (one query)."""
    years = {d.year for d in Inspection.objects.filter(scope.estate_q(), inspected_on__isnull=False)
             .dates("inspected_on", "year")}
    years.add(today.year)
    return sorted(years, reverse=True)


def months_of(year: int, today: date) -> list[int]:
    last = 12 if year < today.year else today.month if year == today.year else 0
    return list(range(1, last + 1))


def pct(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return percent(num, den, places=1)


def dec1(value) -> Decimal | None:
    if value is None:
        return None
    return round_half_up(Decimal(str(value)), 1)


def company_url(company_id: int) -> str:
    try:
        return reverse("credit:public_company", args=[company_id])
    except NoReverseMatch:
        return f"/credit/companies/{company_id}/"


# ---- the tables -------------------------------------------------------------------------------


def coverage(scope: Scope, year: int) -> list[dict]:
    """Per district: estates with a company, those of them inspected in ``year``, the rate (2 queries)."""
    served = dict(Estate.objects.filter(scope.estate_q(), company__isnull=False).order_by()
                  .values_list("district_id").annotate(n=Count("id")))
    inspected = dict(Inspection.objects.filter(scope.estate_q(), status__in=DONE_STATUSES, inspected_on__year=year,
                                               estate__company__isnull=False).order_by()
                     .values_list("district_id").annotate(n=Count("estate_id", distinct=True)))
    rows = []
    for d in scope.districts:
        s, i = served.get(d["id"], 0), inspected.get(d["id"], 0)
        rows.append({"district_id": d["id"], "name": d["name"], "served": s, "inspected": i, "rate": pct(i, s)})
    return rows


def scores(scope: Scope, year: int, months: list[int]) -> list[dict]:
    """Per district: the average inspection score of each month of ``year`` and of the year (1 query)."""
    qs = (Inspection.objects.filter(scope.estate_q(), status__in=DONE_STATUSES, inspected_on__year=year,
                                    total_score__isnull=False)
          .annotate(m=ExtractMonth("inspected_on")).order_by().values("district_id", "m")
          .annotate(avg=Avg("total_score"), n=Count("id")))
    cells: dict[tuple[int, int], tuple[Decimal, int]] = {}
    for row in qs:
        cells[(row["district_id"], row["m"])] = (Decimal(str(row["avg"])), row["n"])
    out = []
    for d in scope.districts:
        monthly = [cells.get((d["id"], m)) for m in months]
        n = sum(c[1] for c in monthly if c)
        weighted = sum((c[0] * c[1] for c in monthly if c), Decimal("0"))
        out.append({
            "district_id": d["id"], "name": d["name"],
            "months": [dec1(c[0]) if c else None for c in monthly],
            "average": dec1(weighted / n) if n else None, "count": n,
        })
    return out


def stars(scope: Scope) -> list[dict]:
    """Active star ratings by level (1 query)."""
    counts = dict(StarRating.objects.filter(scope.estate_q(), status=StarRating.Status.ACTIVE).order_by()
                  .values_list("level").annotate(n=Count("id")))
    return [{"level": level, "label": str(dict(STAR_CHOICES)[level]), "count": counts.get(level, 0)}
            for level in range(1, 6)]


def grades(scope: Scope) -> tuple[list[dict], dict]:
    """Rated companies by credit grade, with the unrated and the red and black list totals (1 query).
    A company with no credit information in force is unrated (its row reads C but is not a grade)."""
    rated_q = Q(event_count__gt=0)
    rows = (CompanyCredit.objects.filter(scope.company_q()).order_by().values("grade")
            .annotate(n=Count("company_id", filter=rated_q), all=Count("company_id"),
                      red=Count("company_id", filter=Q(red=True)), black=Count("company_id", filter=Q(black=True))))
    by_grade = {r["grade"]: r for r in rows}
    out = [{"grade": g, "count": by_grade.get(g, {}).get("n", 0)} for g in GRADE_ORDER]
    totals = {
        "companies": sum(r["all"] for r in by_grade.values()),
        "rated": sum(r["n"] for r in by_grade.values()),
        "red": sum(r["red"] for r in by_grade.values()),
        "black": sum(r["black"] for r in by_grade.values()),
    }
    totals["unrated"] = totals["companies"] - totals["rated"]
    return out, totals


def red_list(scope: Scope, limit: int | None = LIST_SIZE):
    qs = (CompanyCredit.objects.filter(scope.company_q(), red=True).select_related("company")
          .order_by("-score", "company__name", "company_id"))
    return qs[:limit] if limit else qs


def black_list(scope: Scope, limit: int | None = LIST_SIZE):
    qs = (CompanyCredit.objects.filter(scope.company_q(), black=True).select_related("company")
          .order_by("-veto", "score", "company__name", "company_id"))
    return qs[:limit] if limit else qs


def benchmark_estates(scope: Scope, limit: int | None = LIST_SIZE):
    qs = (Benchmark.objects.filter(scope.estate_q("estate__"), kind=Benchmark.Kind.ESTATE, active=True)
          .select_related("estate", "estate__district", "estate__company").order_by("-designated_on", "-id"))
    return qs[:limit] if limit else qs


def orders(scope: Scope, year: int, now: datetime) -> list[dict]:
    """Per district: orders issued and closed in ``year``, and those open, awaiting re-inspection
    and overdue now (1 query)."""
    start, end = year_bounds(year)
    open_q = Q(status__in=OPEN_ORDERS)
    rows = {
        r["district_id"]: r for r in RectificationOrder.objects.filter(scope.estate_q()).order_by().values("district_id").annotate(
            issued=Count("id", filter=Q(created_at__gte=start, created_at__lt=end)),
            closed=Count("id", filter=Q(status=RectificationOrder.Status.CLOSED, closed_at__gte=start, closed_at__lt=end)),
            open=Count("id", filter=Q(status=RectificationOrder.Status.OPEN)),
            submitted=Count("id", filter=Q(status=RectificationOrder.Status.SUBMITTED)),
            overdue=Count("id", filter=open_q & Q(deadline__lt=now)),
        )
    }
    out = []
    for d in scope.districts:
        r = rows.get(d["id"], {})
        out.append({"district_id": d["id"], "name": d["name"], **{k: r.get(k, 0) for k in
                                                                  ("issued", "closed", "open", "submitted", "overdue")}})
    return out


def total_row(rows: list[dict], keys: tuple[str, ...]) -> dict:
    return {k: sum(r[k] for r in rows) for k in keys}
