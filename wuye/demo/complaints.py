"""A year of demo complaints (issue 3 §15): every state, realistic Chinese texts and delays.

``build_demo_complaints(scale=..., seed=..., now=...)`` adds to the demo city the complaints of the
twelve months before ``now`` (default: the moment it runs): about 2,000 (``small``), 200,000
(``city``) or 3,000,000 (``megacity``). The same seed and the same ``now`` give the same rows.

How it stays fast
    Nothing goes through the services. Each complaint is played forward through the workflow in
    memory by ``_Sim``, a small copy of the state changes ``wuye.cases.services`` makes (the same
    fields, task outcome flags, requests and events), step by step, until its next step would
    lie after ``now``: what is left is the complaint's state today. Rows are appended to the
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

import json
import operator
import random
import string
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

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
    UnitKind,
    UnitMonthStat,
)
from wuye.cases.rollups import COUNTS
from wuye.cases.search import tokens_for
from wuye.core.calendar import add_period
from wuye.registry.models import Estate, PropertyCompany
from wuye.territory.models import City, Community, Department, District, Street

from . import complaint_texts as X
from . import identifiers as ids
from . import names as N
from .bulk import BulkWriter
from .common import People


def _plain(choices) -> type:
    """The codes of a choices enum as plain strings: enum members are slow in a loop run millions of times."""
    return type(choices.__name__, (), {m.name: m.value for m in choices})


S = _plain(Status)
TS = _plain(Task.State)
TR = _plain(Task.Role)
RK = _plain(Request.Kind)
RS = _plain(Request.State)
U = _plain(UnitKind)
R = _plain(Category.Responsible)
SH = ZoneInfo("Asia/Shanghai")
UTC_OFFSET = timedelta(hours=8)
MIN = 60
HOUR = 3600
DAY = 86400

# Complaints per scale over the year (the scripted featured ones come on top).
SCALE_COMPLAINTS = {"small": 2_000, "city": 200_000, "megacity": 3_000_000}
# At megacity scale only the events a resident's timeline needs most are written (~4 a complaint).
LEAN_SCALES = {"megacity"}
LEAN_ACTIONS = frozenset({"submit", "dispatch", "approve_reply", "callback", "close", "refuse", "duplicate", "withdraw",
                          "reopen", "decide_return"})

CITY_DESK = "市住房保障房产局"
SYSTEM = "系统"
REPORTER = "诉求人"

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

C_FIELDS = [
    "id", "tracking_code", "source", "source_ticket", "estate_id", "district_id", "street_id", "community_id",
    "company_id", "category_id", "title", "description", "location", "search_tokens", "reporter_user_id",
    "reporter_name", "reporter_phone", "anonymous", "created_by_id", "confidential", "emergency", "status", "version",
    "routed_unit_kind", "routed_unit_id", "unit_kind", "unit_id", "unit_name", "accept_due", "sign_due", "contact_due",
    "resolve_due", "created_at", "accepted_at", "dispatched_at", "signed_at", "contacted_at", "replied_at",
    "published_at", "callback_at", "closed_at", "accept_overdue", "sign_overdue", "contact_overdue", "resolve_overdue",
    "supervision_level", "next_check_at", "duplicate_of_id", "return_final", "reply", "public_reply",
    "callback_resolved", "satisfaction", "callback_comment", "unreasonable", "reopen_count", "return_count",
    "extension_count",
]
C_TIMES = [i for i, f in enumerate(C_FIELDS) if f.endswith(("_due", "_at"))]
T_FIELDS = [
    "id", "complaint_id", "role", "unit_kind", "unit_id", "unit_name", "state", "version", "month", "dispatched_at",
    "sign_due", "contact_due", "due", "signed_at", "contacted_at", "replied_at", "reply", "urgency", "signed_in_time",
    "contacted_in_time", "done_in_time", "resolved", "satisfaction", "returned", "reopened", "excluded", "called_by_id",
]
T_TIMES = [i for i, f in enumerate(T_FIELDS) if f.endswith(("_due", "_at")) or f == "due"]
E_FIELDS = ["id", "complaint_id", "task_id", "action", "from_status", "to_status", "actor_id", "actor_label", "note",
            "data", "public", "created_at"]
R_FIELDS = ["id", "complaint_id", "task_id", "kind", "state", "reason", "legal_basis", "amount", "unit",
            "status_before", "requested_by_id", "requested_at", "decided_by_id", "decided_at", "decision_note"]

_c_values = operator.attrgetter(*C_FIELDS)
_t_values = operator.attrgetter(*T_FIELDS)


# ---- the records being played forward ---------------------------------------------------------


class _Case:
    __slots__ = (*C_FIELDS, "cat", "plan", "tasks", "lead", "requests", "late", "side_done", "last_step", "manual",
                 "routed_name", "building")


class _Task:
    __slots__ = (*T_FIELDS,)


@dataclass
class Plan:
    """How one complaint's life goes. Random complaints draw it; scripted ones set it and name the
    state they ``stop`` in (``forced``: every step happens before ``now``, compressed if need be)."""

    forced: bool = False
    stop: str | None = None  # the step before which a scripted complaint stops (see STOP_BEFORE)
    refuse: bool = False
    duplicate_of: tuple | None = None
    withdraw: str | None = None  # "submitted" | "dispatched" | "in_progress"
    accept_first: bool = True
    unit: tuple | None = None  # (kind, id, name) the dispatcher chooses instead of the routed unit
    co_units: list = field(default_factory=list)
    joint: list = field(default_factory=list)
    side_progress: int = 2  # co/joint tasks: 0 stay pending, 1 sign, 2 sign and reply
    ret: str | None = None  # "approve" | "reject" | "pending"
    ext: str | None = None  # "approve" | "reject" | "pending"
    late_sign: bool = False
    late_contact: bool = False
    late_reply: bool = False
    reject_reply: bool = False
    no_callback: bool = False
    resolved: bool = True
    satisfaction: str = "satisfied"
    reopen: bool = False
    unreasonable: bool = False
    supervise: int = 0  # a supervisor's manual 催办/督办 while the unit handles it
    quality: float = 1.0


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


class ComplaintBuilder:
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

    # -- units ----------------------------------------------------------------------------------

    def unit(self, kind: str, pk: int) -> tuple[str, int, str]:
        if kind == U.COMPANY:
            return (kind, pk, self.company_names[pk])
        if kind == U.COMMUNITY:
            return (kind, pk, self.community_rows[pk][0])
        if kind == U.STREET:
            return (kind, pk, self.street_names[pk])
        if kind == U.DISTRICT:
            return (kind, pk, f"{self.district_names[pk]}住房主管部门")
        if kind == U.CITY:
            return (kind, pk, CITY_DESK)
        raise ValueError(kind)

    def dept(self, district: int, kind: str) -> tuple[str, int, str] | None:
        d = self.depts.get((district, kind))
        return (U.DEPARTMENT, d[0], d[1]) if d else None

    def route(self, e: EstateRow, cat: Cat) -> tuple[str, int, str]:
        """``wuye.cases.units.route`` on the rows in memory (the demo test compares the two)."""
        if cat.confidential:
            return self.dept(e.district_id, "police") or (U.CITY, self.city_id, CITY_DESK)
        responsible = cat.responsible
        if responsible == R.COMPANY:
            if e.company_id:
                return self.unit(U.COMPANY, e.company_id)
            responsible = R.COMMUNITY
        if responsible == R.DEPARTMENT and cat.department_kind:
            d = self.dept(e.district_id, cat.department_kind)
            if d:
                return d
            responsible = R.STREET
        if responsible == R.DEVELOPER:
            return self.dept(e.district_id, "housing") or self.unit(U.DISTRICT, e.district_id)
        if responsible == R.STREET:
            return self.unit(U.STREET, e.street_id)
        return self.unit(U.COMMUNITY, e.community_id)

    def fallback_unit(self, c: _Case) -> tuple[str, int, str]:
        """Where an approved return goes: the community, or the street when the community returned it."""
        if c.unit_kind == U.COMMUNITY:
            return self.unit(U.STREET, c.street_id)
        return self.unit(U.COMMUNITY, c.community_id)

    def quality(self, kind: str, pk: int) -> float:
        key = (kind, pk)
        q = self._quality.get(key)
        if q is None:
            q = self._quality[key] = 0.6 + 0.8 * random.Random(f"wuye-demo:{self.seed}:quality:{kind}:{pk}").random()
        return q

    def dispatcher_label(self, c: _Case) -> str:
        if c.confidential:
            return CITY_DESK
        return f"{self.district_names[c.district_id]}住房主管部门"

    # -- time -----------------------------------------------------------------------------------

    def due(self, start: datetime, limit: tuple[int, str]) -> datetime:
        amount, unit = limit
        if unit == "hours":
            return start + timedelta(hours=amount)
        key = (start.date(), amount, unit)
        value = self._due_cache.get(key)
        if value is None:
            value = self._due_cache[key] = add_period(start.replace(tzinfo=SH), amount, unit).astimezone(SH).replace(
                tzinfo=None)
        return value

    def next_at(self, c: _Case, t: datetime, step: str = "") -> datetime | None:
        """The time of the complaint's next step, or None when it stays as it is now: the step
        would come after ``now``, or a scripted complaint stops before this step."""
        p = c.plan
        if p.forced:
            if step and step == p.stop:
                return None
            t = min(t, self.latest)
        elif t > self.now:
            return None
        if t < c.last_step:
            t = c.last_step
        c.last_step = t
        return t

    def secs(self, lo: float, hi: float) -> timedelta:
        return timedelta(seconds=int(self.rng.uniform(lo, hi)))

    def expo(self, mean: float, lo: float = 60) -> timedelta:
        return timedelta(seconds=int(max(lo, self.rng.expovariate(1 / mean))))

    # -- events, tasks, requests ------------------------------------------------------------------

    def event(self, c: _Case, t: datetime, action: str, to: str | None = None, *, note: str = "", data=None,
              public: bool = False, label: str = "", task: _Task | None = None, frm: str | None = None) -> None:
        if self.lean and action not in LEAN_ACTIONS:
            return
        frm = c.status if frm is None else frm
        self.events.append((
            self.writer.next_id(Event), c.id, task.id if task else None, action, frm, frm if to is None else to, None,
            label or SYSTEM, note, self.json(data) if data else "{}", public, self.ts(t),
        ))

    def json(self, data: dict) -> str:
        """``json.dumps`` of an event's data, cached: most data repeats (units, levels, outcomes)."""
        try:
            key = tuple(data.items())
            text = self._json.get(key)
        except TypeError:  # a list inside
            return json.dumps(data, ensure_ascii=False)
        if text is None:
            text = json.dumps(data, ensure_ascii=False)
            if len(self._json) < 200_000:
                self._json[key] = text
        return text

    def new_task(self, c: _Case, unit: tuple, role: str, t: datetime, *, due: datetime | None = None) -> _Task:
        cat = c.cat
        k = _Task()
        k.id = self.writer.next_id(Task)
        k.complaint_id = c.id
        k.role = role
        k.unit_kind, k.unit_id, k.unit_name = unit
        k.state = TS.PENDING
        k.version = 0
        k.month = date(t.year, t.month, 1).isoformat()
        k.dispatched_at = t
        k.sign_due = self.due(t, cat.sign)
        k.contact_due = self.due(t, cat.contact) if role == TR.LEAD else None
        k.due = due or self.due(t, cat.resolve)
        k.signed_at = k.contacted_at = k.replied_at = None
        k.reply = ""
        k.urgency = (2 if c.emergency else 0) + c.supervision_level
        k.signed_in_time = k.contacted_in_time = k.done_in_time = k.resolved = None
        k.satisfaction = ""
        k.returned = k.reopened = k.excluded = False
        k.called_by_id = None
        c.tasks.append(k)
        return k

    def close_tasks(self, c: _Case) -> None:
        for k in c.tasks:
            if k.state in (TS.PENDING, TS.SIGNED, TS.REPLIED):
                k.state = TS.CLOSED
                k.version += 1

    def ended(self, c: _Case, stage: str, due: datetime | None, t: datetime) -> None:
        """A stage ended (or the case left it) at ``t``: remember how late, for the supervision level."""
        if due is not None and t > due:
            c.late.append((stage, due, t))

    # -- the workflow, in memory (mirrors wuye.cases.services) ------------------------------------

    def move(self, c: _Case, **fields) -> None:
        for k, v in fields.items():
            setattr(c, k, v)
        c.version += 1

    def do_accept(self, c: _Case, t: datetime) -> None:
        self.ended(c, "accept", c.accept_due, t)
        self.event(c, t, "accept", S.ACCEPTED, public=True, label=self.dispatcher_label(c))
        c.status, c.accepted_at, c.accept_overdue = S.ACCEPTED, t, t > c.accept_due
        c.version += 1

    def do_refuse(self, c: _Case, t: datetime) -> None:
        self.ended(c, "accept", c.accept_due, t)
        self.event(c, t, "refuse", S.REFUSED, note=self.rng.choice(X.REFUSE_REASONS), public=True,
                   label=self.dispatcher_label(c))
        self.move(c, status=S.REFUSED, closed_at=t, accept_overdue=t > c.accept_due)

    def do_duplicate(self, c: _Case, t: datetime, original: tuple) -> None:
        pk, code, _created = original
        self.ended(c, "accept", c.accept_due, t)
        self.event(c, t, "duplicate", S.DUPLICATE, note=f"与诉求 {code} 重复，合并办理", public=True,
                   label=self.dispatcher_label(c), data={"duplicate_of": pk, "tracking_code": code})
        self.move(c, status=S.DUPLICATE, duplicate_of_id=pk, closed_at=t)

    def do_withdraw(self, c: _Case, t: datetime) -> None:
        for stage in deadlines.running_stages(c):
            self.ended(c, stage, getattr(c, deadlines.STAGES[stage][0]), t)
        self.event(c, t, "withdraw", S.WITHDRAWN, note=self.rng.choice(X.WITHDRAW_NOTES), public=True, label=REPORTER)
        self.move(c, status=S.WITHDRAWN, closed_at=t)
        self.close_tasks(c)

    def do_dispatch(self, c: _Case, t: datetime, unit: tuple, *, co_units=(), action: str = "dispatch",
                    note: str = "", **extra) -> None:
        cat = c.cat
        frm = c.status
        if c.accepted_at is None:
            self.ended(c, "accept", c.accept_due, t)
            extra.update(accepted_at=t, accept_overdue=t > c.accept_due)
        self.move(c, status=S.DISPATCHED, unit_kind=unit[0], unit_id=unit[1], unit_name=unit[2], dispatched_at=t,
                  sign_due=self.due(t, cat.sign), contact_due=self.due(t, cat.contact),
                  resolve_due=self.due(t, cat.resolve), signed_at=None, contacted_at=None, replied_at=None,
                  sign_overdue=False, contact_overdue=False, resolve_overdue=False, reply="", **extra)
        c.lead = self.new_task(c, unit, TR.LEAD, t)
        names = []
        for co in co_units:
            if co[:2] != unit[:2]:
                self.side_task(c, co, TR.CO, t)
                names.append(co[2])
        self.event(c, t, action, S.DISPATCHED, frm=frm, note=note, task=c.lead, public=True,
                   label=self.dispatcher_label(c), data={"unit": unit[2], "co_units": tuple(names)})

    def side_task(self, c: _Case, unit: tuple, role: str, t: datetime, due: datetime | None = None) -> None:
        """A co-unit or a department called in: its own task, clock, signing and reply."""
        k = self.new_task(c, unit, role, t, due=due)
        p = c.plan
        if p.side_progress < 1:
            c.side_done = None
            return
        late = self.rng.random() < 0.06
        window = (k.sign_due - t).total_seconds()
        ts = k.sign_due + self.expo(3 * HOUR) if late else t + timedelta(seconds=int(max(120, window * self.rng.random() ** 2)))
        ts = self.next_at(c, ts)
        if ts is None:
            c.side_done = None
            return
        k.state, k.signed_at, k.signed_in_time = TS.SIGNED, ts, ts <= k.sign_due
        k.version += 1
        self.event(c, ts, "sign", task=k, label=k.unit_name, data={"unit": k.unit_name})
        if p.side_progress < 2:
            c.side_done = None
            return
        late = self.rng.random() < 0.07
        window = (k.due - ts).total_seconds()
        tr = k.due + self.expo(DAY) if late or window <= 0 else ts + timedelta(seconds=int(window * (0.1 + 0.7 * self.rng.random())))
        tr = self.next_at(c, tr)
        if tr is None:
            c.side_done = None
            return
        text = self.rng.choice(X.CO_REPLIES if role == TR.CO else X.JOINT_REPLIES)
        k.state, k.replied_at, k.reply, k.done_in_time = TS.REPLIED, tr, text, tr <= k.due
        k.version += 1
        self.event(c, tr, "reply", task=k, note=text, label=k.unit_name, data={"unit": k.unit_name})
        if c.side_done is not None and tr > c.side_done:
            c.side_done = tr

    def do_sign(self, c: _Case, t: datetime) -> None:
        overdue = t > c.sign_due
        self.ended(c, "sign", c.sign_due, t)
        self.event(c, t, "sign", S.SIGNED, task=c.lead, public=True, label=c.unit_name)
        c.status, c.signed_at, c.sign_overdue = S.SIGNED, t, overdue
        c.version += 1
        k = c.lead
        k.state, k.signed_at, k.signed_in_time = TS.SIGNED, t, not overdue
        k.version += 1

    def do_contact(self, c: _Case, t: datetime) -> None:
        overdue = t > c.contact_due
        self.ended(c, "contact", c.contact_due, t)
        self.event(c, t, "contact", S.IN_PROGRESS, task=c.lead, public=True, label=c.unit_name,
                   note=self.rng.choice(X.CONTACT_NOTES))
        c.status, c.contacted_at, c.contact_overdue = S.IN_PROGRESS, t, overdue
        c.version += 1
        k = c.lead
        k.contacted_at, k.contacted_in_time = t, not overdue
        k.version += 1

    def do_call(self, c: _Case, t: datetime, kinds: list[str]) -> None:
        street = self.unit(U.STREET, c.street_id)
        names = []
        if c.side_done is not None:
            c.side_done = max(c.side_done, t)
        for kind in kinds:
            d = self.dept(c.district_id, kind)
            if d and d[:2] != (c.unit_kind, c.unit_id):
                self.side_task(c, d, TR.JOINT, t)
                names.append(d[2])
        if names:
            c.version += 1
            self.event(c, t, "call_departments", note=X.CALL_NOTES.get(c.cat.code, ""), public=True, label=street[2],
                       data={"departments": names})

    def do_request_return(self, c: _Case, t: datetime) -> tuple:
        reason, basis = self.rng.choice(X.RETURN_REASONS)
        k = c.lead
        req = [None, c.id, k.id, RK.RETURN, RS.PENDING, reason, basis, None, "", c.status, None,
               t, None, None, ""]
        c.requests.append(req)
        self.event(c, t, "request_return", S.RETURN_REVIEW, note=reason, task=k, label=c.unit_name,
                   data={"legal_basis": basis})
        self.move(c, status=S.RETURN_REVIEW)
        k.returned = True
        k.version += 1
        return req

    def do_decide_return(self, c: _Case, t: datetime, req: list, approve: bool) -> None:
        note = X.RETURN_APPROVE if approve else self.rng.choice(X.RETURN_REJECT)
        req[4] = RS.APPROVED if approve else RS.REJECTED
        req[13], req[14] = t, note
        k = c.lead
        if approve:
            for stage in ("contact", "resolve"):
                if stage == "resolve" or c.contacted_at is None:
                    self.ended(c, stage, getattr(c, deadlines.STAGES[stage][0]), t)
            k.state = TS.RETURNED
            k.version += 1
            self.event(c, t, "decide_return", S.ACCEPTED, note=note, task=k, label=self.dispatcher_label(c),
                       data={"approve": True})
            self.move(c, status=S.ACCEPTED, return_count=c.return_count + 1)
        else:
            k.returned = False
            k.version += 1
            self.event(c, t, "decide_return", req[9], note=note, task=k, label=self.dispatcher_label(c),
                       data={"approve": False})
            self.move(c, status=req[9], return_final=True)

    def do_extension(self, c: _Case, t: datetime, decide_at: datetime | None, approve: bool) -> None:
        reason = self.rng.choice(X.EXTENSION_REASONS)
        amount = self.rng.choice([3, 5, 7, 10])
        req = [None, c.id, c.lead.id, RK.EXTENSION, RS.PENDING, reason, "", amount,
               "working_days", c.status, None, t, None, None, ""]
        c.requests.append(req)
        self.event(c, t, "request_extension", note=reason, label=c.unit_name,
                   data={"amount": amount, "unit": "working_days"})
        c.version += 1
        if decide_at is None:
            return
        req[4] = RS.APPROVED if approve else RS.REJECTED
        req[13] = decide_at
        data: dict = {"approve": approve}
        if approve:
            new_due = self.due(c.resolve_due, (amount, "working_days"))
            c.resolve_due = new_due
            c.extension_count += 1
            c.lead.due = new_due
            c.lead.version += 1
            data["resolve_due"] = new_due.replace(tzinfo=SH).isoformat()
        else:
            req[14] = "延期理由不充分，请按期办结。"
        c.version += 1
        self.event(c, decide_at, "decide_extension", note=req[14], label=self.dispatcher_label(c), data=data,
                   public=approve)

    def do_supervise(self, c: _Case, t: datetime, level: int) -> None:
        if level <= c.supervision_level:
            return
        c.manual = max(c.manual, level)
        self.move(c, supervision_level=level)
        label = self.unit(U.STREET, c.street_id)[2] if level == 1 else self.dispatcher_label(c)
        self.event(c, t, "supervise", note=X.SUPERVISE_NOTE, label=label, data={"level": level, "manual": True})

    def do_reply(self, c: _Case, t: datetime, text: str) -> None:
        overdue = t > c.resolve_due
        self.ended(c, "resolve", c.resolve_due, t)
        if c.contacted_at is None:  # pragma: no cover - the unit always contacts first here
            self.ended(c, "contact", c.contact_due, t)
        self.event(c, t, "reply", S.REPLY_REVIEW, note=text, task=c.lead, label=c.unit_name)
        c.status, c.replied_at, c.reply, c.resolve_overdue = S.REPLY_REVIEW, t, text, overdue
        c.version += 1
        k = c.lead
        k.state, k.replied_at, k.reply, k.done_in_time = TS.REPLIED, t, text, not overdue
        k.version += 1

    def do_approve(self, c: _Case, t: datetime) -> None:
        self.event(c, t, "approve_reply", S.REPLIED, note=c.reply, public=True, label=self.dispatcher_label(c))
        c.status, c.published_at, c.public_reply = S.REPLIED, t, c.reply
        c.version += 1

    def do_reject_reply(self, c: _Case, t: datetime) -> None:
        self.event(c, t, "reject_reply", S.IN_PROGRESS, note=self.rng.choice(X.REJECT_REPLY_REASONS), task=c.lead,
                   label=self.dispatcher_label(c))
        self.move(c, status=S.IN_PROGRESS, replied_at=None, resolve_overdue=t > c.resolve_due)
        c.late = [x for x in c.late if x[0] != "resolve"]
        k = c.lead
        k.state, k.replied_at, k.done_in_time = TS.SIGNED, None, None
        k.version += 1

    def do_callback(self, c: _Case, t: datetime, resolved: bool, satisfaction: str) -> None:
        good = resolved and satisfaction != "dissatisfied"
        pool = X.CALLBACK_BAD if not good else X.CALLBACK_GOOD if satisfaction == "satisfied" else X.CALLBACK_BASIC
        note = self.rng.choice(pool)
        to = S.CLOSED if good else S.EVALUATED
        self.event(c, t, "callback", to, note=note, public=True, label=REPORTER, task=c.lead,
                   data={"resolved": resolved, "satisfaction": satisfaction})
        c.status, c.callback_resolved, c.satisfaction, c.callback_comment = to, resolved, satisfaction, note
        c.callback_at, c.closed_at = t, t if good else None
        c.version += 1
        k = c.lead
        k.resolved, k.satisfaction = resolved, satisfaction
        k.version += 1
        if good:
            self.close_tasks(c)

    def do_close(self, c: _Case, t: datetime, note: str, unreasonable: bool = False) -> None:
        self.event(c, t, "close", S.CLOSED, note=note, public=True, label=self.dispatcher_label(c),
                   data={"unreasonable": unreasonable})
        self.move(c, status=S.CLOSED, closed_at=t, unreasonable=unreasonable or c.unreasonable)
        self.close_tasks(c)
        if unreasonable:
            for k in c.tasks:
                k.excluded = True

    def do_reopen(self, c: _Case, t: datetime) -> None:
        old = c.lead
        old.state, old.reopened = TS.CLOSED, True
        old.version += 1
        unit = (c.unit_kind, c.unit_id, c.unit_name)
        self.do_dispatch(c, t, unit, action="reopen", note=X.REOPEN_NOTE, reopen_count=c.reopen_count + 1,
                         callback_resolved=None, satisfaction="", callback_comment="", callback_at=None,
                         published_at=None)

    # -- one complaint's life ----------------------------------------------------------------------

    def sign_time(self, c: _Case, t: datetime, late: bool) -> datetime:
        if late:
            return c.sign_due + self.expo(3 * HOUR, lo=10 * MIN)
        window = (c.sign_due - t).total_seconds()
        return t + timedelta(seconds=int(max(120, window * 0.9 * self.rng.random() ** 2)))

    def contact_time(self, c: _Case, t: datetime, late: bool) -> datetime:
        window = (c.contact_due - t).total_seconds()
        if late or window <= 300:
            return max(t, c.contact_due) + self.expo(5 * HOUR, lo=10 * MIN)
        return t + timedelta(seconds=int(max(300, window * 0.9 * self.rng.random() ** 1.5)))

    def reply_time(self, c: _Case, t: datetime, late: bool) -> datetime:
        window = (c.resolve_due - t).total_seconds()
        if late or window <= 1800:
            return max(t, c.resolve_due) + self.expo(2 * DAY, lo=30 * MIN)
        return t + timedelta(seconds=int(window * (0.3 + 0.68 * self.rng.random())))

    def simulate(self, c: _Case) -> None:
        p = c.plan
        rng = self.rng
        na = self.next_at
        t = c.created_at
        c.accept_due = self.due(t, c.cat.accept)
        # -- intake
        if p.withdraw == "submitted":
            tw = na(c, t + self.secs(20 * MIN, 3 * HOUR))
            if tw is not None:
                self.do_withdraw(c, tw)
            return
        late_accept = not p.forced and rng.random() < 0.06
        delay = c.accept_due - t + self.expo(2 * HOUR) if late_accept else self.expo(35 * MIN, lo=3 * MIN)
        t = na(c, t + delay, "intake")
        if t is None:
            return
        if p.refuse:
            self.do_refuse(c, t)
            return
        if p.duplicate_of:
            self.do_duplicate(c, t, p.duplicate_of)
            return
        if p.accept_first:
            self.do_accept(c, t)
            t = na(c, t + self.expo(40 * MIN, lo=2 * MIN), "dispatch")
            if t is None:
                return
        self.do_dispatch(c, t, p.unit or self.route_of(c), co_units=p.co_units)
        cycle = 0
        while True:
            first = cycle == 0
            # -- dispatched: sign
            if first and p.withdraw == "dispatched":
                tw = na(c, t + self.secs(30 * MIN, 6 * HOUR))
                if tw is not None:
                    self.do_withdraw(c, tw)
                return
            t = na(c, self.sign_time(c, t, first and p.late_sign), "sign")
            if t is None:
                return
            self.do_sign(c, t)
            # -- joint enforcement: the street calls departments in
            if first and p.joint:
                tc = na(c, t + self.expo(4 * HOUR, lo=20 * MIN))
                if tc is not None:
                    self.do_call(c, tc, p.joint)
            # -- first contact
            t = na(c, self.contact_time(c, t, first and p.late_contact), "contact")
            if t is None:
                return
            self.do_contact(c, t)
            not_before = t
            if first and p.supervise:
                ts = na(c, t + self.expo(8 * HOUR, lo=30 * MIN))
                if ts is not None:
                    self.do_supervise(c, ts, p.supervise)
                    not_before = ts
            if first and p.withdraw == "in_progress":
                tw = na(c, t + self.expo(DAY, lo=HOUR))
                if tw is not None:
                    self.do_withdraw(c, tw)
                return
            # -- a return request and the dispatcher's decision
            if first and p.ret:
                tr = na(c, t + self.expo(10 * HOUR, lo=30 * MIN), "request_return")
                if tr is None:
                    return
                req = self.do_request_return(c, tr)
                if p.ret == "pending":
                    return
                td = na(c, tr + self.expo(14 * HOUR, lo=HOUR), "decide_return")
                if td is None:
                    return
                if p.ret == "approve":
                    self.do_decide_return(c, td, req, True)
                    t = na(c, td + self.expo(HOUR, lo=5 * MIN), "dispatch")
                    if t is None:
                        return
                    self.do_dispatch(c, t, self.fallback_unit(c))
                    cycle += 1
                    continue
                self.do_decide_return(c, td, req, False)
                not_before = t = td
            # -- an extension request
            if first and p.ext:
                window = (c.resolve_due - t).total_seconds()
                if window > 2 * HOUR:
                    tx = na(c, t + timedelta(seconds=int(window * rng.uniform(0.3, 0.8))))
                    if tx is not None:
                        td = None
                        if p.ext != "pending":
                            td = na(c, tx + self.expo(8 * HOUR, lo=HOUR))
                        self.do_extension(c, tx, td, p.ext == "approve")
                        if td is None:
                            return
                        not_before = td
            # -- the lead unit's reply, after every department called in has replied
            if c.side_done is None:
                return
            tr = max(self.reply_time(c, t, first and p.late_reply), not_before, c.side_done) + timedelta(minutes=5)
            t = na(c, tr, "reply")
            if t is None:
                return
            text = self.texts.reply(c.cat.code, c.building)
            self.do_reply(c, t, text)
            # -- review of the reply
            t = na(c, t + self.expo(8 * HOUR, lo=10 * MIN), "review")
            if t is None:
                return
            if first and p.reject_reply:
                self.do_reject_reply(c, t)
                t = na(c, t + self.expo(DAY, lo=2 * HOUR), "reply")
                if t is None:
                    return
                self.do_reply(c, t, text + "已补充整改前后照片。")
                t = na(c, t + self.expo(8 * HOUR, lo=10 * MIN), "review")
                if t is None:
                    return
            self.do_approve(c, t)
            # -- callback, or closing when the resident cannot be reached
            if first and p.no_callback:
                t = na(c, t + self.secs(3 * DAY, 7 * DAY), "callback")
                if t is not None:
                    self.do_close(c, t, X.CLOSE_NO_CALLBACK)
                return
            t = na(c, t + self.expo(1.5 * DAY, lo=2 * HOUR), "callback")
            if t is None:
                return
            if first:
                self.do_callback(c, t, p.resolved, p.satisfaction)
            else:
                self.do_callback(c, t, True, "satisfied" if rng.random() < 0.8 else "basically_satisfied")
            if c.status == S.CLOSED:
                return
            # -- an unsatisfied callback: reopen, or close after review
            t = na(c, t + self.expo(DAY, lo=2 * HOUR), "review_callback")
            if t is None:
                return
            if first and p.reopen:
                self.do_reopen(c, t)
                cycle += 1
                continue
            unreasonable = p.unreasonable
            self.do_close(c, t, X.CLOSE_UNREASONABLE if unreasonable else X.CLOSE_EVALUATED, unreasonable)
            return

    def route_of(self, c: _Case) -> tuple:
        return (c.routed_unit_kind, c.routed_unit_id, c.routed_name)

    # -- state at "now" and the rows -------------------------------------------------------------

    def finish(self, c: _Case) -> None:
        now = self.now
        if c.status in _OPEN_STAGE_STATES:
            # The sweep has run every minute until now: running stages past their deadline are overdue.
            for stage in deadlines.running_stages(c):
                due_f, flag, _states = deadlines.STAGES[stage]
                due = getattr(c, due_f)
                if due < now:
                    setattr(c, flag, True)
                    c.late.append((stage, due, now))
            # Only the earliest passed deadline of a running stage counts (deadlines.overdue_since).
        level = c.supervision_level
        reached = []
        for stage, due, end in c.late:
            hours = (end - due).total_seconds() / 3600
            for lvl, h in self.escalations:
                if hours >= h and lvl > level:
                    reached.append((due + timedelta(hours=h), lvl, stage))
        if reached:
            reached.sort()
            for at, lvl, _stage in reached:
                if lvl > level:
                    level = lvl
                    self.event(c, at, "supervise", note=self.level_notes[lvl],
                               data={"level": lvl, "manual": False})
            c.supervision_level = level
        if not self.lean:
            for stage, due, _end in c.late:
                self.event(c, due, "overdue", note=self.stage_notes[stage], data={"stage": stage})
        c.next_check_at = None
        if c.status in _OPEN_STAGE_STATES:
            probe = _Probe(c)
            nxt = deadlines.next_check(probe, self.now_aware, warn_before=self.warn_before, escalations=self.escalations)
            c.next_check_at = nxt.astimezone(SH).replace(tzinfo=None) if nxt else None
        urgency = (2 if c.emergency else 0) + c.supervision_level
        ts = self.ts
        for k in c.tasks:
            if k.state in (TS.PENDING, TS.SIGNED):
                k.urgency = urgency
            row = list(_t_values(k))
            for i in T_TIMES:
                row[i] = ts(row[i])
            self.t_tasks.append(tuple(row))
        for req in c.requests:
            req[0] = self.writer.next_id(Request)
            req[11] = ts(req[11])
            req[13] = ts(req[13])
            self.t_requests.append(tuple(req))
        row = list(_c_values(c))
        for i in C_TIMES:
            row[i] = ts(row[i])
        self.t_complaints.append(tuple(row))
        self.counts[c.status] += 1

    # -- one complaint: who, what, where --------------------------------------------------------

    def new_case(self, e: EstateRow, cat: Cat, created: datetime, plan: Plan, *, reporter: User | None = None,
                 source: str | None = None) -> _Case:
        rng = self.rng
        c = _Case()
        c.id = self.writer.next_id(Complaint)
        day = created.date()
        if day != self._codes_day:
            self._codes_day, self._codes = day, set()
        prefix = "TS" + created.strftime("%y%m%d")
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
        c.accept_due = c.sign_due = c.contact_due = c.resolve_due = None
        c.created_at = created
        c.accepted_at = c.dispatched_at = c.signed_at = c.contacted_at = c.replied_at = None
        c.published_at = c.callback_at = c.closed_at = c.next_check_at = None
        c.accept_overdue = c.sign_overdue = c.contact_overdue = c.resolve_overdue = False
        c.supervision_level = 0
        c.duplicate_of_id = None
        c.return_final = c.unreasonable = False
        c.reply = c.public_reply = c.callback_comment = c.satisfaction = ""
        c.callback_resolved = None
        c.reopen_count = c.return_count = c.extension_count = 0
        c.plan = plan
        c.tasks, c.requests, c.late = [], [], []
        c.lead = None
        c.side_done = created
        c.last_step = created
        c.manual = 0
        label = {"12345": "12345 热线转办", "12358": "12358 热线转办", "staff": "工作人员录入"}.get(source, REPORTER)
        if not self.lean or "submit" in LEAN_ACTIONS:
            self.events.append((
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
        p.late_contact = rng.random() < 0.04 * bad
        p.late_reply = rng.random() < 0.062 * bad
        p.reject_reply = rng.random() < 0.03
        p.no_callback = rng.random() < 0.03
        r = rng.random()
        p_bad = 0.038 * bad
        if r < p_bad:
            p.resolved, p.satisfaction = rng.random() < 0.3, "dissatisfied"
        elif r < p_bad + 0.015 * bad:
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
        self.t_complaints = w.table(Complaint, C_FIELDS)
        self.t_tasks = w.table(Task, T_FIELDS)
        self.events = w.table(Event, E_FIELDS)
        self.t_requests = w.table(Request, R_FIELDS)
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

    # -- the featured estate: every state, for every demo login -------------------------------------

    def scripted(self, e: EstateRow, code: str, stop: str, hours_ago: float, *, reporter: User | None = None,
                 source: str | None = None, **plan) -> _Case | None:
        cat = self.cats.get(code)
        if cat is None:
            return None
        created = self.now - timedelta(seconds=int(hours_ago * 3600))
        p = Plan(forced=True, stop=STOP_BEFORE.get(stop), **plan)
        c = self.new_case(e, cat, created, p, reporter=reporter, source=source or ("resident" if reporter else None))
        self.simulate(c)
        self.finish(c)
        return c

    def build_featured(self) -> int:
        e = self.featured
        resident = self.logins.get("resident")
        if resident is not None and not resident.full_name:
            resident = None
        n0 = sum(self.counts.values())
        sc = self.scripted
        # Waiting for the dispatchers (district, city): to accept, to dispatch.
        sc(e, "cleaning_greening", S.SUBMITTED, 0.6)
        sc(e, "repairs", S.SUBMITTED, 1.2, reporter=resident)
        sc(e, "parking_fees", S.SUBMITTED, 5)  # past the 2-hour accept limit: overdue, 督办
        sc(e, "service_attitude", S.ACCEPTED, 3)
        # The company's queue: to sign, to contact, to handle, and its replies under review.
        sc(e, "cleaning_greening", S.DISPATCHED, 1.5)
        sc(e, "elevator", S.DISPATCHED, 0.7)
        sc(e, "repairs", S.DISPATCHED, 9)  # sign limit 4 h: overdue
        sc(e, "property_fees", S.SIGNED, 5)
        sc(e, "cleaning_greening", S.SIGNED, 40)  # contact limit 24 h: overdue
        sc(e, "repairs", S.IN_PROGRESS, 30, reporter=resident)
        sc(e, "cleaning_greening", S.IN_PROGRESS, 20, supervise=1)
        sc(e, "repairs", S.IN_PROGRESS, 24 * 12)  # resolve limit 5 working days: long overdue
        sc(e, "utility_sharing", S.IN_PROGRESS, 48, ext="pending")
        sc(e, "common_income", S.IN_PROGRESS, 72, ext="approve")
        sc(e, "parking_fees", S.RETURN_REVIEW, 20, ret="pending")
        sc(e, "repairs", S.IN_PROGRESS, 24 * 4, ret="reject")
        sc(e, "cleaning_greening", S.REPLY_REVIEW, 26)
        sc(e, "elevator", S.REPLY_REVIEW, 12)
        sc(e, "repairs", S.REPLIED, 60, reporter=resident)  # the resident can rate it
        sc(e, "service_attitude", S.REPLIED, 50)
        sc(e, "property_fees", S.EVALUATED, 24 * 5, resolved=False, satisfaction="dissatisfied")
        sc(e, "cleaning_greening", S.CLOSED, 24 * 8, reporter=resident)
        sc(e, "repairs", S.CLOSED, 24 * 9, resolved=True, satisfaction="basically_satisfied")
        original = sc(e, "elevator", S.CLOSED, 24 * 3)
        if original is not None:
            sc(e, "elevator", S.DUPLICATE, 24 * 3 - 2, duplicate_of=(original.id, original.tracking_code, original.created_at))
        sc(e, "other", S.REFUSED, 24 * 2)
        sc(e, "noise", S.WITHDRAWN, 24, withdraw="dispatched", reporter=resident)
        # The market regulator as co-unit on a fee complaint (dept_market): to sign, and signed.
        market = self.dept(e.district_id, "market")
        if market:
            sc(e, "property_fees", S.IN_PROGRESS, 6, source="12358", co_units=[market], side_progress=0)
            sc(e, "parking_fees", S.IN_PROGRESS, 30, source="12358", co_units=[market], side_progress=1)
            sc(e, "property_fees", S.REPLY_REVIEW, 24 * 4, source="12358", co_units=[market])
        # The community's own: noise and owners' committee matters.
        sc(e, "noise", S.DISPATCHED, 2)
        sc(e, "noise", S.IN_PROGRESS, 30)
        sc(e, "owners_committee", S.REPLY_REVIEW, 24 * 6)
        sc(e, "noise", S.CLOSED, 24 * 10)
        # The street's own: dispatched to the street by the district.
        street = self.unit(U.STREET, e.street_id)
        sc(e, "owners_committee", S.DISPATCHED, 3, unit=street)
        sc(e, "other", S.IN_PROGRESS, 26, unit=street)
        sc(e, "owners_committee", S.REPLIED, 24 * 7, unit=street)
        # Departments: fire safety with joint enforcement called by the street, illegal construction.
        sc(e, "fire_safety", S.IN_PROGRESS, 10, joint=["urban", "police"], side_progress=1)
        sc(e, "illegal_construction", S.IN_PROGRESS, 48, joint=["planning", "housing"], side_progress=0)
        sc(e, "parking_sale_only", S.DISPATCHED, 4)
        sc(e, "gang_clues", S.SIGNED, 6)
        # Any other dept_* login: a joint task for its department.
        covered = {"market", "fire", "urban", "police", "planning", "housing"}
        for user in self.dept_logins:
            kind = user.department.kind
            if kind not in covered:
                sc(e, "fire_safety", S.IN_PROGRESS, 8, joint=[kind], side_progress=0)
                covered.add(kind)
        # The resident: more of their own, over the year.
        if resident is not None:
            for days_ago, code in ((200, "parking_fees"), (120, "cleaning_greening"), (45, "elevator")):
                sc(e, code, S.CLOSED, 24 * days_ago, reporter=resident)
        return sum(self.counts.values()) - n0

    # -- rollups --------------------------------------------------------------------------------

    def rebuild_rollups(self) -> int:
        """Every unit-month recounted from the tasks with one aggregate query (== ``rollup_rebuild``)."""
        rows = Task.objects.values("unit_kind", "unit_id", "month").annotate(**COUNTS).order_by()
        names: dict = {}
        stats = []
        for row in rows.iterator(chunk_size=10_000):
            kind, pk = row.pop("unit_kind"), row.pop("unit_id")
            month = row.pop("month")
            stats.append(UnitMonthStat(month=month, unit_kind=kind, unit_id=pk, unit_name=self.name_of(kind, pk, names),
                                       district_id=self.district_of(kind, pk), **row))
        UnitMonthStat.objects.all().delete()
        UnitMonthStat.objects.bulk_create(stats, batch_size=5_000)
        return len(stats)

    def name_of(self, kind: str, pk: int, cache: dict) -> str:
        try:
            if kind == U.DEPARTMENT:
                return self.dept_names[pk]
            return self.unit(kind, pk)[2]
        except KeyError:
            key = (kind, pk)
            if key not in cache:
                cache[key] = Task.objects.filter(unit_kind=kind, unit_id=pk).values_list("unit_name", flat=True).first() or ""
            return cache[key]

    def district_of(self, kind: str, pk: int) -> int | None:
        if kind == U.DISTRICT:
            return pk
        if kind == U.DEPARTMENT:
            return self.dept_district.get(pk)
        if kind == U.STREET:
            return self.street_district.get(pk)
        if kind == U.COMMUNITY:
            row = self.community_rows.get(pk)
            return row[1] if row else None
        if kind == U.COMPANY:
            return self.company_district.get(pk)
        return None


# A scripted complaint ends in a state by stopping before the step that would leave it.
STOP_BEFORE = {
    S.SUBMITTED: "intake", S.ACCEPTED: "dispatch", S.DISPATCHED: "sign", S.SIGNED: "contact", S.IN_PROGRESS: "reply",
    S.RETURN_REVIEW: "decide_return", S.REPLY_REVIEW: "review", S.REPLIED: "callback", S.EVALUATED: "review_callback",
}
_OPEN_STAGE_STATES = frozenset({S.SUBMITTED, S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.RETURN_REVIEW})


class _Probe:
    """What ``deadlines.next_check`` reads of a complaint, with aware datetimes."""

    __slots__ = ("status", "supervision_level", "accept_due", "sign_due", "contact_due", "resolve_due",
                 "accept_overdue", "sign_overdue", "contact_overdue", "resolve_overdue")

    def __init__(self, c: _Case):
        self.status = c.status
        self.supervision_level = c.supervision_level
        for f in ("accept_overdue", "sign_overdue", "contact_overdue", "resolve_overdue"):
            setattr(self, f, getattr(c, f))
        for f in ("accept_due", "sign_due", "contact_due", "resolve_due"):
            v = getattr(c, f)
            setattr(self, f, v.replace(tzinfo=SH) if v is not None else None)


def build_demo_complaints(*, scale: str = "small", seed: int = 2026, now: datetime | None = None,
                          city_id: int | None = None, say: Callable[[str], None] | None = None) -> DemoComplaints:
    """Add a year of complaints to the demo city (call inside a transaction). See the module docstring."""
    say = say or (lambda text: None)
    b = ComplaintBuilder(scale=scale, seed=seed, now=now, say=say, city_id=city_id)
    b.build_year()
    b.build_featured()
    b.writer.finish()
    counts = {m._meta.model_name: n for m, n in b.writer.counts.items()}
    by_status = {str(Status(k).label): v for k, v in sorted(b.counts.items(), key=lambda kv: -kv[1])}
    b.stage(f"诉求：{counts.get('complaint', 0):,} 件，承办任务 {counts.get('task', 0):,} 条，"
            f"办理记录 {counts.get('event', 0):,} 条，退单/延期申请 {counts.get('request', 0):,} 条"
            f"（{len(b.texts.tokens):,} 种不同文本）")
    say("    状态：" + "，".join(f"{k} {v:,}" for k, v in by_status.items()))
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
        seconds=time.monotonic() - b.started,
    )
