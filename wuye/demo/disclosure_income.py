"""Demo common-income reports (issue 5 item 1) for the demo city.

``build_demo_income(scale=..., seed=..., now=..., city_id=..., say=...)`` adds:

- for most estates with a company, last year's report (lift and wall advertising, common-road
  parking from the registry's rented common-road spaces when there are any, venue rental, other;
  itemised reasonable costs; the use), confirmed by the committee (or the street office) in the
  first quarter and published for 15 days, with every unit's share by exclusive area (exact to the
  fen, ``wuye.disclosure.allocation``) and the event trail;
- a few reports still waiting for confirmation or returned to the company, and a few estates
  with none at all (the overdue sweep finds those after the deadline);
- the featured estate 幸福里小区: scenario 7's report (lift advertising 86,400, common-road
  parking 52,800, costs 12,000) published, and a draft of this year's report for the company.

Per-unit shares are the big table (one row per unit): they are written for published reports
until a budget (``SHARE_BUDGET``) is spent; estates past the budget get a report awaiting
confirmation instead, so that the megacity stays within ~300k rows. Rows are written in bulk;
the same seed and ``now`` give the same rows.
"""

from __future__ import annotations

import calendar
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum
from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.core.calendar import period_last_day
from wuye.core.money import money as yuan
from wuye.disclosure.allocation import split_integer
from wuye.disclosure.models import (
    DisclosureSettings,
    IncomeCost,
    IncomeEvent,
    IncomeItem,
    IncomeReport,
    IncomeShare,
)
from wuye.governance.models import Motion
from wuye.registry.models import Estate, OwnersCommittee, ParkingSpace, Unit

from .bulk import BulkWriter, timestamp

SH = ZoneInfo("Asia/Shanghai")
FEATURED = "幸福里小区"
SHARE_BUDGET = {"small": 10_000_000, "city": 150_000, "megacity": 200_000}
PUBLISH_RATE = 0.8  # of estates with a company: last year's report published
WAITING_RATE = 0.08  # submitted or returned; the rest have none

COSTS = [
    ("广告位日常维护及电费", (0.03, 0.08)),
    ("停车秩序维护人员劳务", (0.05, 0.12)),
    ("收费票据及银行手续费", (0.005, 0.015)),
    ("场地保洁及设施损耗", (0.02, 0.05)),
]
AD_TEXTS = ["电梯轿厢框架广告，{n} 部电梯全年", "电梯间液晶屏广告，{n} 块屏全年"]
WALL_TEXTS = ["小区东门外墙户外广告牌", "临街围墙广告位出租"]
VENUE_TEXTS = ["会所活动室出租（婚宴、培训）", "小区广场临时摊位及快递柜场地费", "架空层场地出租给早教机构"]
OTHER_TEXTS = ["通信基站场地使用费", "共享单车停放点管理费", "废品回收收入"]
RETURN_REASONS = ["停车收入与车位台账登记的出租数量不符，请核对", "成本中“管理费”未列明明细，请逐项列明"]


def money(x: float) -> Decimal:
    """A drawn amount in yuan, rounded half up to the fen by the platform's one rule."""
    return yuan(Decimal(str(x)))


