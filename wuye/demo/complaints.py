"""A year of demo complaints (issue 3 §15): every state, realistic Chinese texts and delays.

``build_demo_complaints(scale=..., seed=..., now=...)`` adds to the demo city the complaints of the
twelve months before ``now`` (default: the moment it runs): about 2,000 (``small``), 200,000
(``city``) or 3,000,000 (``megacity``). The same seed and the same ``now`` give the same rows.

How it stays fast
    Nothing goes through the services. Each complaint is played forward through the workflow in
    memory (``complaint_workflow.WorkflowMixin``, a small copy of the state changes
    ``wuye.cases.services`` makes: the same fields, task outcome flags, requests and events), step
    by step, until its next step would lie after ``now``: what is left is its state today. Rows are appended to the
    ``BulkWriter`` buffers (COPY on PostgreSQL, ``executemany`` on SQLite) and written in large
    batches. Search tokens are cut by jieba once per distinct text (the texts come from the
    templates in ``complaint_texts``, so there are few); day-based deadlines are computed once
    per (start day, amount, unit). Times are kept as naive Asia/Shanghai datetimes (the zone has
    no daylight saving time) and turned into the driver's text form only when a row is written.

What is in it
    Categories, estates (weighted by floor area and kind) and hours of the day follow plausible
    weights; each unit has a service quality that moves its delays and satisfaction, so the
    monthly ranking has a top and a bottom. Refusals (~2 %), duplicates (~2.5 %), withdrawals
    (~1.5 %), returns (~3 %; approved ones go to the community or street), extensions, rejected
    replies, late signing and overdue replies (~8 %), callbacks (~85 % satisfied), reopens
    (~2 %), complaints ruled unreasonable, joint enforcement (吹哨报到) for fire safety and illegal
    construction, the market regulator as co-unit on fee complaints from the 12358 line, and
    clue reports that only the police see. Stages overdue and the supervision levels follow the
    city's escalation rules, exactly as the per-minute sweep would have left them; open
    complaints get ``next_check_at`` from ``deadlines.next_check``.

    The featured estate 幸福里小区 also gets a scripted set of recent complaints in every state,
    so that each demo login (company, community, street, district, dept_*, resident) finds work
    in its queue; the resident demo login has complaints of their own, one waiting for a rating.

Afterwards the monthly unit rollups (``UnitMonthStat``) are rebuilt with one aggregate query.
"""

from __future__ import annotations

import random
import string
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate

from django.db import connection
from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.cases import deadlines
from wuye.cases.models import (
    CaseSettings,
    Category,
    Complaint,
    EscalationRule,
    Event,
    Request,
    Status,
    SupervisionLevel,
    Task,
)
from wuye.cases.search import tokens_for
from wuye.core.calendar import local_text
from wuye.registry.models import Estate, PropertyCompany
from wuye.territory.models import City, Community, Department, District, Street

from . import complaint_texts as X
from . import identifiers as ids
from . import names as N
from .bulk import BulkWriter
from .common import People
from .complaint_featured import FeaturedMixin
from .complaint_life import LifeMixin
from .complaint_rows import (
    C_FIELDS,
    DAY,
    E_FIELDS,
    R_FIELDS,
    REPORTER,
    SH,
    T_FIELDS,
    UTC_OFFSET,
    Plan,
    S,
    _Case,
)
from .complaint_units import UnitsMixin
from .complaint_workflow import WorkflowMixin

# Complaints per scale over the year (the scripted featured ones come on top).
SCALE_COMPLAINTS = {"small": 2_000, "city": 200_000, "megacity": 3_000_000}
# At megacity scale only the events a resident's timeline needs most are written (~4 a complaint).
LEAN_SCALES = {"megacity"}


