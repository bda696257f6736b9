"""Demo campaign work plan (issue 16 items 1–4, item 13): the leading group, the staffing of
districts and streets, and the year's work plan in the 2020 style — 24 numbered key tasks across
13 member units (eleven city-level departments and two districts), with reports in every status.

``build_demo_campaign(scale=..., seed=..., now=..., city_id=..., say=...)`` writes, for the year
of ``now``:

- the city-level departments (市城管委, 市住建委, 规划, 市场监管, 公安, 消防, 供水, 供电, 供热, 燃气, 生态环境)
  where the city has none yet, a demo login ``dept_city`` bound to 市城市管理委员会, and the
  leading group (the city bureau leads; the departments and two districts are members);
- named property-management officials for every district, most streets and half the
  communities (a few streets left empty, so the coverage view has something to show);
- the three-year action and the year's plan; 24 tasks (one with the 900-enclosure target split by
  district, six bound to platform indicators), monthly or quarterly reports: the office has
  accepted most of them, returned a few with a reason, some wait for review; co-units' reports
  consolidated or waiting for the lead; two tasks completed, two past their deadline, several
  behind on reports, one added this month and not started.

Rows are written directly (no messages are sent for demo rows); the same seed and ``now`` give
the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.campaign import rowcache
from wuye.campaign.models import (
    Action,
    MemberUnit,
    Plan,
    Report,
    ReportEvent,
    Rhythm,
    StaffingPost,
    TargetQuota,
    Task,
    TaskEvent,
    TaskUnit,
)
from wuye.campaign.periods import report_due, task_periods
from wuye.cases.models import UnitKind
from wuye.cases.units import unit_name
from wuye.core.calendar import PeriodUnit
from wuye.territory.models import Community, Department, District, Street

from .common import People
from .generator import DEMO_PASSWORD

K = Department.Kind
CITY_DEPARTMENTS = [
    (K.URBAN_MANAGEMENT, "市城市管理委员会"), (K.CONSTRUCTION, "市住房和城乡建设委员会"),
    (K.PLANNING, "市规划和自然资源局"), (K.MARKET, "市市场监督管理局"), (K.POLICE, "市公安局"),
    (K.FIRE, "市消防救援支队"), (K.WATER, "市水务集团"), (K.POWER, "国网市供电公司"), (K.HEATING, "市热力集团"),
    (K.GAS, "市燃气集团"), (K.ECOLOGY, "市生态环境局"),
]

# number, title, lead (a city department's kind, or "d0".."d2": the first districts, in turn),
# co-units ("districts" = every district of the city), rhythm, indicator, target, a twist of its own
TASKS = [
    ("1", "完成老旧楼院加装封闭设施", "construction", "districts", Rhythm.MONTH, "", 900, ""),
    ("2", "推进老旧小区综合整治", "construction", "districts", Rhythm.QUARTER, "", None, ""),
    ("3", "实施老旧小区供水户表改造", "water", "d0", Rhythm.QUARTER, "", None, ""),
    ("4", "实施老旧小区供电户表改造", "power", "d1", Rhythm.QUARTER, "", None, "behind"),
    ("5", "开展供热设施隐患排查", "heating", "", Rhythm.MONTH, "", None, ""),
    ("6", "开展燃气安全专项检查", "gas", "", Rhythm.MONTH, "", None, "behind"),
    ("7", "打通住宅小区消防生命通道", "fire", "districts", Rhythm.MONTH, "", None, ""),
    ("8", "治理住宅小区违法建设", "urban", "districts", Rhythm.MONTH, "", None, "returned"),
    ("9", "开展物业服务收费专项检查", "market", "", Rhythm.QUARTER, "", None, ""),
    ("10", "深挖物业领域涉黑涉恶线索", "police", "", Rhythm.QUARTER, "", None, "overdue"),
    ("11", "规范配套设施移交", "planning", "construction", Rhythm.QUARTER, "", None, "overdue"),
    ("12", "落实承接查验和交付管理", "construction", "", Rhythm.MONTH, "", None, "done"),
    ("13", "提升投诉按时办结率", "d0", "", Rhythm.MONTH, "complaint_on_time", 95, ""),
    ("14", "提升群众满意度", "d1", "", Rhythm.MONTH, "satisfaction", 90, ""),
    ("15", "公共收益公示全覆盖", "d2", "", Rhythm.QUARTER, "income_disclosure_coverage", 100, ""),
    ("16", "收费公示全覆盖", "market", "districts", Rhythm.QUARTER, "fee_notice_coverage", 100, ""),
    ("17", "推进业主委员会组建", "d0", "", Rhythm.QUARTER, "committee_coverage", 60, "behind"),
    ("18", "双随机检查全覆盖", "d1", "", Rhythm.MONTH, "inspection_coverage", 100, ""),
    ("19", "开展物业从业人员培训", "d2", "", Rhythm.QUARTER, "", None, "done"),
    ("20", "配齐配强街道社区物业管理人员", "d0", "", Rhythm.QUARTER, "", None, ""),
    ("21", "推行准物业服务", "d1", "", Rhythm.QUARTER, "", None, ""),
    ("22", "开展物业服务企业信用评价", "d2", "", Rhythm.QUARTER, "", None, ""),
    ("23", "推进住宅小区垃圾分类", "ecology", "d0", Rhythm.QUARTER, "", None, ""),
    ("24", "建设智慧物业管理平台", "construction", "", Rhythm.MONTH, "", None, "new"),
]

TEXTS = ["已召开专题推进会，分解任务到各责任单位", "本期按计划推进，完成阶段目标", "已完成摸底排查，建立问题台账",
         "督导检查发现的问题已交办整改", "会同相关单位开展联合检查", "已形成阶段性工作总结"]
RETURN_REASONS = ["缺少具体数据，请补充完成数量和照片", "未反映配合单位进展，请汇总后重报", "问题台账不完整，请补充整改时限"]


def _tz_at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour), tzinfo=timezone.get_default_timezone())


def _city_departments(city_id: int) -> dict[str, tuple[int, str]]:
    out = {}
    for kind, name in CITY_DEPARTMENTS:
        dept = Department.objects.filter(district=None, kind=kind).first()
        if dept is None:
            dept = Department.objects.create(district=None, kind=kind, name=name, phone="12345")
        out[kind] = (dept.pk, dept.name)
    return out


def _members(city_id: int, depts, districts, people: People) -> list[MemberUnit]:
    rows = [MemberUnit(unit_kind=UnitKind.CITY, unit_id=city_id, unit_name=unit_name(UnitKind.CITY, city_id),
                       role=MemberUnit.Role.LEAD, contact_name=people.name(born_from=1970, born_to=1985),
                       duty="领导小组办公室，统筹协调、督查督办、通报考核")]
    for kind, (pk, name) in depts.items():
        rows.append(MemberUnit(unit_kind=UnitKind.DEPARTMENT, unit_id=pk, unit_name=name, contact_name=people.name(
            born_from=1970, born_to=1990), duty=f"负责本系统{K(kind).label}相关任务"))
    for d in districts:
        rows.append(MemberUnit(unit_kind=UnitKind.DISTRICT, unit_id=d.pk, unit_name=unit_name(UnitKind.DISTRICT, d.pk),
                               contact_name=people.name(born_from=1970, born_to=1990), duty="落实属地责任"))
    return MemberUnit.objects.bulk_create(rows)


def _staffing(city_id: int, rng: random.Random, people: People) -> int:
    rows = []
    for d in District.objects.filter(city_id=city_id).order_by("id"):
        rows.append(StaffingPost(unit_kind=UnitKind.DISTRICT, unit_id=d.pk, unit_name=d.name, district_id=d.pk,
                                 name=people.name(born_from=1970, born_to=1985), position="副局长", duty="分管物业管理"))
    for s in Street.objects.filter(district__city_id=city_id).order_by("id"):
        if rng.random() < 0.15:
            continue  # nobody yet: the coverage view shows it
        rows.append(StaffingPost(unit_kind=UnitKind.STREET, unit_id=s.pk, unit_name=s.name, district_id=s.district_id,
                                 street_id=s.pk, name=people.name(born_from=1972, born_to=1992), position="副主任",
                                 duty="分管物业管理和业委会指导"))
    for c in Community.objects.filter(street__district__city_id=city_id).select_related("street").order_by("id"):
        if rng.random() < 0.5:
            rows.append(StaffingPost(unit_kind=UnitKind.COMMUNITY, unit_id=c.pk, unit_name=c.name,
                                     district_id=c.street.district_id, street_id=c.street_id,
                                     name=people.name(born_from=1975, born_to=1998), position="物业专干",
                                     duty="物业纠纷调解和日常巡查"))
    return len(StaffingPost.objects.bulk_create(rows))


class _Builder:
    """The plan's tasks and their reports, in the order of ``TASKS``."""

    def __init__(self, *, rng, now, plan, office, depts, districts, all_districts):
        self.rng, self.now, self.plan, self.office = rng, now, plan, office
        self.depts, self.districts, self.all_districts = depts, districts, all_districts
        self.year = plan.year
        self.reports: list[Report] = []

    def unit(self, ref: str):
        if ref.startswith("d") and ref[1:].isdigit():
            d = self.districts[int(ref[1:]) % len(self.districts)]
            return UnitKind.DISTRICT, d.pk, unit_name(UnitKind.DISTRICT, d.pk), d.pk
        pk, name = self.depts[ref]
        return UnitKind.DEPARTMENT, pk, name, None

    def co_units(self, co_ref: str, lead) -> list:
        if co_ref == "districts":
            co = [(UnitKind.DISTRICT, d.pk, unit_name(UnitKind.DISTRICT, d.pk), d.pk) for d in self.all_districts]
        else:
            co = [self.unit(co_ref)] if co_ref else []
        return [u for u in co if u[:2] != lead[:2]]

    def task(self, number, title, lead_ref, co_ref, rhythm, indicator, quantity, twist) -> None:
        rng, year = self.rng, self.year
        lead = self.unit(lead_ref)
        co = self.co_units(co_ref, lead)
        due = date(year, 12, 31)
        if twist == "overdue":
            due = max(date(year, 1, 31), timezone.localdate(self.now) - timedelta(days=40 + rng.randint(0, 20)))
        task = Task.objects.create(plan=self.plan, number=number, title=title, content=f"{title}，按期完成年度目标。",
                                   lead_kind=lead[0], lead_id=lead[1], lead_name=lead[2], due_date=due, rhythm=rhythm,
                                   indicator=indicator, target_quantity=quantity,
                                   target_unit="个" if number == "1" else ("%" if indicator else ""))
        created = self.now if twist == "new" else _tz_at(date(year, 1, 6))
        Task.objects.filter(pk=task.pk).update(created_at=created)
        TaskUnit.objects.bulk_create(
            [TaskUnit(task=task, role=TaskUnit.Role.LEAD, kind=lead[0], unit_id=lead[1], name=lead[2], district_id=lead[3])]
            + [TaskUnit(task=task, role=TaskUnit.Role.CO, kind=u[0], unit_id=u[1], name=u[2], district_id=u[3]) for u in co])
        TaskEvent.objects.create(task=task, action="create", actor=self.office, note="新增任务", created_at=created)
        quotas: list[int] = []
        if number == "1":
            shares = [rng.randint(25, 40) for _ in self.all_districts]
            quotas = [quantity * s // sum(shares) for s in shares]
            quotas[0] += quantity - sum(quotas)
            TargetQuota.objects.bulk_create([TargetQuota(task=task, district=d, quota=q)
                                             for d, q in zip(self.all_districts, quotas, strict=True)])
        if twist != "new":
            self.task_reports(task, lead, co, quotas, twist)

    def task_reports(self, task, lead, co, quotas, twist) -> None:
        rng, plan, now = self.rng, self.plan, self.now
        periods = [p for p in task_periods(rhythm=task.rhythm, start=date(self.year, 1, 1), due=task.due_date)
                   if report_due(p.end, plan.report_days, plan.day_unit) < now]
        if twist == "behind":
            periods = periods[:-2]
        done_so_far = 0
        for i, p in enumerate(periods):
            last = i == len(periods) - 1
            late = rng.random() < 0.12
            submitted = (report_due(p.end, plan.report_days, plan.day_unit) + timedelta(days=rng.randint(1, 4)) if late
                         else _tz_at(p.end + timedelta(days=rng.randint(1, 3))))
            submitted = min(submitted, now - timedelta(hours=1))
            quantity_done = None
            if quotas:
                done_so_far = min(task.target_quantity, done_so_far + rng.randint(50, 95))
                quantity_done = done_so_far
            for j, u in enumerate(co):
                status = Report.Status.SUBMITTED if last and j == 0 else Report.Status.CONSOLIDATED
                qty = quantity_done * quotas[j] // task.target_quantity if quotas and j < len(quotas) else None
                self.reports.append(Report(
                    task=task, period=p.label, period_end=p.end, role=TaskUnit.Role.CO, unit_kind=u[0], unit_id=u[1],
                    unit_name=u[2], district_id=u[3], text=rng.choice(TEXTS), quantity_done=qty, status=status,
                    submitted_at=submitted - timedelta(days=1),
                    decided_at=None if status == Report.Status.SUBMITTED else submitted))
            status, reason, final = Report.Status.ACCEPTED, "", False
            if last and twist == "returned":
                status, reason = Report.Status.RETURNED, rng.choice(RETURN_REASONS)
            elif last and twist == "done":
                final = True
            elif last and rng.random() < 0.4:
                status = Report.Status.SUBMITTED
            self.reports.append(Report(
                task=task, period=p.label, period_end=p.end, role=TaskUnit.Role.LEAD, unit_kind=lead[0], unit_id=lead[1],
                unit_name=lead[2], district_id=lead[3], text="本项任务已全部完成。" if final else rng.choice(TEXTS),
                quantity_done=quantity_done, final=final, status=status, submitted_at=submitted, late=late,
                return_reason=reason,
                decided_at=None if status == Report.Status.SUBMITTED else submitted + timedelta(days=1)))
        if twist == "done" and periods:
            Task.objects.filter(pk=task.pk).update(completed_at=min(now, _tz_at(periods[-1].end + timedelta(days=8))))

    def write_reports(self) -> int:
        Report.objects.bulk_create(self.reports, batch_size=500)
        events = []
        for r in Report.objects.filter(task__plan=self.plan).order_by("id"):
            events.append(ReportEvent(report=r, action="submit", to_status=Report.Status.SUBMITTED, note="报送进展",
                                      created_at=r.submitted_at))
            if r.status != Report.Status.SUBMITTED:
                action = {"accepted": "accept", "returned": "return", "consolidated": "consolidate"}[r.status]
                events.append(ReportEvent(report=r, action=action, from_status=Report.Status.SUBMITTED, to_status=r.status,
                                          actor=self.office if r.role == TaskUnit.Role.LEAD else None,
                                          note=r.return_reason, created_at=r.decided_at or r.submitted_at))
        ReportEvent.objects.bulk_create(events, batch_size=500)
        return len(self.reports)


def build_demo_campaign(*, scale: str = "small", seed: int = 2026, now: datetime | None = None, city_id: int,
                        say: Callable[[str], None] | None = None) -> dict[str, int]:
    rng = random.Random(f"{seed}:campaign")
    people = People(rng)
    now = now or timezone.now()
    year = timezone.localdate(now).year
    office = User.objects.filter(username="city").first() or User.objects.filter(role=Role.CITY).order_by("pk").first()
    all_districts = list(District.objects.filter(city_id=city_id).order_by("id"))
    districts = all_districts[:2]  # the member units among them
    if office is None or not districts:
        return {}
    depts = _city_departments(city_id)
    if not User.objects.filter(username="dept_city").exists():
        User.objects.create(username="dept_city", role=Role.DEPARTMENT, full_name=people.name(born_from=1975, born_to=1990),
                            department_id=depts[K.URBAN_MANAGEMENT][0], password=make_password(DEMO_PASSWORD),
                            password_changed_at=now, is_active=True)
    members = _members(city_id, depts, districts, people)
    staff = _staffing(city_id, rng, people)
    action = Action.objects.create(title="物业服务质量提升三年行动", start_year=year - 1, end_year=year + 1)
    plan = Plan.objects.create(action=action, year=year, title=f"{year}年物业服务质量提升工作方案",
                               day_unit=PeriodUnit.WORKING_DAYS, report_days=5, created_by=office)
    Plan.objects.filter(pk=plan.pk).update(created_at=_tz_at(date(year, 1, 6)))
    builder = _Builder(rng=rng, now=now, plan=plan, office=office, depts=depts, districts=districts,
                       all_districts=all_districts)
    for row in TASKS:
        builder.task(*row)
    reports = builder.write_reports()
    rowcache.invalidate()  # written in bulk, without the signals that keep the board fresh
    return {"campaign_task": len(TASKS), "campaign_report": reports, "campaign_member": len(members),
            "campaign_staff": staff}
