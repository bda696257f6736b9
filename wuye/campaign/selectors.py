"""Who sees which plan, task and report, and the reads the board, the API and the bulletin share
(issue 16 items 3–5).

Scope: the city bureau (the campaign office) sees every task; a member unit's user sees the tasks
its unit leads or co-handles; a district authority also sees the tasks where any unit of its
district (its streets, communities, departments) is responsible. Everybody else sees nothing.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from wuye.accounts.models import Role
from wuye.cases.models import UnitKind
from wuye.cases.units import Unit, get_unit, unit_key_of, unit_name
from wuye.core.access import get_visible_or_404
from wuye.territory.models import Community, Department, District, Street

from . import rowcache
from .indicators import Kind, get_indicator
from .models import MemberUnit, Milestone, Plan, Report, StaffingPost, TargetQuota, Task, TaskStatus, TaskUnit
from .periods import report_due, task_periods
from .status import TaskFacts, behind_pace, pace_day, task_deadline, task_status

CAMPAIGN_ROLES = (Role.CITY, Role.DISTRICT, Role.DEPARTMENT, Role.STREET, Role.COMMUNITY,
                  Role.COMPANY_MANAGER, Role.COMPANY_STAFF)
COUNTED = (Report.Status.ACCEPTED, Report.Status.CONSOLIDATED)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_office(user) -> bool:
    """The campaign office: the city bureau."""
    return _active(user) and user.role == Role.CITY


def can_use_campaign(user) -> bool:
    return _active(user) and user.role in CAMPAIGN_ROLES


def can_manage_members(user) -> bool:
    return is_office(user)


# ---- units --------------------------------------------------------------------------------------


def district_of_unit(kind: str, pk: int) -> int | None:
    """The district a unit belongs to (None: the city, a city-level department, a company)."""
    if kind == UnitKind.DISTRICT:
        return pk
    if kind == UnitKind.DEPARTMENT:
        return Department.objects.filter(pk=pk).values_list("district_id", flat=True).first()
    if kind == UnitKind.STREET:
        return Street.objects.filter(pk=pk).values_list("district_id", flat=True).first()
    if kind == UnitKind.COMMUNITY:
        return Community.objects.filter(pk=pk).values_list("street__district_id", flat=True).first()
    return None


def unit_of_user(user) -> Unit | None:
    key = unit_key_of(user) if _active(user) else None
    if key is None:
        return None
    return Unit(key[0], key[1], "")


def picker_units() -> list[dict]:
    """Every unit a task may be given to, of every kind (the unit picker): the city bureau, the
    districts, the departments (city-level first), the streets and the communities."""
    out: list[dict] = []
    for pk, name in District.objects.order_by("code").values_list("pk", "name"):
        # named as the unit that acts (``cases.units.unit_name``): 东城区住房主管部门
        out.append({"kind": UnitKind.DISTRICT, "id": pk, "name": unit_name(UnitKind.DISTRICT, pk), "short": name})
    for pk, name, district in Department.objects.order_by("district__code", "kind").values_list(
            "pk", "name", "district__name"):
        out.append({"kind": UnitKind.DEPARTMENT, "id": pk, "name": name, "group": district or ""})
    for pk, name, district in Street.objects.order_by("code").values_list("pk", "name", "district__name"):
        out.append({"kind": UnitKind.STREET, "id": pk, "name": name, "group": district})
    for pk, name, street in Community.objects.order_by("code").values_list("pk", "name", "street__name"):
        out.append({"kind": UnitKind.COMMUNITY, "id": pk, "name": name, "group": street})
    return out


# ---- scope --------------------------------------------------------------------------------------


def _unit_q(user) -> Q | None:
    key = unit_key_of(user) if can_use_campaign(user) else None
    if key is None:
        return None
    q = Q(kind=key[0], unit_id=key[1])
    if user.role == Role.DISTRICT and user.district_id:
        q |= Q(district_id=user.district_id)
    return q


def tasks_visible_to(user) -> QuerySet[Task]:
    if is_office(user):
        return Task.objects.all()
    q = _unit_q(user)
    if q is None:
        return Task.objects.none()
    return Task.objects.filter(pk__in=TaskUnit.objects.filter(q).values("task_id"))


def task_get_for_user(*, user, pk) -> Task:
    return get_visible_or_404(tasks_visible_to(user).select_related("plan"), user=user, pk=pk)


def plans_visible_to(user) -> QuerySet[Plan]:
    if is_office(user):
        return Plan.objects.all()
    return Plan.objects.filter(pk__in=tasks_visible_to(user).values("plan_id"))


def plan_get_for_user(*, user, pk) -> Plan:
    return get_visible_or_404(plans_visible_to(user), user=user, pk=pk)


def reports_visible_to(user) -> QuerySet[Report]:
    return Report.objects.filter(task__in=tasks_visible_to(user))


def report_get_for_user(*, user, pk) -> Report:
    return get_visible_or_404(reports_visible_to(user).select_related("task", "task__plan"), user=user, pk=pk)


def responsible_role(user, task: Task) -> str | None:
    """``lead`` or ``co`` when the user works for a unit responsible for ``task``; else None."""
    key = unit_key_of(user) if can_use_campaign(user) else None
    if key is None:
        return None
    return TaskUnit.objects.filter(task=task, kind=key[0], unit_id=key[1]).values_list("role", flat=True).first()


def report_actor_kinds(user, report: Report) -> set[str]:
    """The actor kinds of ``user`` for a report (``workflow.REPORT``): ``office`` (the city bureau,
    for a lead unit's report), ``lead`` (a user of the task's lead unit, for a co-unit's report),
    ``reporter`` (a user of the reporting unit)."""
    kinds: set[str] = set()
    key = unit_key_of(user) if can_use_campaign(user) else None
    if key is None:
        return kinds
    if report.role == TaskUnit.Role.LEAD and is_office(user):
        kinds.add("office")
    task = report.task
    if report.role == TaskUnit.Role.CO and key == (task.lead_kind, task.lead_id):
        kinds.add("lead")
    if key == (report.unit_kind, report.unit_id):
        kinds.add("reporter")
    return kinds




# ---- facts, progress and status -----------------------------------------------------------------


@dataclass
class Progress:
    done: object
    quantity: int | None
    kind: str = Kind.COUNT.value
    by_district: list[dict] = field(default_factory=list)  # [{"district", "name", "done", "quota"}]

    def as_api(self) -> dict:
        return {"done": self.done, "quantity": self.quantity,
                "by_district": [{"district": r["district"], "done": r["done"], "quota": r["quota"]}
                                for r in self.by_district]}


@dataclass
class TaskRow:
    task: Task
    status: str
    progress: Progress | None
    units: list[TaskUnit]
    reports: list[dict]
    next_due: datetime | None = None
    missing: list[str] = field(default_factory=list)
    missing_since: datetime | None = None  # when the oldest missing report fell due
    report_count: int = 0

    def computed(self) -> dict:
        """What ``rowcache`` keeps of the row (everything but the task and its units)."""
        return {"status": self.status, "progress": self.progress, "next_due": self.next_due,
                "missing": self.missing, "missing_since": self.missing_since, "report_count": self.report_count}

    @property
    def lead(self) -> Unit:
        return Unit(self.task.lead_kind, self.task.lead_id, self.task.lead_name)

    @property
    def co_units(self) -> list[Unit]:
        return [Unit(u.kind, u.unit_id, u.name) for u in self.units if u.role == TaskUnit.Role.CO]

    @property
    def status_label(self) -> str:
        return str(TaskStatus(self.status).label)


def _start(task: Task) -> date:
    """Counting starts on 1 January of the plan's year, or on the day the task was added that year."""
    first = date(task.plan.year, 1, 1)
    if task.created_at:
        created = timezone.localdate(task.created_at)
        if created.year == task.plan.year:
            return min(created, task.due_date)
    return first


def _progress(task: Task, reports: list[dict], quotas: list[tuple[int, str, int]], cache: dict) -> Progress | None:
    indicator = get_indicator(task.indicator)
    if task.target_quantity is None and not quotas and indicator is None:
        return None
    district_ids = [d for d, _n, _q in quotas]
    if indicator is not None:
        key = ("indicator", indicator.key, task.plan.year, tuple(district_ids))
        if key not in cache:
            cache[key] = rowcache.indicator_value(indicator, task.plan.year, district_ids)
        value = cache[key]
        done, by = value.done, value.by_district
        kind = indicator.kind.value
    else:
        latest: dict[tuple[str, int], tuple[int, int | None]] = {}
        for r in reports:
            if r["status"] in COUNTED and r["quantity_done"] is not None:
                key = (r["unit_kind"], r["unit_id"])
                latest[key] = (max(latest.get(key, (0, None))[0], r["quantity_done"]), r["district_id"])
        lead = latest.pop((task.lead_kind, task.lead_id), None)
        by = defaultdict(int)
        for qty, d in latest.values():
            if d is not None:
                by[d] += qty
        done = max(lead[0] if lead else 0, sum(qty for qty, _d in latest.values()))
        kind = Kind.COUNT.value
    rows = [{"district": d, "name": n, "done": by.get(d, 0 if kind == Kind.COUNT.value else None), "quota": q}
            for d, n, q in quotas]
    return Progress(done, task.target_quantity, kind, rows)


def _done_number(progress: Progress | None) -> int | None:
    if progress is None or progress.done is None:
        return None
    return int(progress.done)


def task_rows(tasks, *, now: datetime | None = None) -> list[TaskRow]:
    """Status, progress, units and reports of ``tasks`` (a queryset or list) in a fixed number of
    queries: the tasks with their plans, their units, milestones, quotas and reports."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    tasks = list(tasks.select_related("plan") if isinstance(tasks, QuerySet) else tasks)
    ids = [t.pk for t in tasks]
    units = _units_of(ids)
    milestones: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for tid, title, day in Milestone.objects.filter(task_id__in=ids).values_list("task_id", "title", "due_date"):
        milestones[tid].append((title, day))
    quotas: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for tid, d, name, q in TargetQuota.objects.filter(task_id__in=ids).order_by("district__code").values_list(
            "task_id", "district_id", "district__name", "quota"):
        quotas[tid].append((d, name, q))
    reports: dict[int, list[dict]] = defaultdict(list)
    # Only what status, progress and the counts need (a board reads thousands of reports).
    fields = ("task_id", "period_end", "role", "unit_kind", "unit_id", "district_id", "status", "quantity_done")
    for row in Report.objects.filter(task_id__in=ids).order_by("task_id", "-period_end", "role", "id").values_list(
            *fields):
        reports[row[0]].append(dict(zip(fields, row, strict=True)))
    cache: dict = {}  # report deadlines and indicator values shared by the tasks of one call
    return [_row(t, units[t.pk], milestones[t.pk], quotas[t.pk], reports[t.pk], now, today, cache) for t in tasks]


def refresh_indicators(today: date | None = None) -> int:
    """Compute afresh the indicator values the board reads (``rowcache.indicator_value``): every
    task of this year's and last year's plans bound to an indicator, by its quotas' districts, as
    ``_progress`` asks for them. Returns how many values were computed."""
    today = today or timezone.localdate()
    tasks = list(Task.objects.filter(plan__year__gte=today.year - 1).exclude(indicator="")
                 .values_list("pk", "indicator", "plan__year"))
    districts: dict[int, set[int]] = defaultdict(set)
    for tid, d in TargetQuota.objects.filter(task_id__in=[t[0] for t in tasks]).values_list("task_id", "district_id"):
        districts[tid].add(d)
    wanted = {(key, year, frozenset(districts[tid])) for tid, key, year in tasks if get_indicator(key) is not None}
    for key, year, ds in wanted:
        rowcache.indicator_value(get_indicator(key), year, ds, refresh=True)
    return len(wanted)


def _units_of(ids: list[int]) -> dict[int, list[TaskUnit]]:
    units: dict[int, list[TaskUnit]] = defaultdict(list)
    for u in TaskUnit.objects.filter(task_id__in=ids).order_by("task_id", "-role", "id"):
        units[u.task_id].append(u)
    return units


def cached_task_rows(tasks) -> list[TaskRow]:
    """``task_rows`` of now, the computed part kept a short while (``rowcache``): on a hit, two
    queries (the tasks and their units) and no report is read. The rows carry no reports
    (``report_count`` says how many)."""
    tasks = list(tasks.select_related("plan") if isinstance(tasks, QuerySet) else tasks)
    ids = [t.pk for t in tasks]
    today = timezone.localdate()
    hit = rowcache.get(ids, today)
    if hit is None:
        rows = task_rows(tasks)
        rowcache.put(ids, today, {r.task.pk: r.computed() for r in rows})
        for r in rows:
            r.reports = []
        return rows
    units = _units_of(ids)
    return [TaskRow(t, units=units[t.pk], reports=[], **hit[t.pk]) for t in tasks]


def _due(cache: dict, end: date, plan: Plan) -> datetime:
    key = ("due", end, plan.report_days, plan.day_unit)
    if key not in cache:
        cache[key] = report_due(end, plan.report_days, plan.day_unit)
    return cache[key]


def _row(task, units, milestones, quotas, reports, now, today, cache) -> TaskRow:
    plan = task.plan
    start = _start(task)
    lead_ends = sorted(r["period_end"] for r in reports if r["role"] == TaskUnit.Role.LEAD)
    lead_reports = [r for r in reports if r["role"] == TaskUnit.Role.LEAD]
    missing, next_due, missing_since = [], None, None
    for p in task_periods(rhythm=task.rhythm, start=start, due=task.due_date, milestones=milestones):
        i = bisect_left(lead_ends, p.start)
        covered = i < len(lead_ends) and lead_ends[i] <= p.end
        due = _due(cache, p.end, plan)
        if covered:
            continue
        if due < now:
            missing.append(p.label)
            missing_since = missing_since or due
        elif next_due is None:
            next_due = due
    progress = _progress(task, reports, quotas, cache)
    facts = TaskFacts(
        due_date=task.due_date, day_unit=plan.day_unit, start=start,
        reported=bool(reports),
        completed=task.completed_at is not None,
        quantity=task.target_quantity if progress is not None and progress.kind == Kind.COUNT.value else None,
        done=_done_number(progress) if progress is not None and progress.kind == Kind.COUNT.value else None,
        missing_reports=len(missing),
        returned=bool(lead_reports) and lead_reports[0]["status"] == Report.Status.RETURNED,
    )
    return TaskRow(task, task_status(facts, today), progress, units, reports, next_due, missing, missing_since,
                   len(reports))


def task_row(task: Task, *, now: datetime | None = None) -> TaskRow:
    return task_rows([task], now=now)[0]


def deadline_of(task: Task) -> date:
    return task_deadline(task.due_date, task.plan.day_unit)


# ---- what other parts of the platform read ------------------------------------------------------


def task_summary_for_bulletin(*, start: date, end: date) -> list[dict]:
    """Task progress by lead unit for a bulletin (通报) of the period ``start``–``end``: the tasks of
    the plans of the period's years, their status on ``end`` (or today, if earlier). One dict per
    lead unit, in the order of the units' first task: ``{"unit": Unit, "tasks", "done", "on_track",
    "behind", "overdue", "not_started"}``."""
    day = min(end, timezone.localdate())
    tz = timezone.get_default_timezone()
    now = min(timezone.now(), datetime.combine(day, datetime.max.time(), tzinfo=tz))
    tasks = Task.objects.filter(plan__year__gte=start.year, plan__year__lte=end.year).order_by("plan__year", "id")
    out: dict[tuple[str, int], dict] = {}
    for row in task_rows(tasks, now=now):
        t = row.task
        entry = out.setdefault((t.lead_kind, t.lead_id), {
            "unit": Unit(t.lead_kind, t.lead_id, t.lead_name), "tasks": 0, **{s: 0 for s in TaskStatus.values}})
        entry["tasks"] += 1
        entry[row.status] += 1
    return list(out.values())


def owed_by_unit(rows: list[TaskRow]) -> list[dict]:
    """By lead unit: its tasks, what it owes (missing reports) and the next report due."""
    out: dict[tuple[str, int], dict] = {}
    for row in rows:
        t = row.task
        e = out.setdefault((t.lead_kind, t.lead_id), {"unit": row.lead, "tasks": 0, "missing": [], "next_due": None,
                                                      **{s: 0 for s in TaskStatus.values}})
        e["tasks"] += 1
        e[row.status] += 1
        e["missing"] += [f"{t.number} {label}" for label in row.missing]
        if row.next_due and (e["next_due"] is None or row.next_due < e["next_due"]):
            e["next_due"] = row.next_due
    return sorted(out.values(), key=lambda e: (-len(e["missing"]), e["unit"].name))


def members() -> QuerySet[MemberUnit]:
    return MemberUnit.objects.all()


def task_reports(task: Task) -> QuerySet[Report]:
    """A task's reports, newest period first, the lead's before the co-units'."""
    return Report.objects.filter(task=task).order_by("-period_end", "-role", "id").prefetch_related("attachments")