# category code → relative frequency (‰)
CATEGORY_WEIGHTS = {
    "cleaning_greening": 150, "repairs": 140, "parking_fees": 95, "property_fees": 90, "service_attitude": 85,
    "noise": 70, "illegal_construction": 50, "elevator": 50, "other": 50, "fire_safety": 40, "utility_sharing": 40,
    "utility_cutoff": 35, "parking_sale_only": 30, "common_income": 30, "owners_committee": 30, "gang_clues": 3,
}
FEE_CATEGORIES = {"parking_fees", "property_fees", "utility_sharing"}
# Who the street calls in (吹哨报到) when the lead department needs others.
JOINT_KINDS = {
    "fire_safety": ["urban", "police"],
    "illegal_construction": ["planning", "housing", "fire"],
}
# Complaints per m² differ by kind of estate: old compounds complain most.
KIND_FACTOR = {"old_compound": 1.5, "resettlement": 1.25, "affordable": 1.15, "commercial": 1.0}
HOUR_WEIGHTS = [1.0, 0.5, 0.3, 0.2, 0.2, 0.4, 1.0, 3.0, 6.0, 8.0, 9.0, 9.0, 7.0, 6.0, 7.0, 8.0, 8.0, 8.0, 9.0, 9.0,
                8.0, 6.0, 4.0, 2.0]
MONTH_FACTOR = {1: 1.05, 2: 0.8, 3: 0.95, 4: 1.0, 5: 1.0, 6: 1.1, 7: 1.2, 8: 1.2, 9: 1.0, 10: 0.95, 11: 1.05, 12: 1.1}
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Cat:
    id: int
    code: str
    name: str
    confidential: bool
    emergency: bool
    responsible: str
    department_kind: str
    accept: tuple[int, str]
    sign: tuple[int, str]
    contact: tuple[int, str]
    resolve: tuple[int, str]


@dataclass(frozen=True)
class EstateRow:
    id: int
    name: str
    district_id: int
    street_id: int
    community_id: int
    company_id: int | None
    weight: float


@dataclass
class DemoComplaints:
    complaints: int = 0
    tasks: int = 0
    events: int = 0
    requests: int = 0
    stats: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    now: datetime | None = None  # the reference instant: the year ends here


# ---- texts ------------------------------------------------------------------------------------


