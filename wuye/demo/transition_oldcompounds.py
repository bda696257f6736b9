"""The demo city's old compounds and their renovation (issue 17 §5–7, item 13).

- The register: every old compound of the city gets a profile (households, the facilities it
  lacked at the start of the year, the district's plan). Where the city holds fewer old compounds
  than the scale's register (small 30, city 900, megacity 2,000), old work-unit compounds (单位
  宿舍、家属院) are added in the city's streets, without a company.
- The year's enclosure target: the demo plan's task 1 (完成老旧楼院加装封闭设施) is bound to the
  platform indicator ``enclosures_completed`` — 900 at ``city`` and ``megacity``, the register's
  size at ``small`` — split by district in proportion to each district's old compounds. Most
  districts are on pace by the demo date; two lag behind, so the board's weekly flag shows them.
- Projects in every state: accepted enclosure projects of this year spread over the months up to
  the demo date (and a few of last year), others under way, finished and waiting for acceptance,
  planned or cancelled; meter (户表) and comprehensive (综合整治) projects; milestones, and photos
  on the first projects; every project's timeline. A few compounds renovated last year have moved
  to a management mode (self-managed or 准物业).

Rows are written directly with the values the services would write; the same seed, scale and
``now`` give the same rows.
"""

from __future__ import annotations

import io
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.campaign import rowcache
from wuye.campaign.models import Plan, TargetQuota, Task
from wuye.cases.models import UnitKind
from wuye.cases.units import unit_name
from wuye.core.search import initials
from wuye.core.uploads import clean_image
from wuye.registry.models import Estate
from wuye.territory.models import Community, Department, District
from wuye.transition.oldcompounds.indicators import KEY
from wuye.transition.oldcompounds.models import (
    FACILITIES,
    CompoundProfile,
    Milestone,
    ProjectEvent,
    ProjectPhoto,
    RenovationProject,
)

from . import names as N

MODELS = ("oldcompounds.CompoundProfile", "oldcompounds.RenovationProject", "oldcompounds.Milestone",
          "oldcompounds.ProjectPhoto", "oldcompounds.ProjectEvent")

REGISTER = {"small": 30, "city": 900, "megacity": 2_000}
TARGET = {"small": None, "city": 900, "megacity": 900}  # None: the register's size
PHOTOS = 10  # projects whose milestones and acceptance carry a photo
TZ = timezone.get_default_timezone()
K = RenovationProject.Kind
S = RenovationProject.Status
CONTRACTORS = ["示范市第一建筑工程有限公司", "示范市城建集团有限公司", "示范市市政工程有限公司", "华安建设工程有限公司",
               "恒信建筑安装工程有限公司", "示范市安防工程有限公司", "示范市水务工程有限公司", "国网示范市供电公司"]
FUNDING = [("district", 40), ("city", 25), ("central", 15), ("mixed", 12), ("owners", 5), ("utility", 3)]
ENCLOSURE_STEPS = ["围墙及大门基础施工完成", "门禁系统安装调试完成", "监控探头安装完成"]
METER_STEPS = ["管线入户改造完成", "户表安装完成", "通水通电验收完成"]
COMPREHENSIVE_STEPS = ["屋面防水完成", "外墙保温完成", "雨污分流管网完成", "道路及绿化提升完成"]
ACCEPT_NOTES = ["封闭设施完好，门禁运行正常，验收合格", "工程质量符合要求，资料齐全，同意验收",
                "现场查验合格，居民满意", "整改问题已销号，验收通过"]
LAGGING = 2  # districts behind their pace


def _at(d: date, hour: int = 10) -> datetime:
    return datetime.combine(d, time(hour), tzinfo=TZ)


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _photo(rng: random.Random):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (rng.randrange(256), rng.randrange(256), rng.randrange(256))).save(buf, format="PNG")
    return clean_image(SimpleUploadedFile("site.png", buf.getvalue(), content_type="image/png"))