def report_timeline(report: Report):
    return report.events.select_related("actor").order_by("created_at", "id")


def task_timeline(task: Task):
    return task.events.select_related("actor").order_by("created_at", "id")


# ---- the board ----------------------------------------------------------------------------------


def with_status(rows: list[TaskRow], status: str) -> list[TaskRow]:
    return [r for r in rows if r.status == status] if status else rows


def board_rows(user, *, plan_id=None, status: str = "", q: str = "", unit: str = "",
               now: datetime | None = None) -> list[TaskRow]:
    """The tasks the user sees, with status and progress, filtered (status is derived, so it is
    filtered after the rows are built)."""
    qs = tasks_visible_to(user).select_related("plan").order_by("-plan__year", "plan_id", "id")
    if plan_id:
        qs = qs.filter(plan_id=plan_id)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(number=q) | Q(lead_name__icontains=q)
                       | Q(units__name__icontains=q)).distinct()
    if unit and ":" in unit:
        kind, _sep, pk = unit.partition(":")
        if pk.isdigit():
            qs = qs.filter(units__kind=kind, units__unit_id=int(pk)).distinct()
    rows = task_rows(qs, now=now) if now is not None else cached_task_rows(qs)
    if status:
        rows = [r for r in rows if r.status == status]
    return rows