class Texts:
    """Fills the templates of ``complaint_texts`` and caches each distinct text's search tokens."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        fmt = string.Formatter()
        self.templates = {
            code: [(title, desc, [s for _lit, s, _f, _c in fmt.parse(desc) if s]) for title, desc in pairs]
            for code, pairs in X.COMPLAINTS.items()
        }
        self.tokens: dict[tuple[str, str], str] = {}

    def complaint(self, code: str) -> tuple[str, str, str, str, str]:
        """(title, description, location, building, tokens) for a complaint of this category."""
        rng = self.rng
        title, desc, slots = rng.choice(self.templates.get(code) or self.templates["other"])
        values = {s: rng.choice(X.SLOTS[s]) for s in slots}
        building = values.get("b") or rng.choice(X.SLOTS["b"])
        if slots:
            desc = desc.format_map(values)
        key = (title, desc)
        tokens = self.tokens.get(key)
        if tokens is None:
            tokens = self.tokens[key] = tokens_for(title, desc)
        if "u" in values:
            location = f"{building}号楼{values['u']}单元"
        elif "b" in values:
            location = f"{building}号楼"
        else:
            location = rng.choice(["小区东门", "小区南门", "中心花园", "地下车库", "物业服务中心", ""])
        return title, desc, location, building, tokens

    def reply(self, code: str, building: str) -> str:
        text = self.rng.choice(X.REPLIES.get(code) or X.REPLIES["other"])
        return text.format(b=building) if "{b}" in text else text


# ---- the builder ------------------------------------------------------------------------------


class ComplaintBuilder(WorkflowMixin, LifeMixin, UnitsMixin, FeaturedMixin):
    def __init__(self, *, scale: str, seed: int, now: datetime | None, say: Callable[[str], None], city_id: int | None):
        self.scale = scale
        self.total = SCALE_COMPLAINTS[scale]
        self.lean = scale in LEAN_SCALES
        self.seed = seed
        self.say = say
        aware = (now or timezone.now()).astimezone(SH).replace(microsecond=0)
        self.now = aware.replace(tzinfo=None)  # naive Asia/Shanghai
        self.now_aware = aware
        self.latest = self.now - timedelta(minutes=1)
        self.started = self.stage_started = time.monotonic()
        pg = connection.vendor == "postgresql"
        self.writer = BulkWriter(batch_size=100_000 if pg else 50_000)
        # Timestamps in the text form each driver takes: PostgreSQL with the zone, SQLite in UTC.
        self.pg = pg
        if pg:
            self.ts = lambda t: None if t is None else t.isoformat(" ") + "+08:00"
        else:
            self.ts = lambda t: None if t is None else (t - UTC_OFFSET).isoformat(" ")
        self.rng = random.Random(f"wuye-demo:{seed}:complaints")
        people = People(random.Random(f"wuye-demo:{seed}:complainants"))
        self.names = [people.name(born_from=1940, born_to=2002) for _ in range(5000)]
        self.texts = Texts(self.rng)
        self._due_cache: dict[tuple, datetime] = {}
        self._json: dict[tuple, str] = {}
        self.level_notes = {lvl.value: f"自动升级为{lvl.label}" for lvl in SupervisionLevel}
        self.stage_notes = {stage: f"{label}超期" for stage, label in deadlines.STAGE_LABELS.items()}
        self._quality: dict[tuple, float] = {}
        self._codes: set[str] = set()
        self._codes_day: date | None = None
        self.recent: dict[tuple[int, int], tuple[int, str, datetime]] = {}
        self.counts = Counter()
        self._load(city_id)
        w = self.writer
        self.t_complaints = w.table(Complaint, C_FIELDS)
        self.t_tasks = w.table(Task, T_FIELDS)
        self.events = w.table(Event, E_FIELDS)
        self.t_requests = w.table(Request, R_FIELDS)

    def stage(self, text: str) -> None:
        now = time.monotonic()
        self.say(f"  {text}（{now - self.stage_started:.1f} 秒）")
        self.stage_started = now

    # -- what the city holds --------------------------------------------------------------------

    def _load(self, city_id: int | None) -> None:
        city = City.objects.filter(pk=city_id).first() if city_id else (
            City.objects.filter(code=N.CITY_CODE).first() or City.objects.order_by("pk").first())
        if city is None:
            raise ValueError("数据库中没有城市数据，请先生成演示城市（manage.py demo）。")
        self.city_id = city.pk
        self.cats = {
            c.code: Cat(c.pk, c.code, c.name, c.confidential, c.emergency, c.responsible, c.department_kind,
                        c.limit("accept"), c.limit("sign"), c.limit("contact"), c.limit("resolve"))
            for c in Category.objects.filter(active=True)
        }
        codes = [code for code in CATEGORY_WEIGHTS if code in self.cats]
        self.cat_list = [self.cats[code] for code in codes]
        self.cat_cum = list(accumulate(CATEGORY_WEIGHTS[code] for code in codes))

        self.district_names = dict(District.objects.filter(city_id=city.pk).values_list("id", "name"))
        self.street_names = dict(Street.objects.filter(district__city_id=city.pk).values_list("id", "name"))
        self.community_rows = {
            pk: (name, district) for pk, name, district in
            Community.objects.filter(street__district__city_id=city.pk).values_list("id", "name", "street__district_id")
        }
        self.street_district = dict(Street.objects.filter(district__city_id=city.pk).values_list("id", "district_id"))
        self.depts: dict[tuple[int, str], tuple[int, str]] = {}
        self.dept_district: dict[int, int] = {}
        self.dept_names: dict[int, str] = {}
        for pk, district, kind, name in (Department.objects.filter(district__city_id=city.pk)
                                         .order_by("id").values_list("id", "district_id", "kind", "name")):
            self.depts.setdefault((district, kind), (pk, name))
            self.dept_district[pk] = district
            self.dept_names[pk] = name
        estates = []
        for pk, name, district, street, community, company, area, kind in (
            Estate.objects.filter(district__city_id=city.pk).order_by("id").values_list(
                "id", "name", "district_id", "street_id", "community_id", "company_id", "floor_area", "kind")
        ):
            weight = float(area or 20_000) * KIND_FACTOR.get(kind, 1.0)
            estates.append(EstateRow(pk, name, district, street, community, company, weight))
        if not estates:
            raise ValueError("演示城市中没有小区。")
        self.estates = estates
        self.estate_cum = list(accumulate(e.weight for e in estates))
        company_ids = {e.company_id for e in estates if e.company_id}
        self.company_names = dict(PropertyCompany.objects.filter(pk__in=company_ids).values_list("id", "name"))
        # A company's home district: where it serves most estates (as rollups._district_of says).
        per_district = Counter((e.company_id, e.district_id) for e in estates if e.company_id)
        self.company_district: dict[int, int] = {}
        best: dict[int, int] = {}
        for (company, district), n in sorted(per_district.items()):
            if n > best.get(company, 0):
                best[company] = n
                self.company_district[company] = district

        cs = CaseSettings.current()
        self.warn_before = timedelta(hours=cs.warn_before_hours)
        self.escalations = sorted(EscalationRule.objects.filter(active=True).values_list("level", "overdue_hours"))

        # The demo logins that work on complaints (absent ones are skipped).
        self.logins = {
            u.username: u for u in User.objects.filter(
                username__in=["city", "district", "street", "community", "company", "resident", "committee"])
        }
        self.dept_logins = list(User.objects.filter(role=Role.DEPARTMENT, username__startswith="dept_",
                                                    department__district__city_id=city.pk).order_by("username"))
        featured = next((e for e in estates if e.name == "幸福里小区"), None)
        self.featured = featured or estates[0]

    # -- one complaint: who, what, where --------------------------------------------------------

    def new_case(self, e: EstateRow, cat: Cat, created: datetime, plan: Plan, *, reporter: User | None = None,
                 source: str | None = None) -> _Case:
        rng = self.rng
        c = _Case()
        c.id = self.writer.next_id(Complaint)
        day = created.date()
        if day != self._codes_day:
            self._codes_day, self._codes = day, set()
        prefix = "TS" + local_text(created, "%y%m%d")
        while True:
            code = prefix + "".join(rng.choices(CODE_ALPHABET, k=6))
            if code not in self._codes:
                self._codes.add(code)
                break
        c.tracking_code = code
        if source is None:
            r = rng.random()
            if cat.code in FEE_CATEGORIES and r < 0.25:
                source = "12358"
            else:
                source = "12345" if r < 0.40 else "web" if r < 0.75 else "open311" if r < 0.81 else (
                    "api" if r < 0.85 else "staff" if r < 0.90 else "web")
        c.source = source
        c.source_ticket = f"{source}{created:%Y%m%d}{rng.randrange(100_000):05d}" if source in ("12345", "12358") else ""
        c.estate_id, c.district_id, c.street_id, c.community_id = e.id, e.district_id, e.street_id, e.community_id
        c.company_id = e.company_id
        c.category_id = cat.id
        c.cat = cat
        c.title, c.description, c.location, c.building, c.search_tokens = self.texts.complaint(cat.code)
        if reporter is not None:
            c.reporter_user_id, c.reporter_name, c.reporter_phone = reporter.pk, reporter.full_name, reporter.phone
            c.anonymous = False
        else:
            c.reporter_user_id = None
            c.reporter_name = rng.choice(self.names)
            c.reporter_phone = ids.mobile(rng)
            c.anonymous = rng.random() < 0.12
        c.created_by_id = None
        c.confidential, c.emergency = cat.confidential, cat.emergency
        c.status = S.SUBMITTED
        c.version = 0
        routed = self.route(e, cat)
        c.routed_unit_kind, c.routed_unit_id = routed[0], routed[1]
        c.routed_name = routed[2]
        c.unit_kind, c.unit_id, c.unit_name = "", None, ""
        c.sign_due = c.contact_due = c.resolve_due = None
        c.accept_due = self.due(created, cat.accept)  # the accept clock starts at filing (rules.md §7)
        c.created_at = created
        c.accepted_at = c.dispatched_at = c.signed_at = c.contacted_at = c.replied_at = None
        c.published_at = c.callback_at = c.closed_at = c.next_check_at = None
        c.accept_overdue = c.sign_overdue = c.contact_overdue = c.resolve_overdue = c.dispatch_overdue = False
        c.dispatch_due = None
        c.supervision_level = 0
        c.duplicate_of_id = None
        c.return_final = c.unreasonable = False
        c.reply = c.public_reply = c.callback_comment = c.satisfaction = ""
        c.callback_resolved = None
        c.reopen_count = c.return_count = c.extension_count = 0
        c.plan = plan
        c.tasks, c.requests = [], []
        c.swept = created  # the sweep's next pass: not before the filing
        c.lead = None
        c.side_done = created
        c.last_step = created
        c.manual = 0
        label = {"12345": "12345 热线转办", "12358": "12358 热线转办", "staff": "工作人员录入"}.get(source, REPORTER)
        self.events.append((  # every complaint keeps its submission event
            self.writer.next_id(Event), c.id, None, "submit", "", S.SUBMITTED, None, label, "",
            f'{{"source": "{source}", "source_ticket": "{c.source_ticket}"}}', True, self.ts(created),
        ))
        return c

    def random_plan(self, e: EstateRow, cat: Cat, created: datetime, routed: tuple) -> Plan:
        rng = self.rng
        p = Plan()
        p.quality = q = self.quality(routed[0], routed[1])
        bad = 1 / q
        r = rng.random()
        if r < 0.02:
            p.refuse = True
        elif r < 0.045:
            original = self.recent.get((e.id, cat.id))
            if original and (created - original[2]).days < 10:
                p.duplicate_of = original
        elif r < 0.06:
            p.withdraw = rng.choice(["submitted", "dispatched", "in_progress", "in_progress"])
        p.accept_first = rng.random() < 0.7
        if cat.code in FEE_CATEGORIES and rng.random() < 0.3:
            market = self.dept(e.district_id, "market")
            if market:
                p.co_units = [market]
        joint = JOINT_KINDS.get(cat.code)
        if joint and rng.random() < (0.4 if cat.code == "fire_safety" else 0.6):
            p.joint = rng.sample(joint, rng.randint(1, len(joint)))
        r = rng.random()
        if r < 0.03:
            p.ret = "approve" if rng.random() < 0.6 else "reject"
        elif r < 0.05:
            p.ext = "approve" if rng.random() < 0.8 else "reject"
        p.late_sign = rng.random() < 0.045 * bad
        # Rates that spread the units' monthly figures as a real city's do (issue 14 §14): a unit
        # seldom has a perfect month; weaker units (higher ``bad``) miss more often.
        p.late_contact = rng.random() < 0.09 * bad
        p.late_reply = rng.random() < 0.062 * bad
        p.reject_reply = rng.random() < 0.03
        p.no_callback = rng.random() < 0.03
        r = rng.random()
        p_bad = 0.06 * bad
        if r < p_bad:
            p.resolved, p.satisfaction = rng.random() < 0.3, "dissatisfied"
        elif r < p_bad + 0.05 * bad:
            p.resolved, p.satisfaction = False, "basically_satisfied"
        elif r < 0.15 * bad ** 0.5:
            p.resolved, p.satisfaction = True, "basically_satisfied"
        if not p.resolved or p.satisfaction == "dissatisfied":
            r = rng.random()
            p.reopen = r < 0.4
            p.unreasonable = not p.reopen and r < 0.6
        p.supervise = rng.choice([1, 1, 2]) if rng.random() < 0.01 else 0
        return p

    # -- the year ---------------------------------------------------------------------------------

    def build_year(self) -> None:
        rng = self.rng
        w = self.writer
        now = self.now
        first_day = now.date() - timedelta(days=365)
        days = [first_day + timedelta(days=i) for i in range(366)]
        weights = []
        for i, d in enumerate(days):
            # More each month as the campaign becomes known; fewer at weekends; summer and winter peaks.
            f = (0.8 + 0.4 * i / 365) * MONTH_FACTOR[d.month] * (0.8 if d.weekday() >= 5 else 1.0) * rng.uniform(0.85, 1.15)
            if d == first_day:
                f *= 1 - (now.hour * 3600 + now.minute * 60) / DAY  # the year starts at this time of day
            elif d == now.date():
                f *= (now.hour * 3600 + now.minute * 60) / DAY
            weights.append(f)
        scale = self.total / sum(weights)
        hour_cum = list(accumulate(HOUR_WEIGHTS))
        done = 0
        next_report = self.total // 5
        for d, wgt in zip(days, weights, strict=True):
            n = int(wgt * scale + rng.random())
            if n <= 0:
                continue
            midnight = datetime(d.year, d.month, d.day)
            times = []
            for hour in rng.choices(range(24), cum_weights=hour_cum, k=n):
                t = midnight + timedelta(seconds=hour * 3600 + rng.randrange(3600))
                if d == first_day and t <= now - timedelta(days=365):
                    continue
                if t >= now:
                    continue
                times.append(t)
            times.sort()
            estates = rng.choices(self.estates, cum_weights=self.estate_cum, k=len(times))
            cats = rng.choices(self.cat_list, cum_weights=self.cat_cum, k=len(times))
            for t, e, cat in zip(times, estates, cats, strict=True):
                self.one(e, cat, t)
            done += len(times)
            w.flush_if_full()
            if done >= next_report:
                self.say(f"    … 已生成 {done:,} 件诉求（约 {done * 100 // self.total}%）")
                next_report += self.total // 5

    def one(self, e: EstateRow, cat: Cat, t: datetime) -> None:
        routed = self.route(e, cat)
        plan = self.random_plan(e, cat, t, routed)
        c = self.new_case(e, cat, t, plan)
        self.simulate(c)
        self.finish(c)
        if c.status != S.DUPLICATE:
            self.recent[(e.id, cat.id)] = (c.id, c.tracking_code, t)




BIG_LOAD = 500_000  # from this many complaints on, PostgreSQL builds the secondary indexes after the load
LOADED_TABLES = ["cases_complaint", "cases_task", "cases_event", "cases_request"]


def _drop_secondary_indexes(tables: list[str]) -> list[str]:
    """Drop the indexes of ``tables`` that back no constraint; return their definitions.

    Inserting millions of rows into a table with twenty indexes (one of them a GIN index over the
    search tokens) maintains every index row by row; building them afterwards is several times
    faster. All of it happens inside the caller's transaction: if the load fails, the indexes
    come back with the rollback."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
            "ORDER BY i.tablename, i.indexname", [tables])
        rows = cursor.fetchall()
        for name, _definition in rows:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _name, definition in rows]


