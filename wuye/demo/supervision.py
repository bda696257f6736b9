"""A year of demo supervision and credit (issue 4): inspections, rectification, surveys, stars, credit.

``build_demo_supervision(scale=..., seed=..., now=...)`` adds to the demo city:

- inspector pools: a few district officials per district (and the demo ``district`` and
  ``street`` logins) plus a small city pool, with declared conflicts of interest;
- the twelve months before ``now`` of monthly routine plans per district, each with its stored,
  re-runnable double-random draw (``wuye.supervision.draw.run``), and a complaint-triggered
  check of the featured estate;
- the inspections those draws produced, scored item by item against the default standard
  (finished ones submitted or concluded, this month's later ones still waiting);
- rectification orders for the defects found: most closed after re-inspection, some open, some
  overdue (the overdue ones carry their credit event);
- owner satisfaction surveys with one answer sheet per responding unit;
- star applications in every state and active ratings (some four and five stars);
- for every filed company a credit history of three years: basic items, monthly complaint
  results, inspection results, commendations and deductions, a few veto items (the black list),
  objections and withdrawals; benchmark estates and companies;
- then ``credit_recompute_all``: every company's score and grade, the red and black lists, and
  the exit cases of the black-listed companies' estates (with their first steps recorded).

Every company has a hidden service quality drawn once from the seed; it moves its inspection
scores, how fast it rectifies, what its owners answer and which credit items it collects, so that
the figures agree with each other. Nothing goes through the services: rows are written in bulk
(``BulkWriter``: COPY on PostgreSQL), like ``wuye.demo.complaints``. The same seed and the same
``now`` give the same rows.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from wuye.accounts.models import User
from wuye.cases.metrics import Weights
from wuye.cases.models import UnitKind, UnitMonthStat
from wuye.cases.selectors_metrics import figures_for
from wuye.credit.models import (
    CompanyCredit,
    CreditRule,
    CreditSettings,
)
from wuye.registry.models import Estate, PropertyCompany, ServiceContract
from wuye.supervision.models import (
    Standard,
    StandardItem,
    SupervisionSettings,
    SurveyQuestion,
    SurveyTemplate,
)
from wuye.territory.models import City, District, Street

from . import names as N
from .bulk import BulkWriter, timestamp
from .supervision_credit import CreditMixin
from .supervision_inspections import InspectionsMixin
from .supervision_stars import SurveysStarsMixin

SH = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Params:
    district_inspectors: int  # pool members per district (besides the demo logins)
    city_inspectors: int
    coverage: tuple[float, float]  # draws per year as a share of a district's estates
    surveys: int
    star_share: float  # share of eligible estates with a star application
    history_months: int  # months of credit history (only the last year's items count; the rest is history)
    credit_intensity: float  # scales the hand-recorded credit items


PARAMS = {
    "small": Params(4, 2, (1.6, 2.4), 3, 0.5, 36, 1.0),
    "city": Params(6, 4, (0.7, 1.3), 24, 0.12, 36, 1.0),
    "megacity": Params(10, 8, (0.7, 1.3), 60, 0.10, 72, 1.0),
}


@dataclass
class DemoSupervision:
    counts: dict[str, int] = field(default_factory=dict)
    credit: dict = field(default_factory=dict)
    grades: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    now: datetime | None = None


class SupervisionBuilder(InspectionsMixin, SurveysStarsMixin, CreditMixin):
    def __init__(self, *, scale: str, seed: int, now: datetime | None, say: Callable[[str], None], city_id: int | None):
        self.p = PARAMS[scale]
        self.scale = scale
        self.seed = seed
        self.say = say
        self.now = (now or timezone.now()).astimezone(SH).replace(microsecond=0)
        self.today = self.now.date()
        self.started = self.stage_started = time.monotonic()
        self.writer = BulkWriter(batch_size=100_000 if connection.vendor == "postgresql" else 50_000)
        self.ts = timestamp(self.now)
        self._deadlines: dict[date, datetime] = {}
        self._load(city_id)

    def rng(self, stage: str) -> random.Random:
        return random.Random(f"wuye-demo:{self.seed}:supervision:{stage}")

    def stage(self, text: str) -> None:
        now = time.monotonic()
        self.say(f"  {text}（{now - self.stage_started:.1f} 秒）")
        self.stage_started = now

    def at(self, day: date, hour: int = 9, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH)

    def t(self, moment: datetime | None):
        return None if moment is None else timestamp(moment)

    # -- what the city holds --------------------------------------------------------------------

    def _load(self, city_id: int | None) -> None:
        city = City.objects.filter(pk=city_id).first() if city_id else (
            City.objects.filter(code=N.CITY_CODE).first() or City.objects.order_by("pk").first())
        if city is None:
            raise ValueError("数据库中没有城市数据，请先生成演示城市（manage.py demo）。")
        self.city_id = city.pk
        self.districts = list(District.objects.filter(city_id=city.pk).order_by("id").values("id", "name", "code"))
        self.street_district = dict(Street.objects.filter(district__city_id=city.pk).values_list("id", "district_id"))
        self.estates = list(
            Estate.objects.filter(district__city_id=city.pk).order_by("id").values(
                "id", "name", "district_id", "street_id", "community_id", "company_id", "kind"))
        if not self.estates:
            raise ValueError("演示城市中没有小区。")
        self.estate_by_id = {e["id"]: e for e in self.estates}
        self.companies = list(PropertyCompany.objects.order_by("id").values("id", "name", "filing_status"))
        self.contract_start = dict(
            ServiceContract.objects.filter(is_current=True, estate__district__city_id=city.pk)
            .values_list("estate_id", "start_date"))
        self.standard = (Standard.objects.filter(status=Standard.Status.PUBLISHED).order_by("code", "-version").first()
                         or Standard.objects.order_by("-version").first())
        if self.standard is None:
            raise ValueError("没有服务标准（应由数据迁移写入默认标准）。")
        self.items = list(StandardItem.objects.filter(standard=self.standard)
                          .order_by("section__order", "order", "id").values("id", "code", "text", "max_points"))
        self.template = (SurveyTemplate.objects.filter(is_default=True, active=True).order_by("-version").first()
                         or SurveyTemplate.objects.order_by("-version").first())
        self.questions = list(SurveyQuestion.objects.filter(dimension__template=self.template)
                              .order_by("dimension__order", "order", "id").values_list("id", flat=True)) if self.template else []
        self.rules = {r.code: r for r in CreditRule.objects.filter(active=True)}
        self.ss = SupervisionSettings.current()
        self.cs = CreditSettings.current()
        self.logins = {u.username: u for u in User.objects.filter(
            username__in=["city", "district", "street", "company"])}
        featured = next((e for e in self.estates if e["name"] == "幸福里小区"), None)
        self.featured_estate = featured or next((e for e in self.estates if e["company_id"]), self.estates[0])
        # Hidden service quality: one draw per company, moved halfway towards where its complaint
        # figures rank it (when the city has complaints), and the estates around it.
        rng = self.rng("quality")
        self.quality = {c["id"]: rng.betavariate(5, 2) for c in self.companies}
        self.figures = self._complaint_figures()
        composite: dict[int, list[Decimal]] = defaultdict(list)
        for f in self.figures:
            if f.composite is not None:
                composite[f.unit_id].append(f.composite)
        ranked = sorted(composite, key=lambda cid: (sum(composite[cid]) / len(composite[cid]), cid))
        for n, cid in enumerate(ranked):
            if cid in self.quality:
                self.quality[cid] = 0.5 * self.quality[cid] + 0.5 * (n + 0.5) / len(ranked)
        # The featured company (the ``company`` demo login) is a decent one.
        featured_company = self.featured_estate["company_id"]
        if featured_company:
            self.quality[featured_company] = max(self.quality[featured_company], 0.82)
        self.unrated = {c["id"] for c in self.companies if c["filing_status"] != PropertyCompany.FilingStatus.FILED}
        self.estate_quality = {
            e["id"]: min(0.99, max(0.05, self.quality.get(e["company_id"], 0.3) + rng.gauss(0, 0.06))) for e in self.estates
        }
        serving = Counter(e["company_id"] for e in self.estates if e["company_id"])
        filed = [c for c in self.companies if c["filing_status"] == PropertyCompany.FilingStatus.FILED]
        # Veto items (the black list): a few filed companies that serve estates, the worst first.
        candidates = sorted((c for c in filed if serving[c["id"]] and c["id"] != self.featured_estate["company_id"]),
                            key=lambda c: (self.quality[c["id"]], c["id"]))
        n_veto = max(1, round(len(filed) * 0.004))
        self.veto_companies = {c["id"] for c in candidates[: n_veto * 3][::3][:n_veto]}
        for cid in self.veto_companies:
            self.quality[cid] = min(self.quality[cid], 0.35)

    def _complaint_figures(self) -> list:
        start = self.today.replace(day=1) - timedelta(days=366)
        return figures_for(UnitMonthStat.objects.filter(unit_kind=UnitKind.COMPANY, month__gte=start).order_by("month", "unit_id"),
                           Weights.current())


def build_demo_supervision(*, scale: str = "small", seed: int = 2026, now: datetime | None = None,
                           city_id: int | None = None, say: Callable[[str], None] | None = None) -> DemoSupervision:
    """Add a year of supervision and credit to the demo city (call inside a transaction)."""
    say = say or (lambda text: None)
    b = SupervisionBuilder(scale=scale, seed=seed, now=now, say=say, city_id=city_id)
    b.build_inspectors()
    b.build_inspections()
    b.build_surveys()
    b.build_stars()
    b.build_credit()
    b.build_benchmarks()
    b.exit_cases()
    b.writer.finish()
    credit = b.recompute()
    grades = dict(Counter(CompanyCredit.objects.values_list("grade", flat=True)))
    lists = {"red": CompanyCredit.objects.filter(red=True).count(), "black": CompanyCredit.objects.filter(black=True).count()}
    say("    信用等级：" + "，".join(f"{g} {grades.get(g, 0)}" for g in ("AAA", "AA", "A", "B", "C"))
        + f"；红名单 {lists['red']} 家，黑名单 {lists['black']} 家")
    counts = {m._meta.model_name: n for m, n in b.writer.counts.items()}
    return DemoSupervision(counts=counts, credit={**credit, **lists}, grades=grades,
                           seconds=time.monotonic() - b.started, now=b.now)
