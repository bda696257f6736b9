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

import json
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.core.calendar import PeriodUnit, add_period
from wuye.credit.models import (
    Benchmark,
    CreditEvent,
    CreditEventLog,
    CreditObjection,
    CreditRule,
    CreditSettings,
    ExitCase,
    ExitStep,
)
from wuye.registry.models import Estate, Ownership, PropertyCompany, ServiceContract, Staff, Unit
from wuye.supervision import draw as drawing
from wuye.supervision.models import (
    Draw,
    Inspection,
    InspectionPlan,
    InspectionScore,
    Inspector,
    InspectorConflict,
    OrderEvent,
    RectificationOrder,
    Standard,
    StandardItem,
    StarApplication,
    StarApplicationEvent,
    StarRating,
    SupervisionSettings,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from wuye.territory.models import City, District, Street

from . import identifiers as ids
from . import names as N
from .bulk import BulkWriter, timestamp
from .common import People, add_years

SH = ZoneInfo("Asia/Shanghai")
ZERO = Decimal("0")
HALF = Decimal("0.5")


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

ORGANISATIONS = ["住房和城乡建设局物业科", "房产服务中心", "物业管理办公室", "街道城市管理办公室"]
EXPERTISE = ["物业管理", "房屋安全", "设施设备", "消防安全", "环境卫生", "园林绿化", "电梯安全", "财务审计"]
OBJECTION_TEXTS = [
    "该问题已于检查次日整改完毕，现场照片及维修记录已上传，请求复核。",
    "所涉小区当月已移交新物业企业，相关投诉不应计入本企业。",
    "事实认定有误：停水系市政管网抢修所致，非本企业断供。",
]
WITHDRAW_REASONS = ["经复核，事实依据不足，予以撤销。", "重复录入，予以撤销。", "异议成立，予以撤销。"]
DEFECT_NOTES = ["现场抽查未达标", "记录缺失", "部分区域未落实", "设施损坏未及时维修", "台账不完整"]
COMMENTS = ["希望加强夜间巡逻。", "保洁比以前好多了。", "电梯维修太慢。", "车辆乱停问题希望管一管。", "物业服务态度很好。",
            "绿化需要及时修剪。", "收费项目希望公示得更清楚。", ""]
# Hand-recorded items: code → yearly rate for the best company (good items) or the worst (bad items).
GOOD_HAND = {"BZ01": 0.12, "BZ02": 0.3, "BZ03": 0.08, "BZ04": 0.25}
BAD_HAND = {"GS01": 0.35, "GS02": 0.45, "SF01": 0.3, "WG01": 0.12, "WG02": 0.15, "WG03": 0.08, "WG04": 0.06}
HAND_TEXTS = {
    "BZ01": "受到市住房保障房产局通报表扬（物业服务提升三年行动）",
    "BZ02": "受到区住房和城乡建设局通报表扬",
    "BZ03": "获评省级物业服务示范项目",
    "BZ04": "在防汛抢险中组织人员转移群众、排除积水，表现突出",
    "GS01": "未按规定在小区公示栏及平台公示上年度公共收益收支情况",
    "GS02": "擅自提高停车服务费标准且未公示",
    "SF01": "物业服务合同纠纷案件经法院判决承担主要责任",
    "WG01": "以停水方式催缴物业费，经核实属实",
    "WG02": "拒不配合街道组织的消防安全检查",
    "WG03": "小区外墙脱落砸伤行人，经调查负主要责任",
    "WG04": "申报星级评定时提供虚假维修记录",
    "FJ01": "挪用小区公共收益用于企业经营，经审计认定",
    "FJ02": "物业服务合同终止后拒不退出小区、拒不移交资料",
}


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; the means here are small)."""
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit and k < 50:
        k += 1
        p *= rng.random()
    return k


@dataclass
class DemoSupervision:
    counts: dict[str, int] = field(default_factory=dict)
    credit: dict = field(default_factory=dict)
    grades: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    now: datetime | None = None


class SupervisionBuilder:
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
        from wuye.cases.metrics import Weights, figures_for
        from wuye.cases.models import UnitKind, UnitMonthStat

        start = self.today.replace(day=1) - timedelta(days=366)
        return figures_for(UnitMonthStat.objects.filter(unit_kind=UnitKind.COMPANY, month__gte=start).order_by("month", "unit_id"),
                           Weights.current())

    def deadline(self, issued: datetime) -> datetime:
        day = issued.date()
        due = self._deadlines.get(day)
        if due is None:
            due = self._deadlines[day] = add_period(self.at(day, 17, 0), self.ss.rectify_workdays, PeriodUnit.WORKING_DAYS)
        return due

    # -- inspectors -----------------------------------------------------------------------------

    def build_inspectors(self) -> None:
        rng = self.rng("inspectors")
        people = People(rng)
        w = self.writer
        password = make_password("Wuye@2026")
        users: list[User] = []
        taken = set(User.objects.filter(username__startswith="jc").values_list("username", flat=True))
        plan: list[tuple[User, int | None]] = []
        for d in [{"id": None, "code": "city", "name": N.CITY_NAME}, *self.districts]:
            n = self.p.city_inspectors if d["id"] is None else self.p.district_inspectors
            for i in range(1, n + 1):
                username = f"jc{d['code']}{i:02d}"
                if username in taken:
                    continue
                u = User(username=username, role=Role.CITY if d["id"] is None else Role.DISTRICT,
                         district_id=d["id"], full_name=people.name(born_from=1966, born_to=1996),
                         phone=ids.mobile(rng), password=password, password_changed_at=self.now, date_joined=self.now,
                         is_active=True)
                users.append(u)
                plan.append((u, d["id"]))
        User.objects.bulk_create(users, batch_size=1000)
        if connection.vendor != "postgresql" or any(u.pk is None for u in users):
            by_name = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "id"))
            for u in users:
                u.pk = u.id = by_name[u.username]
        existing = set(Inspector.objects.values_list("user_id", flat=True))
        rows = w.table(Inspector, ["id", "user_id", "district_id", "organisation", "expertise", "active", "created_at", "updated_at"])
        self.pool: dict[int | None, list[int]] = defaultdict(list)
        self.inspector_user: dict[int, int] = {}
        district_name = {d["id"]: d["name"] for d in self.districts}
        for login in ("district", "street"):
            u = self.logins.get(login)
            if u is None or u.pk in existing:
                continue
            did = u.district_id if login == "district" else self.street_district.get(u.street_id)
            plan.append((u, did))
        for u, did in plan:
            if u.pk in existing:
                continue
            iid = w.next_id(Inspector)
            org = (district_name.get(did, N.CITY_NAME + "住房保障房产局") if did else N.CITY_NAME + "住房保障房产局") \
                + ("" if did is None else rng.choice(ORGANISATIONS))
            rows.append((iid, u.pk, did, org[:100], rng.choice(EXPERTISE), True, self.ts, self.ts))
            self.pool[did].append(iid)
            self.inspector_user[iid] = u.pk
        for iid, uid, did in Inspector.objects.values_list("id", "user_id", "district_id"):
            if iid not in self.inspector_user:
                self.pool[did].append(iid)
                self.inspector_user[iid] = uid
        # One declared conflict per district: an inspector who used to work for a company there.
        conflicts = w.table(InspectorConflict, ["id", "inspector_id", "company_id", "estate_id", "reason", "created_at", "updated_at"])
        self.conflicts: dict[int, set[int]] = defaultdict(set)  # inspector → blocked estate ids
        by_district = defaultdict(list)
        for e in self.estates:
            if e["company_id"]:
                by_district[e["district_id"]].append(e)
        for d in self.districts:
            pool = sorted(self.pool.get(d["id"], []))
            estates = by_district.get(d["id"])
            if len(pool) < 3 or not estates:
                continue
            iid = rng.choice(pool)
            company = rng.choice(estates)["company_id"]
            conflicts.append((w.next_id(InspectorConflict), iid, company, None, "曾在该企业任职（三年内）", self.ts, self.ts))
            self.conflicts[iid].update(e["id"] for e in estates if e["company_id"] == company)
        w.flush()
        self.stage(f"检查人员库：{sum(len(v) for v in self.pool.values())} 人（新建账号 {len(users)} 个），回避关系 {len(conflicts) or len(self.conflicts)} 条")

    # -- plans, draws, inspections, orders ---------------------------------------------------------

    def months(self) -> list[date]:
        first = self.today.replace(day=1)
        out = []
        for i in range(11, -1, -1):
            y, m = first.year, first.month - i
            while m <= 0:
                y, m = y - 1, m + 12
            out.append(date(y, m, 1))
        return out

    def build_inspections(self) -> None:
        rng = self.rng("inspections")
        w = self.writer
        self.plans = w.table(InspectionPlan, [
            "id", "name", "kind", "status", "district_id", "street_id", "standard_id", "start_date", "end_date",
            "estate_count", "inspector_count", "complaint_id", "description", "created_by_id", "created_at", "updated_at"])
        self.plan_targets = w.table(InspectionPlan.target_estates.through, ["id", "inspectionplan_id", "estate_id"])
        self.draws = w.table(Draw, [
            "id", "plan_id", "seed", "algorithm", "estate_candidates", "inspector_candidates", "conflicts", "result",
            "drawn_at", "drawn_by_id", "published_at"])
        self.inspections = w.table(Inspection, [
            "id", "plan_id", "estate_id", "company_id", "district_id", "street_id", "community_id", "standard_id",
            "status", "version", "scheduled_on", "inspected_on", "submitted_at", "submitted_by_id", "concluded_at",
            "total_score", "max_score", "defect_count", "summary", "published", "created_at", "updated_at"])
        self.inspection_inspectors = w.table(Inspection.inspectors.through, ["id", "inspection_id", "inspector_id"])
        self.scores = w.table(InspectionScore, ["id", "inspection_id", "item_id", "deduction", "score", "not_applicable",
                                                "is_defect", "note"])
        self.orders = w.table(RectificationOrder, [
            "id", "number", "inspection_id", "item_id", "estate_id", "company_id", "district_id", "street_id", "defect",
            "requirement", "status", "version", "deadline", "issued_by_id", "submitted_at", "closed_at",
            "reinspected_by_id", "reopen_count", "overdue_at", "created_at", "updated_at"])
        self.order_events = w.table(OrderEvent, ["id", "order_id", "actor_id", "action", "from_status", "to_status", "note", "created_at"])
        self.order_numbers: Counter = Counter()
        self.inspection_status: Counter = Counter()
        # Results other stages use.
        self.inspection_results: list[dict] = []  # submitted inspections: id, estate, company, district, day, score, concluded
        self.latest_inspection: dict[int, dict] = {}
        self.overdue_orders: list[dict] = []
        city_user = self.logins.get("city")
        self.city_user_id = city_user.pk if city_user else None
        by_district = defaultdict(list)
        for e in self.estates:
            if e["company_id"]:
                by_district[e["district_id"]].append(e)
        months = self.months()
        for d in self.districts:
            estates = by_district.get(d["id"], [])
            pool = sorted(self.pool.get(d["id"], []))
            if not estates or not pool:
                continue
            rate = rng.uniform(*self.p.coverage)
            official = self.inspector_user[pool[0]]
            candidates = [[e["id"], self.ss.blacklist_weight if e["company_id"] in self.veto_companies else 1] for e in estates]
            conflicts = {str(i): sorted(self.conflicts[i] & {e["id"] for e in estates}) for i in pool if self.conflicts.get(i)}
            for month in months:
                n = max(1, min(len(estates), round(len(estates) * rate / 12 + rng.uniform(-0.5, 0.5))))
                m = min(len(pool), max(2, (n * self.ss.inspectors_per_estate + 3) // 4))
                self.plan(d, month, official, estates, candidates, conflicts, n, m, pool, rng)
        self.featured_check(rng)
        w.flush()
        by_status = self.inspection_status
        self.stage(
            f"检查计划 {len(self.plans) or self.writer.counts[InspectionPlan]} 个，检查 {self.writer.counts[Inspection]:,} 次"
            f"（{'，'.join(f'{Inspection.Status(k).label} {v}' for k, v in sorted(by_status.items()))}），"
            f"评分 {self.writer.counts[InspectionScore]:,} 条，整改通知 {self.writer.counts[RectificationOrder]:,} 份")

    def plan(self, d, month: date, official: int, estates, candidates, conflicts, n, m, pool, rng, *,
             kind=InspectionPlan.Kind.ROUTINE, targeted=False, name=None, description="") -> None:
        w = self.writer
        end = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        current = month.year == self.today.year and month.month == self.today.month
        pid = w.next_id(InspectionPlan)
        seed = f"{self.seed:04d}{d['code']}{month:%Y%m}{pid:06d}"
        result = drawing.run(seed=seed, estate_candidates=candidates, inspector_candidates=pool, conflicts=conflicts,
                             estate_count=n, inspector_count=m, per_estate=self.ss.inspectors_per_estate, targeted=targeted)
        stored = result.as_json()
        stored["params"] = {"estate_count": n, "inspector_count": m, "per_estate": self.ss.inspectors_per_estate,
                            "targeted": targeted}
        drawn_at = self.at(month, 9, 30) if not targeted else self.at(month, 10, 0)
        if drawn_at > self.now:
            drawn_at = self.now - timedelta(hours=1)
        pending = 0
        for estate_id in result.estates:
            e = self.estate_by_id[estate_id]
            last_day = min(end, self.today + timedelta(days=12))
            day = month + timedelta(days=rng.randrange(max(1, (last_day - month).days + 1)))
            if targeted:
                day = max(month, self.today - timedelta(days=3))
            inspectors = result.assignments.get(estate_id, [])
            done = day < self.today or (day == self.today and self.now.hour >= 17)
            self.inspection(pid, e, day, done, inspectors, rng)
            pending += not done
        if current:
            status = InspectionPlan.Status.IN_PROGRESS if pending else InspectionPlan.Status.DONE
        else:
            status = InspectionPlan.Status.DONE
        name = name or f"{d['name']}{month.year}年{month.month}月物业服务双随机检查"
        created = drawn_at - timedelta(days=2)
        self.plans.append((pid, name[:100], kind, status, d["id"], None, self.standard.pk, month.isoformat(), end.isoformat(),
                           n, m, None, description or "按现行服务标准逐项检查，检查结果向社会公开。", official,
                           timestamp(created), self.t(drawn_at)))
        self.draws.append((w.next_id(Draw), pid, seed, drawing.ALGORITHM, json.dumps(candidates),
                           json.dumps(pool), json.dumps(conflicts), json.dumps(stored), self.t(drawn_at), official,
                           self.t(drawn_at + timedelta(hours=1))))
        if targeted:
            for estate_id in result.estates:
                self.plan_targets.append((w.next_id(InspectionPlan.target_estates.through), pid, estate_id))
        self.writer.flush_if_full()

    def featured_check(self, rng) -> None:
        """A complaint-triggered check of the featured estate this week, with an open order."""
        e = self.featured_estate
        if not e["company_id"]:
            return
        d = next(x for x in self.districts if x["id"] == e["district_id"])
        pool = sorted(self.pool.get(d["id"], []))
        if not pool:
            return
        self.featured_force = True
        self.plan(d, self.today.replace(day=1), self.inspector_user[pool[0]], [e], [[e["id"], 1]], {}, 1, min(2, len(pool)),
                  pool, rng, kind=InspectionPlan.Kind.COMPLAINT, targeted=True,
                  name=f"{e['name']}群众投诉核查", description="针对近期集中反映的保洁、电梯问题开展现场核查。")
        self.featured_force = False

    def inspection(self, plan_id: int, e: dict, day: date, done: bool, inspectors: list[int], rng) -> None:
        w = self.writer
        iid = w.next_id(Inspection)
        q = self.estate_quality[e["id"]]
        created = self.at(day, 8) - timedelta(days=3)
        for i in inspectors:
            self.inspection_inspectors.append((w.next_id(Inspection.inspectors.through), iid, i))
        if not done:
            self.inspections.append((iid, plan_id, e["id"], e["company_id"], e["district_id"], e["street_id"],
                                     e["community_id"], self.standard.pk, Inspection.Status.ASSIGNED, 0, day.isoformat(),
                                     None, None, None, None, None, None, 0, "", False, timestamp(created), timestamp(created)))
            self.inspection_status[Inspection.Status.ASSIGNED] += 1
            return
        submitter = self.inspector_user[inspectors[0]] if inspectors else self.city_user_id
        submitted = self.at(day, rng.randint(14, 17), rng.randrange(60))
        p = 0.6 * (1 - q) + 0.05
        total = ZERO
        max_total = ZERO
        defects = []
        for item in self.items:
            mx = item["max_points"]
            max_total += mx
            deduction = ZERO
            if rng.random() < p:
                steps = int(mx / HALF)
                deduction = HALF * max(1, round(steps * rng.uniform(0.3, 1.0)))
            score = mx - deduction
            total += score
            defect = deduction > 0 and deduction * 2 >= mx
            note = f"{rng.choice(DEFECT_NOTES)}，扣 {deduction} 分" if deduction else ""
            self.scores.append((w.next_id(InspectionScore), iid, item["id"], str(deduction), str(score), False, defect, note))
            if defect:
                defects.append((deduction / mx, item))
        defects.sort(key=lambda x: (-x[0], x[1]["id"]))
        orders = defects[:2]
        if getattr(self, "featured_force", False) and not orders:
            orders = [(Decimal("1"), self.items[0])]
        open_left = False
        last_close = None
        company_q = self.quality.get(e["company_id"], 0.5)
        for _ratio, item in orders:
            closed, closed_at = self.order(iid, e, item, submitted, submitter, company_q, rng)
            open_left |= not closed
            if closed_at and (last_close is None or closed_at > last_close):
                last_close = closed_at
        if open_left:
            status, concluded = Inspection.Status.RECTIFYING, None
        elif orders:
            status, concluded = Inspection.Status.CONCLUDED, last_close
        elif (self.now - submitted).days >= 5:
            status, concluded = Inspection.Status.CONCLUDED, submitted + timedelta(days=2)
        else:
            status, concluded = Inspection.Status.SUBMITTED, None
        summary = (f"共检查 {len(self.items)} 项，得分 {total} 分，发现问题 {len(defects)} 处"
                   + (f"，下达整改通知 {len(orders)} 份。" if orders else "，未发现需整改的问题。"))
        updated = concluded or submitted
        self.inspection_status[status] += 1
        self.inspections.append((iid, plan_id, e["id"], e["company_id"], e["district_id"], e["street_id"], e["community_id"],
                                 self.standard.pk, status, 2 if concluded else 1, day.isoformat(), day.isoformat(),
                                 timestamp(submitted), submitter, self.t(concluded), str(total), str(max_total),
                                 len(defects), summary, True, timestamp(created), timestamp(updated)))
        result = {"id": iid, "estate": e["id"], "company": e["company_id"], "district": e["district_id"], "day": day,
                  "score": total, "concluded": concluded, "repaired": bool(orders) and concluded is not None}
        self.inspection_results.append(result)
        prev = self.latest_inspection.get(e["id"])
        if prev is None or prev["day"] <= day:
            self.latest_inspection[e["id"]] = result

    def order(self, inspection_id: int, e: dict, item: dict, issued: datetime, issuer: int, q: float, rng):
        w = self.writer
        oid = w.next_id(RectificationOrder)
        prefix = f"ZG{issued:%Y%m}"
        self.order_numbers[prefix] += 1
        number = f"{prefix}{self.order_numbers[prefix]:04d}"
        deadline = self.deadline(issued)
        events = [("issue", issuer, "", RectificationOrder.Status.OPEN, f"{item['text'][:60]}未达标", issued)]
        submitted_at = closed_at = overdue_at = reinspector = None
        status = RectificationOrder.Status.OPEN
        span = max(1, int((deadline - issued).total_seconds() // 3600))
        if deadline < self.now:
            if rng.random() < 0.9 + 0.09 * q:
                late = rng.random() < 0.12 * (1.2 - q)
                submitted_at = issued + timedelta(hours=rng.randrange(24, span)) if not late else \
                    deadline + timedelta(days=rng.randint(1, 6), hours=rng.randint(1, 8))
                closed_at = submitted_at + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 6))
                if late:
                    overdue_at = deadline + timedelta(minutes=5)
                if closed_at > self.now or (overdue_at and overdue_at > self.now):
                    closed_at = None
                status = RectificationOrder.Status.CLOSED if closed_at else RectificationOrder.Status.SUBMITTED
            else:
                overdue_at = deadline + timedelta(minutes=5)
                if rng.random() < 0.3:
                    submitted_at = min(self.now - timedelta(hours=2), deadline + timedelta(days=rng.randint(1, 5)))
                    status = RectificationOrder.Status.SUBMITTED
        else:
            if rng.random() < 0.4:
                submitted_at = issued + timedelta(hours=rng.randrange(12, max(13, int((self.now - issued).total_seconds() // 3600) + 13)))
                if submitted_at < self.now:
                    status = RectificationOrder.Status.SUBMITTED
                else:
                    submitted_at = None
        if overdue_at and overdue_at <= self.now:
            events.append(("overdue", None, RectificationOrder.Status.OPEN, RectificationOrder.Status.OPEN, "整改逾期未完成", overdue_at))
            self.overdue_orders.append({"id": oid, "estate": e["id"], "company": e["company_id"], "district": e["district_id"],
                                        "day": overdue_at.date(), "number": number, "closed_at": closed_at})
        else:
            overdue_at = None
        if submitted_at:
            events.append(("submit", None, RectificationOrder.Status.OPEN, RectificationOrder.Status.SUBMITTED,
                           "已整改，上传整改前后照片", submitted_at))
        if closed_at:
            reinspector = issuer
            events.append(("close", issuer, RectificationOrder.Status.SUBMITTED, RectificationOrder.Status.CLOSED,
                           "回头看：已整改到位，予以销号", closed_at))
        events.sort(key=lambda ev: ev[5])
        updated = events[-1][5]
        self.orders.append((oid, number, inspection_id, item["id"], e["id"], e["company_id"], e["district_id"], e["street_id"],
                            f"{item['code']} {item['text']}"[:500], f"按“{item['code']}”的要求整改到位，并上传整改前后照片。"[:500],
                            status, len(events) - 1, timestamp(deadline), issuer, self.t(submitted_at), self.t(closed_at),
                            reinspector, 0, self.t(overdue_at), timestamp(issued), timestamp(updated)))
        for action, actor, frm, to, note, at in events:
            self.order_events.append((w.next_id(OrderEvent), oid, actor, action, frm, to, note, timestamp(at)))
        return closed_at is not None, closed_at

    # -- surveys ----------------------------------------------------------------------------------

    def build_surveys(self) -> None:
        rng = self.rng("surveys")
        w = self.writer
        if not self.questions:
            self.surveys_by_estate = {}
            self.stage("满意度测评：没有默认问卷，跳过")
            return
        surveys = w.table(Survey, ["id", "template_id", "estate_id", "company_id", "title", "status", "opens_at", "closes_at",
                                   "unit_count", "response_count", "satisfied_answers", "answer_count", "created_by_id",
                                   "created_at", "updated_at"])
        responses = w.table(SurveyResponse, ["id", "survey_id", "unit_id", "owner_id", "comment", "created_at"])
        answers = w.table(SurveyAnswer, ["id", "response_id", "question_id", "score"])
        served = [e for e in self.estates if e["company_id"]]
        # Better estates are likelier to run a survey (they apply for stars).
        served.sort(key=lambda e: (-self.estate_quality[e["id"]], e["id"]))
        pick = served[: max(self.p.surveys * 3, 3)]
        rng.shuffle(pick)
        chosen = sorted(pick[: self.p.surveys], key=lambda e: e["id"])
        if self.featured_estate["company_id"] and self.featured_estate not in chosen:
            chosen.append(self.featured_estate)
        units = defaultdict(list)
        for unit_id, owner_id, estate_id in (Ownership.objects.filter(estate_id__in=[e["id"] for e in chosen])
                                             .order_by("unit_id", "id").values_list("unit_id", "owner_id", "estate_id")):
            if not units[estate_id] or units[estate_id][-1][0] != unit_id:
                units[estate_id].append((unit_id, owner_id))
        unit_counts = Counter(Unit.objects.filter(estate_id__in=[e["id"] for e in chosen]).values_list("estate_id", flat=True))
        self.surveys_by_estate: dict[int, dict] = {}
        official = {d["id"]: self.inspector_user[sorted(self.pool[d["id"]])[0]] for d in self.districts if self.pool.get(d["id"])}
        for n, e in enumerate(chosen):
            members = units.get(e["id"], [])
            if not members:
                continue
            sid = w.next_id(Survey)
            q = self.estate_quality[e["id"]]
            recent = n == len(chosen) - 1
            opens = self.now - timedelta(days=rng.randint(5, 10) if recent else rng.randint(30, 330))
            closes = opens + timedelta(days=14)
            status = Survey.Status.OPEN if closes > self.now else Survey.Status.CLOSED
            rate = rng.uniform(0.25, 0.65)
            sample = sorted(rng.sample(members, max(1, int(len(members) * rate))))
            if status == Survey.Status.OPEN:
                sample = sample[: max(1, len(sample) // 2)]
            satisfied = total = 0
            weights = [0.02 + 0.1 * (1 - q), 0.03 + 0.15 * (1 - q), 0.1 + 0.2 * (1 - q), 0.35, 0.2 + 0.6 * q]
            for unit_id, owner_id in sample:
                rid = w.next_id(SurveyResponse)
                at = opens + timedelta(minutes=rng.randrange(max(1, int((min(closes, self.now) - opens).total_seconds() // 60))))
                responses.append((rid, sid, unit_id, owner_id, rng.choice(COMMENTS), timestamp(at)))
                for question in self.questions:
                    score = rng.choices((1, 2, 3, 4, 5), weights)[0]
                    answers.append((w.next_id(SurveyAnswer), rid, question, score))
                    total += 1
                    satisfied += score >= 4
                w.flush_if_full()
            title = f"{e['name']}{opens.year}年物业服务满意度测评"
            surveys.append((sid, self.template.pk, e["id"], e["company_id"], title[:100], status, timestamp(opens),
                            timestamp(closes), unit_counts.get(e["id"], len(members)), len(sample), satisfied, total,
                            official.get(e["district_id"], self.city_user_id), timestamp(opens - timedelta(days=1)),
                            timestamp(min(closes, self.now))))
            self.surveys_by_estate[e["id"]] = {"id": sid, "satisfaction": (Decimal(satisfied * 100) / total).quantize(Decimal("0.01"))
                                               if total else None, "closed": status == Survey.Status.CLOSED, "closes": closes}
        w.flush()
        self.stage(f"满意度测评：{len(surveys) or self.writer.counts[Survey]} 次，答卷 {self.writer.counts[SurveyResponse]:,} 份，"
                   f"回答 {self.writer.counts[SurveyAnswer]:,} 条")

    # -- star ratings -----------------------------------------------------------------------------

    def build_stars(self) -> None:
        rng = self.rng("stars")
        w = self.writer
        apps = w.table(StarApplication, [
            "id", "company_id", "estate_id", "district_id", "target_level", "status", "version", "statement", "gate_results",
            "inspection_id", "survey_id", "inspection_score", "satisfaction", "combined_score", "awarded_level",
            "notice_start", "notice_end", "decided_at", "decided_by_id", "decision_note", "submitted_by_id",
            "created_at", "updated_at"])
        app_events = w.table(StarApplicationEvent, ["id", "application_id", "actor_id", "action", "from_status", "to_status",
                                                    "note", "created_at"])
        ratings = w.table(StarRating, ["id", "estate_id", "company_id", "district_id", "application_id", "level", "status",
                                       "valid_from", "valid_until", "ended_at", "end_reason", "previous_id", "created_at",
                                       "updated_at"])
        company_user = self.logins.get("company")
        submitter_default = company_user.pk if company_user else self.city_user_id
        decider = self.city_user_id
        year_ago = add_years(self.today, -1)
        eligible = [e for e in self.estates if e["company_id"] and e["company_id"] not in self.veto_companies
                    and (self.contract_start.get(e["id"]) or self.today) <= year_ago]
        eligible.sort(key=lambda e: (-self.estate_quality[e["id"]], e["id"]))
        n = max(4, round(len(eligible) * self.p.star_share))
        pool = eligible[: n * 3]
        chosen = sorted(rng.sample(pool, min(n, len(pool))), key=lambda e: e["id"])
        featured = self.featured_estate
        if featured["company_id"] and featured["id"] not in {e["id"] for e in chosen} and featured in eligible:
            chosen.append(featured)
        self.star_ratings: list[dict] = []
        levels = Counter()
        for k, e in enumerate(chosen):
            q = self.estate_quality[e["id"]]
            aid = w.next_id(StarApplication)
            insp = self.latest_inspection.get(e["id"])
            survey = self.surveys_by_estate.get(e["id"])
            if survey and not survey["closed"]:
                survey = None
            inspection_score = insp["score"] if insp else (Decimal(round(70 + 28 * q, 1))).quantize(Decimal("0.1"))
            satisfaction = survey["satisfaction"] if survey and survey["satisfaction"] is not None else \
                Decimal(str(round(60 + 38 * q + rng.uniform(-3, 3), 2)))
            satisfaction = min(Decimal("100"), satisfaction)
            combined = (inspection_score * self.ss.weight_inspection + satisfaction * self.ss.weight_survey) / 100
            combined = combined.quantize(Decimal("0.01"))
            awarded = self.ss.star_for(combined)
            target = min(5, max(1, awarded + (1 if rng.random() < 0.3 else 0))) if awarded else rng.randint(2, 4)
            decided = self.now - timedelta(days=rng.randint(20, 340))
            submitted = decided - timedelta(days=rng.randint(30, 50))
            gate = [{"check": "service_years", "ok": True, "text": "服务该小区满 1 年"},
                    {"check": "grade", "ok": True, "text": "企业信用等级不低于 B"},
                    {"check": "complaints", "ok": True, "text": "无未办结的挂牌督办诉求"}]
            roll = rng.random()
            if e is featured or (k % 9 == 4):
                status = StarApplication.Status.NOTICE
            elif roll < 0.06:
                status = StarApplication.Status.GATE_FAILED
            elif roll < 0.12 or not awarded:
                status = StarApplication.Status.REJECTED
            elif roll < 0.16:
                status = StarApplication.Status.EVALUATING
            else:
                status = StarApplication.Status.EFFECTIVE
            notice_start = notice_end = decided_at = None
            steps = [("apply", submitter_default, "", StarApplication.Status.SUBMITTED, "提交星级申报", submitted)]
            if status == StarApplication.Status.GATE_FAILED:
                gate[2] = {"check": "complaints", "ok": False, "text": "存在未办结的挂牌督办诉求"}
                steps.append(("gate", None, StarApplication.Status.SUBMITTED, status, "申报条件审查未通过", submitted + timedelta(minutes=1)))
                awarded_level = None
                inspection_score = satisfaction = combined = None
            else:
                steps.append(("gate", None, StarApplication.Status.SUBMITTED, StarApplication.Status.EVALUATING, "申报条件审查通过",
                              submitted + timedelta(minutes=1)))
                awarded_level = awarded or None
                if status == StarApplication.Status.EVALUATING:
                    inspection_score = satisfaction = combined = awarded_level = None
                elif status == StarApplication.Status.NOTICE:
                    notice_start = self.now - timedelta(days=rng.randint(1, 4))
                    notice_end = add_period(notice_start, self.ss.notice_workdays, PeriodUnit.WORKING_DAYS)
                    submitted = notice_start - timedelta(days=35)
                    steps = [(a, u, f, t, note, submitted + (at - steps[0][5])) for a, u, f, t, note, at in steps]
                    steps.append(("publish", decider, StarApplication.Status.EVALUATING, status,
                                  f"评定为{awarded_level or 0}星级，公示 {self.ss.notice_workdays} 个工作日", notice_start))
                elif status == StarApplication.Status.REJECTED:
                    decided_at = decided
                    steps.append(("reject", decider, StarApplication.Status.EVALUATING, status,
                                  "综合得分未达到申报星级标准", decided))
                else:
                    notice_start = decided - timedelta(days=12)
                    notice_end = add_period(notice_start, self.ss.notice_workdays, PeriodUnit.WORKING_DAYS)
                    decided_at = notice_end + timedelta(minutes=5)
                    steps.append(("publish", decider, StarApplication.Status.EVALUATING, StarApplication.Status.NOTICE,
                                  f"评定为{awarded}星级，公示 {self.ss.notice_workdays} 个工作日", notice_start))
                    steps.append(("effective", None, StarApplication.Status.NOTICE, status, "公示期满无异议，评定结果生效",
                                  decided_at))
            note = "" if status in (StarApplication.Status.SUBMITTED, StarApplication.Status.EVALUATING) else steps[-1][4]
            apps.append((aid, e["company_id"], e["id"], e["district_id"], target, status, len(steps) - 1,
                         "小区服务满一年，现申报星级评定。", json.dumps(gate, ensure_ascii=False),
                         insp["id"] if insp and combined is not None else None,
                         survey["id"] if survey and combined is not None else None,
                         None if inspection_score is None else str(inspection_score),
                         None if satisfaction is None else str(satisfaction), None if combined is None else str(combined),
                         awarded_level, self.t(notice_start), self.t(notice_end), self.t(decided_at),
                         decider if decided_at else None, note, submitter_default, timestamp(submitted),
                         timestamp(steps[-1][5])))
            for action, actor, frm, to, text, at in steps:
                app_events.append((w.next_id(StarApplicationEvent), aid, actor, action, frm, to, text, timestamp(at)))
            if status == StarApplication.Status.EFFECTIVE:
                rid = w.next_id(StarRating)
                start = decided_at.date()
                until = add_years(start, self.ss.rating_valid_years)
                ratings.append((rid, e["id"], e["company_id"], e["district_id"], aid, awarded, StarRating.Status.ACTIVE,
                                start.isoformat(), until.isoformat(), None, "", None, timestamp(decided_at), timestamp(decided_at)))
                levels[awarded] += 1
                self.star_ratings.append({"id": rid, "estate": e["id"], "company": e["company_id"], "district": e["district_id"],
                                          "level": awarded, "day": start, "at": decided_at})
        w.flush()
        self.stage(f"星级申报 {len(chosen)} 个，有效星级 {sum(levels.values())} 个（"
                   + "，".join(f"{k} 星 {v}" for k, v in sorted(levels.items())) + "）")

    # -- credit -----------------------------------------------------------------------------------

    def build_credit(self) -> None:
        rng = self.rng("credit")
        w = self.writer
        self.events = w.table(CreditEvent, [
            "id", "company_id", "manager_id", "estate_id", "district_id", "rule_id", "klass", "points", "status", "version",
            "source", "source_key", "source_url", "description", "evidence", "occurred_on", "valid_from", "valid_until",
            "notice_start", "notice_end", "confirmed_at", "repaired_at", "repair_reason", "withdrawn_reason",
            "recorded_by_id", "reviewed_by_id", "created_at", "updated_at"])
        self.logs = w.table(CreditEventLog, ["id", "event_id", "actor_id", "action", "from_status", "to_status", "note", "created_at"])
        self.objections = w.table(CreditObjection, [
            "id", "event_id", "submitted_by_id", "reason", "evidence", "status", "decision_reason", "decided_by_id",
            "decided_at", "created_at", "updated_at"])
        self.klass_counts = Counter()
        company_district = {}
        for e in self.estates:
            if e["company_id"]:
                company_district.setdefault(e["company_id"], e["district_id"])
        self.company_district = company_district
        start = self.today - timedelta(days=int(self.p.history_months * 30.4))
        company_user = self.logins.get("company")
        featured_company = self.featured_estate["company_id"]
        # Automatic items from what the platform recorded.
        for r in self.inspection_results:
            if not r["company"]:
                continue
            code = "XC01" if r["score"] < 70 else "XC02" if r["score"] >= 95 else None
            if code:
                repaired = r["concluded"] if code == "XC01" and r["repaired"] else None
                self.event(code, r["company"], r["day"], f"监督检查得分 {r['score']} 分", rng, key=f"inspection:{r['id']}",
                           estate=r["estate"], district=r["district"], url=f"/supervision/inspections/{r['id']}/",
                           repaired_at=repaired, repair_reason="检查发现的问题已全部整改并经复查销号" if repaired else "")
        for o in self.overdue_orders:
            self.event("XC03", o["company"], o["day"], f"整改通知 {o['number']} 逾期未完成整改", rng,
                       key=f"order-overdue:{o['id']}", estate=o["estate"], district=o["district"],
                       url=f"/supervision/orders/{o['id']}/")
        for s in self.star_ratings:
            code = {4: "XJ04", 5: "XJ05"}.get(s["level"])
            if code:
                self.event(code, s["company"], s["day"], f"所服务小区获评{s['level']}星级", rng, key=f"star:{s['id']}",
                           estate=s["estate"], district=s["district"])
        self.metrics_events(rng, start)
        # Standing and hand-recorded items, company by company.
        for c in self.companies:
            cid = c["id"]
            q = self.quality[cid]
            district = company_district.get(cid)
            filed = c["filing_status"] == PropertyCompany.FilingStatus.FILED
            if filed:
                filed_on = self.today - timedelta(days=rng.randint(400, 2500))
                self.event("JC01", cid, filed_on, "企业已在平台完成备案", rng, key=f"filing:{cid}", district=district)
                for code, p_have in (("JC02", 0.85 + 0.14 * q), ("JC03", 0.8 + 0.18 * q), ("JC04", 0.6 + 0.35 * q)):
                    for year_back in range(self.p.history_months // 12):
                        if rng.random() < p_have + 0.04 * (year_back == 0):
                            day = self.today - timedelta(days=365 * year_back + rng.randint(10, 330))
                            self.event(code, cid, day, f"{self.rules[code].name if code in self.rules else code}（年度核验）",
                                       rng, district=district, manual=True)
            else:
                continue  # not filed: no credit record (unrated, see ``wuye.credit.scoring``)
            for code, rate in GOOD_HAND.items():
                self.hand(code, cid, rate * q ** 3 * self.p.credit_intensity, start, district, rng)
            for code, rate in BAD_HAND.items():
                self.hand(code, cid, rate * (1 - q) ** 1.5 * self.p.credit_intensity, start, district, rng)
            if cid in self.veto_companies:
                code = "FJ01" if cid % 2 else "FJ02"
                day = self.today - timedelta(days=rng.randint(30, 200))
                self.event(code, cid, day, HAND_TEXTS[code], rng, district=district, manual=True)
            w.flush_if_full()
        if company_user and featured_company:
            self.featured_credit(featured_company, company_user.pk, company_district.get(featured_company), rng)
        self.manager_events(rng)
        w.flush()
        self.stage(f"信用信息：{self.writer.counts[CreditEvent]:,} 条（"
                   + "，".join(f"{CreditRule.Klass(k).label} {v:,}" for k, v in sorted(self.klass_counts.items()))
                   + f"），处理记录 {self.writer.counts[CreditEventLog]:,} 条，异议 {self.writer.counts[CreditObjection]} 件")

    def metrics_events(self, rng, start: date) -> None:
        """Monthly complaint results: from the complaint rollups where the city has them, else from
        each company's quality (the months before the complaints began)."""
        seen: set[tuple[int, date]] = set()
        company_ids = {c["id"] for c in self.companies}
        for f in self.figures:
            if f.unit_id not in company_ids or f.month is None:
                continue
            seen.add((f.unit_id, f.month))
            month_end = (f.month.replace(day=28) + timedelta(days=4)).replace(day=1)
            if month_end > self.today:
                continue  # the month is not over: the feed records it next month
            # The thresholds of ``wuye.credit.metrics_feed``: excellent ≥ 95 with ≥ 5 dispatched, failing < 60.
            if f.composite is not None and f.composite >= 95 and f.counts["assigned"] >= 5:
                code = "TS01"
            elif f.composite is not None and f.composite < 60:
                code = "TS02"
            else:
                continue
            self.event(code, f.unit_id, month_end - timedelta(days=1),
                       f"{f.month.year}年{f.month.month}月接诉即办考核综合得分 {f.composite}", rng,
                       key=f"metrics:{f.month:%Y-%m}:company:{f.unit_id}",
                       district=f.district_id or self.company_district.get(f.unit_id),
                       url=f"/complaints/metrics/?month={f.month:%Y-%m}")
        serving = {e["company_id"] for e in self.estates if e["company_id"]}
        month = start.replace(day=1)
        months = []
        while month < self.today.replace(day=1):
            months.append(month)
            month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        for c in self.companies:
            cid = c["id"]
            if cid not in serving:
                continue
            q = self.quality[cid]
            for month in months:
                if (cid, month) in seen:
                    continue
                month_end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
                r = rng.random()
                if r < 0.45 * q ** 4:
                    code, score = "TS01", rng.uniform(95, 99)
                elif r > 1 - 0.35 * (1 - q) ** 2:
                    code, score = "TS02", rng.uniform(40, 60)
                else:
                    continue
                self.event(code, cid, month_end - timedelta(days=1), f"{month.year}年{month.month}月接诉即办考核综合得分 {score:.1f}",
                           rng, key=f"metrics:{month:%Y-%m}:company:{cid}", district=self.company_district.get(cid),
                           url=f"/complaints/metrics/?month={month:%Y-%m}")

    def hand(self, code: str, cid: int, yearly: float, start: date, district, rng) -> None:
        if code not in self.rules or yearly <= 0:
            return
        days = (self.today - start).days
        n = poisson(rng, yearly * days / 365)
        until_rectified = self.rules[code].validity_days is None
        for _i in range(n):
            day = start + timedelta(days=rng.randrange(days))
            repaired = None
            if until_rectified and (self.today - day).days > 90 and rng.random() < 0.9:
                # Items that last until rectified: most were rectified and repaired months later.
                repaired = self.at(day + timedelta(days=rng.randint(30, 80)), 11)
            self.event(code, cid, day, HAND_TEXTS[code], rng, district=district, manual=True, repaired_at=repaired,
                       repair_reason="已整改到位，经主管部门核实予以信用修复" if repaired else "")

    def event(self, code: str, cid: int, occurred: date, description: str, rng, *, key: str = "", estate=None,
              district=None, url: str = "", manual: bool = False, status: str | None = None, manager=None,
              repaired_at=None, repair_reason: str = "", objection: tuple | None = None) -> int | None:
        rule = self.rules.get(code)
        if rule is None or occurred > self.today or cid in self.unrated:
            return None
        w = self.writer
        eid = w.next_id(CreditEvent)
        recorded = self.at(occurred, 10) + timedelta(days=(rng.randint(1, 5) if manual else 0))
        if recorded > self.now:
            recorded = self.now - timedelta(hours=1)
        notice_start = recorded + (timedelta(days=rng.randint(1, 3)) if manual else timedelta(0))
        notice_end = notice_start + timedelta(days=7)
        actor = self.city_user_id if manual else None
        S = CreditEvent.Status
        if status is None:
            if notice_start > self.now:
                status = S.REVIEWED if manual else S.NOTICE
            elif notice_end > self.now:
                status = S.NOTICE
            elif manual and rng.random() < 0.015:
                status = S.WITHDRAWN
            else:
                status = S.CONFIRMED
        if status in (S.DRAFT, S.REVIEWED):
            notice_start = notice_end = None
        confirmed_at = notice_end + timedelta(minutes=10) if status == S.CONFIRMED else None
        if confirmed_at and confirmed_at > self.now:
            confirmed_at = self.now
        valid_until = None if rule.validity_days is None else occurred + timedelta(days=rule.validity_days)
        if repaired_at and (repaired_at > self.now or status != S.CONFIRMED):
            repaired_at = None
        withdrawn = rng.choice(WITHDRAW_REASONS) if status == S.WITHDRAWN else ""
        logs = []
        if manual:
            logs.append(("create", actor, "", S.DRAFT, description, recorded))
            logs.append(("review", actor, S.DRAFT, S.REVIEWED, "审核通过", recorded + timedelta(hours=2)))
            if notice_start:
                logs.append(("publish", actor, S.REVIEWED, S.NOTICE, "进入公示", notice_start))
        else:
            logs.append(("auto", None, "", S.NOTICE, description, notice_start))
        if status == S.CONFIRMED:
            logs.append(("confirm", None, S.NOTICE, S.CONFIRMED, "公示期满无异议，予以确认", confirmed_at))
        elif status == S.WITHDRAWN:
            logs.append(("withdraw", actor, S.NOTICE, S.WITHDRAWN, withdrawn, notice_end))
        elif status == S.OBJECTED:
            logs.append(("object", objection[0] if objection else None, S.NOTICE, S.OBJECTED, "企业提出异议",
                         notice_start + timedelta(days=1)))
        if repaired_at:
            logs.append(("repair", None, S.CONFIRMED, S.CONFIRMED, repair_reason, repaired_at))
        updated = max(at for *_x, at in logs)
        self.events.append((
            eid, cid, manager, estate, district, rule.pk, rule.klass, str(rule.points), status, len(logs) - 1,
            CreditEvent.Source.MANUAL if manual else CreditEvent.Source.AUTO, key, url, description[:1000],
            rule.evidence_required if manual else "", occurred.isoformat(), occurred.isoformat(),
            None if valid_until is None else valid_until.isoformat(), self.t(notice_start), self.t(notice_end),
            self.t(confirmed_at), self.t(repaired_at), repair_reason[:300], withdrawn, actor, actor if manual else None,
            timestamp(recorded), timestamp(updated)))
        for action, who, frm, to, note, at in logs:
            self.logs.append((w.next_id(CreditEventLog), eid, who, action, frm, to, note[:500], timestamp(at)))
        if objection:
            user_id, reason, state = objection
            decided = state != CreditObjection.Status.PENDING
            at = notice_start + timedelta(days=1)
            self.objections.append((w.next_id(CreditObjection), eid, user_id, reason, "整改照片及维修记录", state,
                                    "经核实，原认定事实清楚，异议不成立。" if decided else "", self.city_user_id if decided else None,
                                    timestamp(at + timedelta(days=3)) if decided else None, timestamp(at), timestamp(at)))
        self.klass_counts[rule.klass] += 1
        return eid

    def featured_credit(self, cid: int, user_id: int, district, rng) -> None:
        """The featured company (the ``company`` demo login): one item under objection, one whose
        objection was rejected, one in public notice — something to act on and to read."""
        S = CreditEvent.Status
        recent = self.today - timedelta(days=3)
        self.event("GS02", cid, recent, "停车服务费调整未按规定提前公示", rng, district=district, manual=True, status=S.OBJECTED,
                   objection=(user_id, OBJECTION_TEXTS[0], CreditObjection.Status.PENDING))
        self.event("SF01", cid, self.today - timedelta(days=120), HAND_TEXTS["SF01"], rng, district=district, manual=True,
                   status=S.CONFIRMED, objection=(user_id, OBJECTION_TEXTS[1], CreditObjection.Status.REJECTED))
        self.event("BZ04", cid, self.today - timedelta(days=2), HAND_TEXTS["BZ04"], rng, district=district, manual=True,
                   status=S.NOTICE)

    def manager_events(self, rng) -> None:
        """Project managers' personal items (late registration, missing training) for a few."""
        if "MG01" not in self.rules and "MG02" not in self.rules:
            self.managers = []
            return
        managers = list(Staff.objects.filter(role=Staff.Role.PROJECT_MANAGER, company__isnull=False)
                        .order_by("id").values_list("id", "company_id", "estate_id"))
        self.managers = []
        for mid, cid, estate in managers:
            q = self.quality.get(cid, 0.5)
            if rng.random() < 0.06 * (1.3 - q):
                code = "MG01" if rng.random() < 0.5 else "MG02"
                day = self.today - timedelta(days=rng.randint(20, 300))
                text = "到岗 30 日内未在平台登记" if code == "MG01" else "上年度培训学时不足"
                if self.event(code, cid, day, text, rng, manager=mid, estate=estate,
                              district=self.estate_by_id.get(estate, {}).get("district_id"), key=f"{code.lower()}:{mid}:{day.year}"):
                    self.managers.append(mid)

    # -- benchmarks, scores, exit cases -----------------------------------------------------------

    def build_benchmarks(self) -> None:
        rng = self.rng("benchmarks")
        w = self.writer
        rows = w.table(Benchmark, ["id", "kind", "estate_id", "company_id", "reason", "designated_on", "designated_by_id",
                                   "active", "revoked_on", "revoke_reason", "created_at", "updated_at"])
        if not self.city_user_id:
            self.benchmark_companies = set()
            return
        five = sorted((s for s in self.star_ratings if s["level"] >= 4), key=lambda s: (-s["level"], s["id"]))
        n_estates = max(1, len(five) // 4)
        for s in five[:n_estates]:
            day = s["day"] + timedelta(days=rng.randint(5, 30))
            day = min(day, self.today)
            rows.append((w.next_id(Benchmark), Benchmark.Kind.ESTATE, s["estate"], None,
                         f"获评{s['level']}星级，业主满意度高，各项服务达到标准要求。", day.isoformat(), self.city_user_id,
                         True, None, "", timestamp(self.at(day, 10)), timestamp(self.at(day, 10))))
        filed = [c for c in self.companies if c["filing_status"] == PropertyCompany.FilingStatus.FILED
                 and c["id"] not in self.veto_companies and c["id"] in self.company_district]
        filed.sort(key=lambda c: (-self.quality[c["id"]], c["id"]))
        self.benchmark_companies = set()
        for c in filed[: max(1, len(filed) // 60)]:
            day = self.today - timedelta(days=rng.randint(30, 300))
            rows.append((w.next_id(Benchmark), Benchmark.Kind.COMPANY, None, c["id"],
                         "服务质量持续领先，连续多月接诉即办考核优秀，积极参与老旧小区物业服务提升。", day.isoformat(),
                         self.city_user_id, True, None, "", timestamp(self.at(day, 10)), timestamp(self.at(day, 10))))
            self.benchmark_companies.add(c["id"])
            self.event("BG01", c["id"], day, "获评物业标杆企业", rng, key=f"benchmark:company:{c['id']}",
                       district=self.company_district.get(c["id"]))
        w.flush()
        self.stage(f"标杆：{len(rows) or self.writer.counts[Benchmark]} 个")

    def recompute(self) -> dict:
        from wuye.credit.scoring import credit_recompute_all, manager_recompute

        result = credit_recompute_all(today=self.today)
        for mid in sorted(set(getattr(self, "managers", []))):
            manager_recompute(mid, today=self.today)
        self.stage(f"企业信用计算：{result.get('companies', 0):,} 家")
        return result

    def predicted_black(self) -> set[int]:
        """The companies ``credit_recompute_all`` is about to black-list, from the same aggregate and
        the same rules (``wuye.credit.scoring``)."""
        from django.db.models import Count, Sum

        from wuye.credit.lists import benchmark_company_ids
        from wuye.credit.scoring import Score, counting_q, lists_for

        parts: dict[int, Score] = defaultdict(Score)
        for cid, klass, total, n in (CreditEvent.objects.filter(counting_q(self.today)).order_by()
                                     .values("company_id", "klass").annotate(total=Sum("points"), n=Count("id"))
                                     .values_list("company_id", "klass", "total", "n")):
            sc = parts[cid]
            sc.events += n
            if klass == CreditRule.Klass.BASIC:
                sc.raw_basic = total
            elif klass == CreditRule.Klass.GOOD:
                sc.raw_good = total
            else:
                sc.bad += total
                sc.veto = sc.veto or klass == CreditRule.Klass.VETO
        benchmarks = benchmark_company_ids()
        black = set()
        for cid, sc in parts.items():
            sc.basic, sc.good = min(sc.raw_basic, self.cs.basic_cap), min(sc.raw_good, self.cs.good_cap)
            if lists_for(sc, self.cs.grade_for(sc.total), benchmark=cid in benchmarks)[1]:
                black.add(cid)
        return black

    def exit_cases(self) -> None:
        """An exit case for each estate of a company about to be black-listed (written here, so that
        the recompute finds them open and adds none), and the first steps of some of them."""
        w = self.writer
        black = self.predicted_black()
        cases = w.table(ExitCase, ["id", "company_id", "estate_id", "district_id", "reason", "status", "opened_at",
                                   "closed_at", "close_note", "created_at", "updated_at"])
        steps = w.table(ExitStep, ["id", "case_id", "kind", "done_on", "note", "done_by_id", "created_at"])
        actor = self.logins.get("district") or self.logins.get("city")
        kinds = [ExitStep.Kind.COMMITTEE_TOLD, ExitStep.Kind.OWNERS_DECIDED]
        notes = ["已书面告知业主委员会企业被列入黑名单及清退程序", "业主大会表决通过更换物业服务企业"]
        open_pairs = set(ExitCase.objects.filter(status=ExitCase.Status.OPEN).values_list("company_id", "estate_id"))
        opened = self.now - timedelta(days=3)
        n = 0
        for e in self.estates:
            if e["company_id"] not in black or (e["company_id"], e["id"]) in open_pairs:
                continue
            case_id = w.next_id(ExitCase)
            cases.append((case_id, e["company_id"], e["id"], e["district_id"], "企业被列入信用黑名单", ExitCase.Status.OPEN,
                          timestamp(opened), None, "", timestamp(opened), timestamp(opened)))
            for k in range((1, 2, 0)[n % 3] if actor else 0):
                day = self.today - timedelta(days=2 - k)
                steps.append((w.next_id(ExitStep), case_id, kinds[k], day.isoformat(), notes[k], actor.pk,
                              timestamp(self.at(day, 15))))
            n += 1
        w.flush()
        self.stage(f"清退案件：{self.writer.counts[ExitCase]} 件（{len(black)} 家企业将列入黑名单），"
                   f"已记录步骤 {self.writer.counts[ExitStep]} 个")


def build_demo_supervision(*, scale: str = "small", seed: int = 2026, now: datetime | None = None,
                           city_id: int | None = None, say: Callable[[str], None] | None = None) -> DemoSupervision:
    """Add a year of supervision and credit to the demo city (call inside a transaction)."""
    from wuye.credit.models import CompanyCredit

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