def _top_up(city_id: int, want: int, rng: random.Random) -> int:
    """Add old work-unit compounds until the city holds ``want`` old compounds."""
    have = Estate.objects.filter(district__city_id=city_id, kind=Estate.Kind.OLD_COMPOUND).count()
    missing = want - have
    if missing <= 0:
        return 0
    communities = list(Community.objects.filter(street__district__city_id=city_id).select_related("street__district")
                       .order_by("id"))
    used = set(Estate.objects.filter(district__city_id=city_id).values_list("name", flat=True))
    now = timezone.now()
    rows = []
    suffixes = [s for s, _w in N.WORK_UNIT_SUFFIXES]
    for _i in range(missing):
        c = rng.choice(communities)
        for attempt in range(20):
            base = rng.choice(N.WORK_UNITS) + rng.choice(suffixes)
            name = base if attempt == 0 else f"{c.street.name.removesuffix('街道').removesuffix('镇')}{base}"
            if attempt > 1:
                name = f"{base}{rng.randint(2, 30)}号院"
            if name not in used:
                break
        used.add(name)
        r = rng.random()
        mode = "quasi" if r < 0.35 else "none" if r < 0.75 else "self_managed"
        rows.append(Estate(name=name, address=f"{c.street.district.name}{c.street.name}{rng.randint(1, 299)}号",
                           community=c, street=c.street, district=c.street.district, kind=Estate.Kind.OLD_COMPOUND,
                           year_built=rng.randint(1965, 1999), management_mode=mode, search_key=initials(name),
                           created_at=now, updated_at=now))
    Estate.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _task(city_id: int, year: int, quantity: int, districts: list[District], weights: dict[int, int]) -> Task | None:
    """Bind the plan's enclosure task to the indicator (or add one) and split its target by district."""
    plan = Plan.objects.filter(year=year).order_by("id").first()
    if plan is None:
        return None
    task = (Task.objects.filter(plan=plan, indicator=KEY).first()
            or Task.objects.filter(plan=plan, title__contains="封闭设施").order_by("id").first())
    if task is None:
        dept = Department.objects.filter(district=None, kind=Department.Kind.CONSTRUCTION).first()
        lead = (UnitKind.DEPARTMENT, dept.pk) if dept else (UnitKind.CITY, city_id)
        number = str(Task.objects.filter(plan=plan).count() + 1)
        task = Task.objects.create(plan=plan, number=number, title="完成老旧楼院加装封闭设施",
                                   content="全市完成老旧楼院加装封闭设施，务必年内全面完成", lead_kind=lead[0],
                                   lead_id=lead[1], lead_name=unit_name(*lead), due_date=date(year, 12, 31))
    Task.objects.filter(pk=task.pk).update(indicator=KEY, target_quantity=quantity, target_unit="个")
    total = sum(weights.values()) or 1
    quotas = {d.pk: quantity * weights.get(d.pk, 0) // total for d in districts}
    quotas[max(quotas, key=lambda k: weights.get(k, 0))] += quantity - sum(quotas.values())
    TargetQuota.objects.filter(task=task).delete()
    TargetQuota.objects.bulk_create([TargetQuota(task=task, district_id=d, quota=q) for d, q in quotas.items() if q])
    task.refresh_from_db()
    return task


def _plan_district(rng: random.Random, mine: list[Estate], quota: int, factor: float, pace: float, year: int,
                   now: datetime) -> tuple[list[CompoundProfile], list[tuple]]:
    """The district's register entries and which projects each compound gets: the first compounds
    of the shuffle are enclosed this year (the district's share of its quota by the demo date)."""
    profiles, projects = [], []
    # Leave a few compounds for the projects still under way and a cancelled one.
    accepted_n = min(max(0, len(mine) - 3), quota, int(quota * min(1.0, pace * factor) + 0.999))
    rng.shuffle(mine)
    under_way = accepted_n + max(2, len(mine) // 14)
    cancelled = under_way + max(1, len(mine) // 40)
    for i, e in enumerate(mine):
        lacks = {name: rng.random() < p for (name, _l), p in zip(FACILITIES, (0.0, 0.6, 0.4, 0.35, 0.3, 0.45),
                                                                     strict=True)}
        if i < accepted_n:
            plan = ("enclosure", S.ACCEPTED)
        elif i < under_way:
            plan = ("enclosure", (S.COMPLETED, S.IN_PROGRESS, S.PLANNED, S.IN_PROGRESS)[(i - accepted_n) % 4])
        elif i < cancelled:
            plan = ("enclosure", S.CANCELLED)
        elif rng.random() < 0.06:
            plan = ("enclosure_last_year", S.ACCEPTED)
        else:
            plan = None
        # Lacking at the start of the year; an accepted enclosure clears it.
        lacks["lacks_enclosure"] = plan is None or plan[1] not in (S.ACCEPTED,)
        r = rng.random()
        extra = ((K.METERS, rng.choice([S.ACCEPTED, S.ACCEPTED, S.IN_PROGRESS, S.PLANNED])) if r < 0.12 else
                 (K.COMPREHENSIVE, rng.choice([S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED, S.PLANNED])) if r < 0.20 else
                 (K.OTHER, rng.choice([S.ACCEPTED, S.IN_PROGRESS])) if r < 0.22 else None)
        if extra and extra[0] == K.METERS and extra[1] == S.ACCEPTED:
            lacks["lacks_water_meters"] = lacks["lacks_power_meters"] = False
        mine_projects = [p for p in (plan, extra) if p]
        PS = CompoundProfile.PlanStatus
        if any(p[1] in (S.PLANNED, S.IN_PROGRESS, S.COMPLETED) for p in mine_projects):
            status = PS.RENOVATING
        elif any(p[1] == S.ACCEPTED for p in mine_projects):
            status = PS.DONE
        else:
            status = rng.choice([PS.PLANNED, PS.UNPLANNED])
        note = {PS.PLANNED: f"列入{year + 1}年老旧小区改造计划，由街道组织实施", PS.UNPLANNED: ""}.get(
            status, f"{year}年实施改造，区住建部门组织验收")
        plan_year = year + 1 if status == PS.PLANNED else None if status == PS.UNPLANNED else year
        profiles.append(CompoundProfile(
            estate=e, households=e.homes or int(rng.triangular(24, 200, 60)),
            lacks_other=rng.choice(["", "", "", "排水管网", "无障碍设施", "停车设施"]), plan_status=status,
            plan_year=plan_year, plan_note=note, created_at=now, updated_at=now, **lacks))
        projects += [(e, kind, st) for kind, st in mine_projects]
    return profiles, projects


SPAN = {K.ENCLOSURE: (20, 75), K.METERS: (30, 90), K.COMPREHENSIVE: (90, 240), K.OTHER: (15, 60)}
PER_HOME = {K.ENCLOSURE: (600, 1500), K.METERS: (1200, 2600), K.COMPREHENSIVE: (8000, 22000), K.OTHER: (300, 900)}


def _dates(rng: random.Random, kind: str, status: str, last_year: bool, today: date, elapsed: int):
    """(started, finished, accepted) of a project in ``status`` by ``today``."""
    year_start = date(today.year, 1, 1)
    span = SPAN[kind]
    if status == S.ACCEPTED:
        accepted = (date(today.year - 1, rng.randint(4, 12), rng.randint(1, 28)) if last_year
                    else year_start + timedelta(days=rng.randint(min(40, elapsed - 1), elapsed - 1)))
        accepted = min(accepted, today)
        finished = accepted - timedelta(days=rng.randint(2, 15))
        return finished - timedelta(days=rng.randint(*span)), finished, accepted
    if status in (S.IN_PROGRESS, S.COMPLETED):
        started = today - timedelta(days=rng.randint(10, span[1]))
        finished = min(started + timedelta(days=rng.randint(5, span[0])), today) if status == S.COMPLETED else None
        return started, finished, None
    return None, None, None


def _project(rng: random.Random, e: Estate, kind: str, status: str, today: date, elapsed: int, actor,
             accepter) -> RenovationProject:
    last_year = kind == "enclosure_last_year"
    kind = K.ENCLOSURE if last_year else kind
    started, finished, accepted = _dates(rng, kind, status, last_year, today, elapsed)
    base = accepted or finished or started or today
    created = min(base, started or base) - timedelta(days=rng.randint(10, 40))
    planned_start = (started or today + timedelta(days=rng.randint(10, 60))) - timedelta(days=rng.randint(0, 10))
    planned_finish = planned_start + timedelta(days=SPAN[kind][1])
    if kind == K.ENCLOSURE and not last_year:
        planned_finish = min(planned_finish, date(today.year, 12, 31))
    meter = rng.choice(["water", "power", "both"]) if kind == K.METERS else ""
    homes = e.homes or 60
    budget = Decimal(rng.randint(*PER_HOME[kind]) * homes * 100 + rng.randint(0, 99)).scaleb(-2)  # exact fen
    what = {"water": "供水", "power": "供电", "both": "水电"}.get(meter, "")
    title = {K.ENCLOSURE: f"{e.name}加装封闭设施", K.METERS: f"{e.name}{what}户表改造",
             K.COMPREHENSIVE: f"{e.name}综合整治", K.OTHER: f"{e.name}楼道照明改造"}[kind]
    return RenovationProject(
        estate=e, district_id=e.district_id, street_id=e.street_id, kind=kind, meter_type=meter, title=title,
        budget=budget, funding_source=_weighted(rng, FUNDING),
        contractor=rng.choice(CONTRACTORS), planned_start=planned_start, planned_finish=planned_finish,
        started_on=started, finished_on=finished, accepted_on=accepted, accepted_by_id=accepter if accepted else None,
        acceptance_note=rng.choice(ACCEPT_NOTES) if accepted else "", status=status, version=0, created_by_id=actor,
        created_at=_at(created, 9), updated_at=_at(base, 16))


STEPS_OF = {K.ENCLOSURE: ENCLOSURE_STEPS, K.METERS: METER_STEPS, K.COMPREHENSIVE: COMPREHENSIVE_STEPS,
            K.OTHER: ["灯具更换完成"]}


def _timeline(rng: random.Random, p: RenovationProject, today: date) -> tuple[list[Milestone], list[ProjectEvent]]:
    actor = p.created_by_id
    ms: list[Milestone] = []
    ev = [ProjectEvent(project=p, action="create", from_status="", to_status=S.PLANNED, actor_id=actor,
                       created_at=p.created_at)]
    steps = STEPS_OF[p.kind]
    if p.started_on:
        ev.append(ProjectEvent(project=p, action="start", from_status=S.PLANNED, to_status=S.IN_PROGRESS,
                               actor_id=actor, note=p.started_on.isoformat(), created_at=_at(p.started_on, 11)))
        end = p.finished_on or today
        n = len(steps) if p.finished_on else rng.randint(0, len(steps) - 1)
        for k in range(n):
            day = p.started_on + timedelta(days=max(1, (end - p.started_on).days) * (k + 1) // (n + 1))
            ms.append(Milestone(project=p, title=steps[k], done_on=day, created_by_id=actor,
                                note="现场施工有序，安全措施到位"))
            ev.append(ProjectEvent(project=p, action="milestone", from_status=S.IN_PROGRESS, to_status=S.IN_PROGRESS,
                                   actor_id=actor, note=steps[k], created_at=_at(day, 15)))
    if p.finished_on:
        ev.append(ProjectEvent(project=p, action="finish", from_status=S.IN_PROGRESS, to_status=S.COMPLETED,
                               actor_id=actor, note=p.finished_on.isoformat(), created_at=_at(p.finished_on, 16)))
    if p.status == S.ACCEPTED:
        ev.append(ProjectEvent(project=p, action="accept", from_status=S.COMPLETED, to_status=S.ACCEPTED,
                               actor_id=p.accepted_by_id, note=p.acceptance_note, created_at=_at(p.accepted_on, 10)))
    if p.status == S.CANCELLED:
        ev.append(ProjectEvent(project=p, action="cancel", from_status=S.PLANNED, to_status=S.CANCELLED,
                               actor_id=actor, note="部分居民对围墙选址有异议，调整方案后另行立项",
                               created_at=p.created_at + timedelta(days=20)))
    return ms, ev


def _photos(rng: random.Random, rows: list[RenovationProject], milestones: list[Milestone], district_id) -> int:
    """A photo on the first milestone and on the acceptance of a few of the demo district's projects."""
    first = {}
    for m in milestones:
        first.setdefault(m.project_id, m)
    made, left = 0, PHOTOS
    for p in [p for p in rows if p.district_id == district_id] or rows:
        if left <= 0:
            break
        if p.pk not in first and p.status != S.ACCEPTED:
            continue
        for m in [first[p.pk]] if p.pk in first else []:
            checked = _photo(rng)
            ph = ProjectPhoto(project=p, milestone=m, content_type=checked.content_type)
            ph.file.save(checked.name, checked.file, save=False)
            ph.save()
            made += 1
        if p.status == S.ACCEPTED:
            checked = _photo(rng)
            ph = ProjectPhoto(project=p, milestone=None, content_type=checked.content_type)
            ph.file.save(checked.name, checked.file, save=False)
            ph.save()
            made += 1
        left -= 1
    return made


def build_demo_oldcompounds(*, scale: str = "small", seed: int = 2026, now: datetime | None = None, city_id: int,
                            say: Callable[[str], None] | None = None) -> dict[str, int]:
    say = say or (lambda text: None)
    now = now or timezone.now()
    today = timezone.localdate(now)
    year = today.year
    rng = random.Random(f"oldcompounds-{seed}")
    added = _top_up(city_id, REGISTER[scale], rng)
    estates = list(Estate.objects.filter(district__city_id=city_id, kind=Estate.Kind.OLD_COMPOUND)
                   .annotate(homes=Count("units")).order_by("district__code", "street__code", "name", "id"))
    districts = list(District.objects.filter(city_id=city_id).order_by("code", "id"))
    by_district: dict[int, list[Estate]] = defaultdict(list)
    for e in estates:
        by_district[e.district_id].append(e)
    quantity = min(TARGET[scale] or len(estates), len(estates))
    task = _task(city_id, year, quantity, districts, {d: len(v) for d, v in by_district.items()})
    quotas = dict(TargetQuota.objects.filter(task=task).values_list("district_id", "quota")) if task else {
        d: quantity * len(v) // max(1, len(estates)) for d, v in by_district.items()}
    district_user = dict(User.objects.filter(role=Role.DISTRICT, district__city_id=city_id)
                         .order_by("-id").values_list("district_id", "id"))
    street_user = dict(User.objects.filter(role=Role.STREET, street__district__city_id=city_id)
                       .order_by("-id").values_list("street_id", "id"))
    # The demo district login's district is on pace; two others lag behind theirs.
    demo_district = User.objects.filter(username="district", role=Role.DISTRICT).values_list(
        "district_id", flat=True).first()
    lagging = [d.pk for d in districts if d.pk != demo_district][-LAGGING:] if len(districts) > 2 else []
    days = (date(year, 12, 31) - date(year, 1, 1)).days + 1
    elapsed = max(1, min(days, (today - date(year, 1, 1)).days))

    profiles, planned = [], []
    for d in districts:
        factor = rng.uniform(0.72, 0.86) if d.pk in lagging else rng.uniform(1.0, 1.06)
        got = _plan_district(rng, by_district.get(d.pk, []), quotas.get(d.pk, 0), factor, elapsed / days, year, now)
        profiles += got[0]
        planned += got[1]
    CompoundProfile.objects.bulk_create(profiles, batch_size=1000)
    rows = [_project(rng, e, kind, status, today, elapsed, district_user.get(e.district_id) or
                     street_user.get(e.street_id), district_user.get(e.district_id))
            for e, kind, status in planned]
    RenovationProject.objects.bulk_create(rows, batch_size=1000)
    milestones, events = [], []
    for p in rows:
        ms, ev = _timeline(rng, p, today)
        milestones += ms
        events += ev
    Milestone.objects.bulk_create(milestones, batch_size=1000)
    ProjectEvent.objects.bulk_create(events, batch_size=2000)
    photos = _photos(rng, rows, milestones, demo_district)
    rowcache.invalidate()  # written in bulk: the campaign board's kept rows are computed afresh
    enclosed = sum(1 for p in rows if p.kind == K.ENCLOSURE and p.status == S.ACCEPTED and p.accepted_on.year == year)
    say(f"    老旧楼院 {len(estates):,} 个（新增 {added:,} 个），改造项目 {len(rows):,} 个，"
        f"年度目标 {quantity:,} 个，已验收加装封闭设施 {enclosed:,} 个")
    return {"registry.Estate": added, "oldcompounds.CompoundProfile": len(profiles),
            "oldcompounds.RenovationProject": len(rows), "oldcompounds.Milestone": len(milestones),
            "oldcompounds.ProjectEvent": len(events), "oldcompounds.ProjectPhoto": photos}