def status_counts(rows: list[TaskRow]) -> list[dict]:
    counts = {s: 0 for s in TaskStatus.values}
    for r in rows:
        counts[r.status] += 1
    return [{"status": s, "label": str(TaskStatus(s).label), "n": counts[s]} for s in TaskStatus.values]


def district_progress(rows: list[TaskRow], *, today: date | None = None) -> list[dict]:
    """Target progress by district over the count targets of ``rows``: the chart's data. ``behind``:
    on some open task the district is behind its pace this week (``status.behind_pace``)."""
    day = pace_day(today or timezone.localdate())
    by: dict[int, dict] = {}
    for r in rows:
        if r.progress is None or r.progress.kind != Kind.COUNT.value:
            continue
        for d in r.progress.by_district:
            e = by.setdefault(d["district"], {"district": d["district"], "name": d["name"], "done": 0, "quota": 0,
                                              "behind": False})
            e["done"] += int(d["done"] or 0)
            e["quota"] += d["quota"]
            if r.status != TaskStatus.DONE and behind_pace(int(d["done"] or 0), d["quota"], r.task.plan.year, day):
                e["behind"] = True
    return list(by.values())


def plans_for_filter(user) -> list[Plan]:
    return list(plans_visible_to(user).order_by("-year", "id"))