def _create_indexes(definitions: list[str]) -> None:
    with connection.cursor() as cursor:
        # The foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED); PostgreSQL builds no
        # index on a table with pending checks, so run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for definition in definitions:
            cursor.execute(definition)


def build_demo_complaints(*, scale: str = "small", seed: int = 2026, now: datetime | None = None,
                          city_id: int | None = None, say: Callable[[str], None] | None = None) -> DemoComplaints:
    """Add a year of complaints to the demo city (call inside a transaction). See the module docstring."""
    say = say or (lambda text: None)
    b = ComplaintBuilder(scale=scale, seed=seed, now=now, say=say, city_id=city_id)
    indexes: list[str] = []
    if connection.vendor == "postgresql" and b.total >= BIG_LOAD:
        indexes = _drop_secondary_indexes(LOADED_TABLES)
    b.build_year()
    b.build_featured()
    b.writer.finish()
    counts = {m._meta.model_name: n for m, n in b.writer.counts.items()}
    by_status = {str(Status(k).label): v for k, v in sorted(b.counts.items(), key=lambda kv: -kv[1])}
    b.stage(f"诉求：{counts.get('complaint', 0):,} 件，承办任务 {counts.get('task', 0):,} 条，"
            f"办理记录 {counts.get('event', 0):,} 条，退单/延期申请 {counts.get('request', 0):,} 条"
            f"（{len(b.texts.tokens):,} 种不同文本）")
    say("    状态：" + "，".join(f"{k} {v:,}" for k, v in by_status.items()))
    if indexes:
        _create_indexes(indexes)
        b.stage(f"诉求相关表的 {len(indexes)} 个索引已建立")
    n_stats = b.rebuild_rollups()
    b.stage(f"单位月度考核汇总：{n_stats:,} 条")
    try:
        from wuye.cases.open311.keys import ensure_demo_partner_key
    except ImportError:
        pass
    else:
        ensure_demo_partner_key()
    return DemoComplaints(
        complaints=counts.get("complaint", 0), tasks=counts.get("task", 0), events=counts.get("event", 0),
        requests=counts.get("request", 0), stats=n_stats, by_status=dict(b.counts),
        seconds=time.monotonic() - b.started, now=b.now_aware,
    )
