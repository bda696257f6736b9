"""The city's old-compound board, the enclosure target chart and the task's progress API
(issue 17 item 17: p95 < 150 ms on ``megacity``, PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_megacity .venv/bin/python bench/oldcompounds_board.py
    … bench/oldcompounds_board.py --runs 40 [--synthetic 3000]

On a database that holds the demo city with its old compounds (``manage.py demo --scale megacity``,
or ``manage.py demo_transition`` on an older one) it reads that data; otherwise (or with
``--synthetic N``) it writes, inside one transaction that is rolled back at the end, N old compounds
over 16 districts with their register entries and about 1.3 projects each (two thirds of them
accepted enclosures), a year's plan with the enclosure task split by district, a city-bureau login
and a district login. Then it requests ``--runs`` times, signed in through Django's test client:

- ``GET /old-compounds/`` as the city bureau (the register's first page with its counts);
- ``GET /old-compounds/?lacking=lacks_enclosure`` as the city bureau;
- ``GET /old-compounds/`` as a district;
- ``GET /old-compounds/target/`` as the city bureau (the city's progress against the deadline, the
  districts' quotas and the weekly behind-pace flag);
- ``GET /api/v1/tasks/{id}/`` of the enclosure task as the city bureau (``progress`` from acceptances),
  the campaign board's kept rows forgotten before each request;
- ``GET /api/v1/renovations/?page_size=200`` as the city bureau;

and prints the median and p95 of each. Timings are benchmark figures, never assertions.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from wuye.accounts.models import Role, User  # noqa: E402
from wuye.campaign import rowcache  # noqa: E402
from wuye.campaign.models import Plan, TargetQuota, Task  # noqa: E402
from wuye.registry.models import Estate  # noqa: E402
from wuye.territory.models import City, Community, District, Street  # noqa: E402
from wuye.transition.oldcompounds.models import CompoundProfile, RenovationProject  # noqa: E402


class Rollback(Exception):
    pass


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(round(0.95 * len(values))) - 1)]


def existing():
    """The demo city's logins and enclosure task, if the database holds them."""
    task = Task.objects.filter(indicator="enclosures_completed", plan__year=timezone.localdate().year).first()
    office = User.objects.filter(role=Role.CITY, is_active=True).order_by("id").first()
    district = User.objects.filter(username="district", role=Role.DISTRICT).first() or User.objects.filter(
        role=Role.DISTRICT, is_active=True).order_by("id").first()
    if task and office and district and CompoundProfile.objects.exists():
        return office, district, task
    return None


def build(n: int):
    rng = random.Random(17)
    today = timezone.localdate()
    year = today.year
    city = City.objects.create(name="基准市", code="990000")
    districts, communities = [], []
    for i in range(16):
        d = District.objects.create(city=city, name=f"基准{i + 1}区", code=f"99{i + 1:02d}01")
        districts.append(d)
        for j in range(4):
            s = Street.objects.create(district=d, name=f"基准{i + 1}区{j + 1}街道", code=f"99{i + 1:02d}01{j + 1:03d}000")
            communities += [Community.objects.create(street=s, name=f"{s.name}{k + 1}社区",
                                                     code=f"99{i + 1:02d}01{j + 1:03d}{k + 1:03d}") for k in range(3)]
    estates = []
    for i in range(n):
        c = communities[i % len(communities)]
        estates.append(Estate(name=f"基准老旧楼院{i + 1}", address="基准路", community=c, street_id=c.street_id,
                              district_id=c.street.district_id, kind=Estate.Kind.OLD_COMPOUND, year_built=1985,
                              management_mode="none", search_key=f"jzlylx{i}"))
    Estate.objects.bulk_create(estates, batch_size=2000)
    CompoundProfile.objects.bulk_create([CompoundProfile(estate=e, households=rng.randint(24, 200),
                                                         lacks_enclosure=rng.random() < 0.3,
                                                         lacks_lighting=rng.random() < 0.4,
                                                         plan_status=rng.choice(CompoundProfile.PlanStatus.values))
                                         for e in estates], batch_size=2000)
    projects = []
    for i, e in enumerate(estates):
        accepted = today - timedelta(days=rng.randint(0, max(1, (today - date(year, 1, 1)).days)))
        kinds = ["enclosure"] + (["meters"] if i % 3 == 0 else [])
        for k in kinds:
            done = rng.random() < 0.7
            projects.append(RenovationProject(estate=e, district_id=e.district_id, street_id=e.street_id, kind=k,
                                              planned_finish=date(year, 12, 31), status="accepted" if done else "in_progress",
                                              accepted_on=accepted if done else None, started_on=date(year, 1, 10)))
    RenovationProject.objects.bulk_create(projects, batch_size=2000)
    office = User.objects.create(username="bench_city", role=Role.CITY, full_name="市局基准",
                                 password_changed_at=timezone.now())
    district_user = User.objects.create(username="bench_district", role=Role.DISTRICT, district=districts[0],
                                        full_name="区级基准", password_changed_at=timezone.now())
    plan = Plan.objects.create(year=year, title=f"{year}年基准工作方案")
    task = Task.objects.create(plan=plan, number="1", title="完成老旧楼院加装封闭设施", lead_kind="city", lead_id=city.pk,
                               lead_name="基准市住房保障房产局", due_date=date(year, 12, 31),
                               indicator="enclosures_completed", target_quantity=900)
    TargetQuota.objects.bulk_create([TargetQuota(task=task, district=d, quota=900 // 16 + (1 if i < 900 % 16 else 0))
                                     for i, d in enumerate(districts)])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return office, district_user, task


def measure(client: Client, url: str, runs: int, cold: bool = False) -> tuple[float, float]:
    response = client.get(url)  # warm
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        if cold:
            rowcache.bump()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), p95(times)


def show_queries(client: Client, url: str) -> None:
    connection.force_debug_cursor = True
    connection.queries_log.clear()
    client.get(url)
    connection.force_debug_cursor = False
    for q in connection.queries:
        print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:150]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--synthetic", type=int, default=0, help="build N old compounds (rolled back) instead")
    parser.add_argument("--queries", action="store_true", help="print each request's statements and their times")
    args = parser.parse_args()
    try:
        with transaction.atomic():
            found = None if args.synthetic else existing()
            if found is None:
                started = time.perf_counter()
                found = build(args.synthetic or 3000)
                print(f"built {args.synthetic or 3000} old compounds in {time.perf_counter() - started:.1f} s")
            office, district_user, task = found
            print(f"{Estate.objects.filter(kind='old_compound').count():,} old compounds, "
                  f"{RenovationProject.objects.count():,} projects, on {connection.vendor}")
            city, district = Client(), Client()
            city.force_login(office, backend="django.contrib.auth.backends.ModelBackend")
            district.force_login(district_user, backend="django.contrib.auth.backends.ModelBackend")
            cases = [
                ("register, city bureau", city, "/old-compounds/"),
                ("register, lacking enclosure", city, "/old-compounds/?lacking=lacks_enclosure"),
                ("register, district", district, "/old-compounds/"),
                ("target chart, city bureau", city, "/old-compounds/target/"),
                ("API task progress (cold)", city, f"/api/v1/tasks/{task.pk}/", True),
                ("API renovations, 200 a page", city, "/api/v1/renovations/?page_size=200"),
            ]
            print(f"{'request':32} {'median ms':>10} {'p95 ms':>8}")
            for label, client, url, *cold in cases:
                if args.queries:
                    show_queries(client, url)
                med, high = measure(client, url, args.runs, cold=bool(cold))
                print(f"{label:32} {med:10.1f} {high:8.1f}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