# ---- staffing -----------------------------------------------------------------------------------


def staffing_visible_to(user) -> QuerySet:
    """The city sees every post; a district its own and its streets' and communities'; a street its
    own and its communities'; a community its own."""
    qs = StaffingPost.objects.filter(active=True)
    if is_office(user):
        return qs
    key = unit_key_of(user) if can_use_campaign(user) else None
    if key is None:
        return qs.none()
    kind, pk = key
    if kind == UnitKind.DISTRICT:
        return qs.filter(district_id=pk)
    if kind == UnitKind.STREET:
        return qs.filter(Q(unit_kind=UnitKind.STREET, unit_id=pk) | Q(unit_kind=UnitKind.COMMUNITY, street_id=pk))
    if kind == UnitKind.COMMUNITY:
        return qs.filter(unit_kind=UnitKind.COMMUNITY, unit_id=pk)
    return qs.none()


def staffing_post_get_for_user(*, user, pk):
    return get_visible_or_404(staffing_visible_to(user), user=user, pk=pk)


def staffing_unit_of(user) -> Unit | None:
    """The unit a user records staff for (a district, street or community), named."""
    key = unit_key_of(user) if can_use_campaign(user) else None
    if key is None or key[0] not in (UnitKind.DISTRICT, UnitKind.STREET, UnitKind.COMMUNITY):
        return None
    return get_unit(*key)


