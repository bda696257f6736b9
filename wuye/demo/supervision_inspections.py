"""The demo's inspector pools, monthly double-random plans and their draws, the inspections they
produced, and the rectification orders for the defects found (part of ``supervision.SupervisionBuilder``).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection

from wuye.accounts.models import Role, User
from wuye.core.calendar import PeriodUnit, add_period
from wuye.supervision.inspections import draw as drawing
from wuye.supervision.models import (
    Draw,
    Inspection,
    InspectionPlan,
    InspectionScore,
    Inspector,
    InspectorConflict,
    OrderEvent,
    RectificationOrder,
)
from wuye.supervision.orders.workflow import ORDER

from . import identifiers as ids
from . import names as N
from .bulk import timestamp
from .common import People

ZERO = Decimal("0")
HALF = Decimal("0.5")

ORGANISATIONS = ["住房和城乡建设局物业科", "房产服务中心", "物业管理办公室", "街道城市管理办公室"]
EXPERTISE = ["物业管理", "房屋安全", "设施设备", "消防安全", "环境卫生", "园林绿化", "电梯安全", "财务审计"]
DEFECT_NOTES = ["现场抽查未达标", "记录缺失", "部分区域未落实", "设施损坏未及时维修", "台账不完整"]


# The rectification sweep's event note (``wuye.supervision.orders.sweep``).
OVERDUE_NOTE = "超过整改期限未完成"


def sweep_tick_after(moment: datetime) -> datetime:
    """The first pass of the rectification sweep (every 10 minutes) that finds ``moment`` passed."""
    floor = moment.replace(minute=moment.minute - moment.minute % 10, second=0, microsecond=0)
    return floor + timedelta(minutes=10)


class InspectionsMixin:
    """Inspectors, plans, draws, inspections and rectification orders."""

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
        conflicts = self.build_conflicts(rng)
        w.flush()
        self.stage(f"检查人员库：{sum(len(v) for v in self.pool.values())} 人（新建账号 {len(users)} 个），回避关系 {len(conflicts) or len(self.conflicts)} 条")

    def build_conflicts(self, rng) -> list[tuple]:
        """One declared conflict per district: an inspector who used to work for a company there."""
        w = self.writer
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
        return conflicts

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
        self.open_order_tables()
        self.inspection_status: Counter = Counter()
        # Results other stages use.
        self.inspection_results: list[dict] = []  # submitted inspections: id, estate, company, district, day, score, concluded
        self.latest_inspection: dict[int, dict] = {}
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

    def open_order_tables(self) -> None:
        w = self.writer
        self.orders = w.table(RectificationOrder, [
            "id", "number", "inspection_id", "item_id", "estate_id", "company_id", "district_id", "street_id", "defect",
            "requirement", "status", "version", "deadline", "issued_by_id", "submitted_at", "closed_at",
            "reinspected_by_id", "reopen_count", "overdue_at", "created_at", "updated_at"])
        self.order_events = w.table(OrderEvent, ["id", "order_id", "actor_id", "action", "from_status", "to_status", "note", "created_at"])
        self.order_numbers: Counter = Counter()
        self.overdue_orders: list[dict] = []

    def order(self, inspection_id: int, e: dict, item: dict, issued: datetime, issuer: int, q: float, rng):
        """One rectification order: when the company answers and when the re-inspection closes it are
        drawn from its quality; the rows are what ``order_replay`` writes for those times."""
        deadline = self.deadline(issued)
        submitted_at = closed_at = None
        if getattr(self, "featured_force", False):  # the featured estate's check keeps its order open
            return self.order_replay(inspection_id, e, item, issued, issuer, deadline, None, None)
        span = max(1, int((deadline - issued).total_seconds() // 3600))
        if deadline < self.now:
            if rng.random() < 0.9 + 0.09 * q:
                late = rng.random() < 0.12 * (1.2 - q)
                submitted_at = issued + timedelta(hours=rng.randrange(24, span)) if not late else \
                    deadline + timedelta(days=rng.randint(1, 6), hours=rng.randint(1, 8))
                closed_at = submitted_at + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 6))
            elif rng.random() < 0.3:
                submitted_at = min(self.now - timedelta(hours=2), deadline + timedelta(days=rng.randint(1, 5)))
        elif rng.random() < 0.4:
            submitted_at = issued + timedelta(hours=rng.randrange(12, max(13, int((self.now - issued).total_seconds() // 3600) + 13)))
        return self.order_replay(inspection_id, e, item, issued, issuer, deadline, submitted_at, closed_at)

    def order_replay(self, inspection_id: int, e: dict, item: dict, issued: datetime, issuer: int, deadline: datetime,
                     submitted_at: datetime | None, closed_at: datetime | None) -> tuple[bool, datetime | None]:
        """The rows the services write for an order issued at ``issued`` (``order_issue``), answered at
        ``submitted_at`` (``ORDER`` "submit") and closed by the re-inspection at ``closed_at`` (``ORDER``
        "close"), with the rectification sweep's overdue mark: its first pass (every 10 minutes) after the
        deadline finds the order open or submitted (``orders.sweep.sweep_orders``; it changes no version).
        Steps after ``now`` have not happened. Returns (closed, closed_at)."""
        O = RectificationOrder.Status  # noqa: E741
        w = self.writer
        oid = w.next_id(RectificationOrder)
        prefix = f"ZG{issued:%Y%m}"
        self.order_numbers[prefix] += 1
        number = f"{prefix}{self.order_numbers[prefix]:04d}"
        if submitted_at is None or submitted_at > self.now:
            submitted_at = closed_at = None
        if closed_at is not None and closed_at > self.now:
            closed_at = None
        defect = f"{item['code']} {item['text']}"[:500]
        requirement = f"按“{item['code']} {item['text']}”的要求整改到位，并上传整改前后照片。"[:500]  # order_issue's wording
        events = [("issue", issuer, "", O.OPEN, defect, issued)]
        tick = sweep_tick_after(deadline)
        overdue_at = tick if tick <= self.now and (closed_at is None or closed_at > tick) else None
        steps = [(at, action, actor, note) for at, action, actor, note in (
            (submitted_at, "submit", None, "已整改，上传整改前后照片"),
            (closed_at, "close", issuer, "回头看：已整改到位，予以销号"),
            (overdue_at, "overdue", None, OVERDUE_NOTE)) if at is not None]
        status, version, updated = O.OPEN, 0, issued
        for at, action, actor, note in sorted(steps, key=lambda s: s[0]):
            if action == "overdue":
                events.append((action, actor, status, status, note, at))
                continue
            t = ORDER[action]
            events.append((action, actor, status, t.target, note, at))
            status, version, updated = t.target, version + 1, at
        if overdue_at:
            self.overdue_orders.append({"id": oid, "estate": e["id"], "company": e["company_id"], "district": e["district_id"],
                                        "day": overdue_at.date(), "number": number, "closed_at": closed_at})
        self.orders.append((oid, number, inspection_id, item["id"], e["id"], e["company_id"], e["district_id"], e["street_id"],
                            defect, requirement, status, version, timestamp(deadline), issuer, self.t(submitted_at),
                            self.t(closed_at), issuer if closed_at else None, 0, self.t(overdue_at), timestamp(issued),
                            timestamp(updated)))
        for action, actor, frm, to, note, at in events:
            self.order_events.append((w.next_id(OrderEvent), oid, actor, action, frm, to, note, timestamp(at)))
        return closed_at is not None, closed_at