def build_demo_income(*, scale: str = "small", seed: int = 2026, now: datetime | None = None,
                      city_id: int | None = None, say: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write the demo common-income reports (call inside a transaction). Returns rows written."""
    say = say or (lambda text: None)
    started = time.monotonic()
    rng = random.Random(f"income:{seed}")
    public_days = DisclosureSettings.current().income_public_days
    now = (now or timezone.now()).astimezone(SH).replace(microsecond=0)
    estates_qs = Estate.objects.filter(company__isnull=False)
    if city_id:
        estates_qs = estates_qs.filter(district__city_id=city_id)
    estates = list(estates_qs.order_by("id").values("id", "name", "company_id", "street_id"))
    if not estates:
        return {}
    builder = _IncomeBuilder(rng, now, [e["id"] for e in estates], scale=scale, public_days=public_days)
    for e in estates:
        builder.estate(e)
        builder.w.flush_if_full()
    builder.w.finish()
    counts = builder.counts
    written = {m._meta.model_name: n for m, n in builder.w.counts.items()}
    say(f"  公共收益公示：已公示 {counts['published']}，待确认或退回 {counts['waiting']}，未编制 {counts['none']}；"
        f"分户收益 {written.get('incomeshare', 0)} 条（{time.monotonic() - started:.1f} 秒）")
    return written


class _IncomeBuilder:
    """The reports of one run, estate by estate, all drawn from ``rng`` in turn."""

    def __init__(self, rng: random.Random, now: datetime, ids: list[int], *, scale: str, public_days: int):
        self.rng = rng
        self.now = now
        self.public_days = public_days
        # Last year's report is drafted in January and confirmed by mid-February; before that, the demo
        # shows the year before as published and last year's as the featured company's draft.
        self.early = now.date() < date(now.year, 2, 15)
        self.year = now.year - (2 if self.early else 1)
        self.committees = set(OwnersCommittee.objects.filter(estate_id__in=ids, is_current=True)
                              .values_list("estate_id", flat=True))
        self.unit_counts = dict(Unit.objects.filter(estate_id__in=ids).values_list("estate_id")
                                .annotate(n=Count("id")))
        self.parking = {row[0]: (row[1], row[2]) for row in ParkingSpace.objects.filter(
            estate_id__in=ids, kind=ParkingSpace.Kind.COMMON_ROAD, ownership=ParkingSpace.Ownership.COMMON,
            disposal=ParkingSpace.Disposal.RENTED).values_list("estate_id").annotate(n=Count("id"),
                                                                                     r=Sum("monthly_rent"))}
        self.managers = dict(User.objects.filter(role=Role.COMPANY_MANAGER, company_id__isnull=False)
                             .order_by("-id").values_list("company_id", "id"))
        self.committee_users = dict(User.objects.filter(role=Role.COMMITTEE, estate_id__in=ids)
                                    .values_list("estate_id", "id"))
        # Closed owners' votes of the estates (built before this step): a report used "as the owners
        # decided" cites one.
        self.motions = dict(Motion.objects.filter(
            estate_id__in=ids, closed_at__isnull=False, cancelled_at__isnull=True,
            matter__in=["use_maintenance_fund", "change_common_use", "other_major_matter"],
        ).order_by("id").values_list("estate_id", "id"))
        self.street_users = dict(User.objects.filter(role=Role.STREET, street_id__isnull=False)
                                 .values_list("street_id", "id"))
        w = self.w = BulkWriter(batch_size=50_000)
        self.reports = w.table(IncomeReport, [
            "id", "created_at", "updated_at", "estate_id", "company_id", "period_start", "period_end", "status",
            "version", "gross", "costs", "net", "use", "use_note", "decision_ref", "total_area", "public_from",
            "public_until", "created_by_id", "submitted_at", "confirmed_by_id", "confirmed_at", "decision_motion_id"])
        self.items = w.table(IncomeItem, ["id", "report_id", "source", "description", "amount", "from_parking"])
        self.costs = w.table(IncomeCost, ["id", "report_id", "description", "amount"])
        self.events = w.table(IncomeEvent, ["id", "report_id", "actor_id", "action", "from_status", "to_status",
                                            "note", "created_at"])
        self.shares = w.table(IncomeShare, ["id", "report_id", "unit_id", "area", "amount"])
        self.budget = SHARE_BUDGET.get(scale, SHARE_BUDGET["small"])
        self.start, self.end = date(self.year, 1, 1), date(self.year, 12, 31)
        self.counts = {"published": 0, "waiting": 0, "none": 0}

    def ts(self, d: date, hour: int) -> str:
        return timestamp(datetime(d.year, d.month, d.day, hour, self.rng.randint(0, 59), tzinfo=SH))

    def event(self, report_id, actor, action, before, after, at, note=""):
        self.events.append((self.w.next_id(IncomeEvent), report_id, actor, action, before, after, note, at))

    # ---- one estate

    def estate(self, e: dict) -> None:
        """Last year's report of one estate (published or waiting), or none; the featured one also a draft."""
        rng, ts, year = self.rng, self.ts, self.year
        featured = e["name"] == FEATURED
        roll = rng.random()
        if not featured and roll >= PUBLISH_RATE + WAITING_RATE:
            self.counts["none"] += 1
            return
        n_units = self.unit_counts.get(e["id"], 0)
        publish = featured or (roll < PUBLISH_RATE and n_units and n_units <= self.budget)
        rid = self.w.next_id(IncomeReport)
        manager = self.managers.get(e["company_id"])
        gross, total_costs = self.lines(rid, e, featured)
        drafted = date(year + 1, 1, rng.randint(5, 20))
        submitted = drafted + timedelta(days=rng.randint(1, 6))
        self.event(rid, manager, "create", "", "draft", ts(drafted, 9))
        self.event(rid, manager, "submit", "draft", "submitted", ts(submitted, 15))
        report = _Report(rid=rid, e=e, manager=manager, gross=gross, total_costs=total_costs, drafted=drafted,
                         submitted=submitted, use=self.use(e, featured))
        if publish:
            self.published(report, featured)
        else:
            self.waiting(report)
        if featured:  # this year's draft, for the company login
            self.this_year_draft(e, manager)

    def use(self, e: dict, featured: bool) -> tuple[str, str, str, int | None]:
        """(use, use note, decision, motion) of a report."""
        rng = self.rng
        use, decision, motion = ("maintenance_fund", "", None)
        if rng.random() < 0.15 or (e["id"] in self.motions and not featured):
            use, decision = ("owners_decision", f"{self.year} 年第 {rng.randint(1, 3)} 次业主大会决定")
            motion = self.motions.get(e["id"])
            if motion:
                decision = f"业主大会表决第 {motion} 号事项"
        use_note = "用于更换单元门禁及监控设备" if use == "owners_decision" else "转入本小区专项维修资金账户"
        return use, use_note, decision, motion

    def published(self, r: _Report, featured: bool) -> None:
        rng, ts, e = self.rng, self.ts, r.e
        net = r.gross - r.total_costs
        use, use_note, decision, motion = r.use
        confirmer = self.confirmer(e)
        confirmed = r.submitted + timedelta(days=rng.randint(2, 15))
        areas = list(Unit.objects.filter(estate_id=e["id"]).order_by("id").values_list("id", "exclusive_area"))
        total_area = sum((a for _u, a in areas), Decimal("0"))
        # Areas in hundredths of m² and the net in fen: the allocation's integer path (same result).
        fen = split_integer(int(net * 100), [int(a * 100) for _u, a in areas])
        for (uid, area), amount in zip(areas, fen, strict=True):
            self.shares.append((self.w.next_id(IncomeShare), r.rid, uid, str(area),
                                str(Decimal(amount).scaleb(-2))))
        if not featured:
            self.budget -= len(areas)
        self.event(r.rid, confirmer, "confirm", "submitted", "published", ts(confirmed, 10), "已逐项核对")
        self.reports.append((
            r.rid, ts(r.drafted, 9), ts(confirmed, 10), e["id"], e["company_id"], self.start.isoformat(),
            self.end.isoformat(), "published", 3, str(r.gross), str(r.total_costs), str(net), use, use_note,
            decision, str(total_area), confirmed.isoformat(),
            period_last_day(confirmed, self.public_days).isoformat(),
            r.manager, ts(r.submitted, 15), confirmer, ts(confirmed, 10), motion))
        self.counts["published"] += 1

    def waiting(self, r: _Report) -> None:
        rng, ts, e = self.rng, self.ts, r.e
        use, use_note, decision, motion = r.use
        status = "submitted"
        if rng.random() < 0.3:
            status = "returned"
            self.event(r.rid, self.confirmer(e), "return", "submitted", "returned",
                       ts(r.submitted + timedelta(days=3), 11), rng.choice(RETURN_REASONS))
        self.reports.append((
            r.rid, ts(r.drafted, 9), ts(r.submitted, 15), e["id"], e["company_id"], self.start.isoformat(),
            self.end.isoformat(), status, 2, str(r.gross), str(r.total_costs), str(r.gross - r.total_costs), use,
            use_note, decision, "0", None, None, r.manager, ts(r.submitted, 15), None, None, motion))
        self.counts["waiting"] += 1

    def confirmer(self, e: dict) -> int | None:
        """Who confirms an estate's report: its committee, or the street office where there is none."""
        if e["id"] in self.committees:
            return self.committee_users.get(e["id"])
        return self.street_users.get(e["street_id"])

    def this_year_draft(self, e: dict, manager: int | None) -> None:
        ts, year, now = self.ts, self.year, self.now
        did = self.w.next_id(IncomeReport)
        this_start = date(year + 1, 1, 1)
        if self.early or now.month == 1:
            this_end = date(year + 1, 12, 31)
        else:
            this_end = date(year + 1, now.month - 1, calendar.monthrange(year + 1, now.month - 1)[1])
        self.items.append((self.w.next_id(IncomeItem), did, "lift_ad", "电梯轿厢框架广告", "64800.00", False))
        self.reports.append((
            did, ts(now.date() - timedelta(days=2), 9), ts(now.date() - timedelta(days=2), 9), e["id"],
            e["company_id"], this_start.isoformat(), this_end.isoformat(), "draft", 1, "64800.00",
            "0.00", "64800.00", "maintenance_fund", "", "", "0", None, None, manager, None, None, None, None))
        self.event(did, manager, "create", "", "draft", ts(now.date() - timedelta(days=2), 9))
        self.event(did, manager, "edit", "draft", "draft", ts(now.date() - timedelta(days=2), 10),
                   "新增收入：电梯广告 64800.00 元")

    # ---- income and cost lines

    def lines(self, report_id, e, featured: bool) -> tuple[Decimal, Decimal]:
        """Write a report's income items and costs; returns (gross, costs)."""
        rng, w = self.rng, self.w
        if featured:
            out = [("lift_ad", "电梯轿厢框架广告，12 部电梯全年", Decimal("86400.00"), False),
                   ("common_parking", "小区道路划线停车位出租，全年", Decimal("52800.00"), e["id"] in self.parking)]
        else:
            out = self.drawn_lines(e)
        gross = sum((a for *_x, a, _p in out), Decimal("0"))
        for source, text, amount, from_parking in out:
            self.items.append((w.next_id(IncomeItem), report_id, source, text, str(amount), from_parking))
        if featured:
            cost_lines = [("广告位日常维护及电费", Decimal("4800.00")), ("停车秩序维护人员劳务", Decimal("7200.00"))]
        else:
            cost_lines = [(name, money(float(gross) * rng.uniform(*share))) for name, share in rng.sample(COSTS, 2)]
        total_costs = sum((a for _n, a in cost_lines), Decimal("0"))
        for name, amount in cost_lines:
            self.costs.append((w.next_id(IncomeCost), report_id, name, str(amount)))
        return gross, total_costs

    def drawn_lines(self, e: dict) -> list[tuple[str, str, Decimal, bool]]:
        """The income items of an estate other than the featured one: at least one."""
        rng = self.rng
        lifts = max(1, self.unit_counts.get(e["id"], 0) // 60)
        out: list[tuple[str, str, Decimal, bool]] = []
        if rng.random() < 0.8:
            out.append(("lift_ad", rng.choice(AD_TEXTS).format(n=lifts), money(lifts * rng.uniform(3000, 7200)), False))
        if rng.random() < 0.35:
            out.append(("wall_ad", rng.choice(WALL_TEXTS), money(rng.uniform(6000, 30000)), False))
        if e["id"] in self.parking:
            n, rent = self.parking[e["id"]]
            out.append(("common_parking", f"{n} 个共有道路车位，月租金合计 {rent} 元 × 12 个月",
                        yuan(Decimal(rent or 0) * 12), True))
        elif rng.random() < 0.4:
            out.append(("common_parking", "小区道路临时停车收费", money(rng.uniform(8000, 60000)), False))
        if rng.random() < 0.3:
            out.append(("venue", rng.choice(VENUE_TEXTS), money(rng.uniform(2000, 24000)), False))
        if rng.random() < 0.2:
            out.append(("other", rng.choice(OTHER_TEXTS), money(rng.uniform(1000, 12000)), False))
        if not out:
            out.append(("lift_ad", AD_TEXTS[0].format(n=lifts), money(lifts * rng.uniform(3000, 7200)), False))
        return out


@dataclass(frozen=True)
class _Report:
    """Last year's report of one estate, as drafted and submitted, before it is confirmed or not."""

    rid: int
    e: dict
    manager: int | None
    gross: Decimal
    total_costs: Decimal
    drafted: date
    submitted: date
    use: tuple[str, str, str, int | None]