def can_see_coverage(user) -> bool:
    return is_office(user) or (can_use_campaign(user) and user.role == Role.DISTRICT)


def staffing_coverage(user) -> list[dict]:
    """Per street (of the city, or of the user's district): its own named staff and how many of its
    communities have someone; streets with nobody assigned come first."""
    streets = Street.objects.select_related("district").order_by("district__code", "code")
    if not is_office(user):
        streets = streets.filter(district_id=user.district_id)
    posts = StaffingPost.objects.filter(active=True).values_list("unit_kind", "unit_id")
    street_staff: dict[int, int] = defaultdict(int)
    community_staffed: set[int] = set()
    for kind, pk in posts:
        if kind == UnitKind.STREET:
            street_staff[pk] += 1
        elif kind == UnitKind.COMMUNITY:
            community_staffed.add(pk)
    communities: dict[int, list[int]] = defaultdict(list)
    for pk, street_id in Community.objects.values_list("pk", "street_id"):
        communities[street_id].append(pk)
    rows = []
    for s in streets:
        comms = communities.get(s.pk, [])
        rows.append({"street": s, "district": s.district.name, "staff": street_staff.get(s.pk, 0),
                     "communities": len(comms), "communities_staffed": sum(1 for c in comms if c in community_staffed)})
    return sorted(rows, key=lambda r: (r["staff"] > 0, r["district"], r["street"].code))


def member_get_for_user(*, user, pk) -> MemberUnit:
    qs = MemberUnit.objects.all() if is_office(user) else MemberUnit.objects.none()
    return get_visible_or_404(qs, user=user, pk=pk)


def staffing_search(qs: QuerySet, q: str) -> QuerySet:
    return qs.filter(Q(name__icontains=q) | Q(unit_name__icontains=q) | Q(duty__icontains=q))
