"""The campaign office's board with 300 tasks and 5,000 reports (issue 16 item 17).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_bench_campaign .venv/bin/python bench/campaign_board.py
    … bench/campaign_board.py --tasks 300 --reports 5000 --runs 40

Needs a migrated database (``manage.py migrate``). Inside one transaction that is rolled back at
the end (the database is left as it was), it writes a city with 8 districts and 10 city-level
departments, a city-bureau login and a district login, one yearly plan with ``--tasks`` tasks (lead
units spread over the departments and districts, each with two co-units; one in ten with a target
split by district) and ``--reports`` reports spread over the months so far, then requests
``--runs`` times, signed in through Django's test client:

- ``GET /campaign/`` as the city bureau (every task: status, lead unit, progress; by unit what each
  owes; the chart by district);
- ``GET /campaign/?status=behind`` as the city bureau;
- both again "after a write": the board's kept rows (``wuye.campaign.rowcache``) forgotten before
  each request, as after any report or task change — the cost of computing every row (the
  indicator values stay kept: the periodic job refreshes them every minute, and the script runs
  it once before measuring);
- ``GET /campaign/`` as a district (its share);
- ``GET /api/v1/tasks/?page_size=200`` as the city bureau;
- ``GET /campaign/tasks/{id}/`` (drill-down to the reports);

and prints the median and p95 of each (the number of statements of the board is held by
``wuye/campaign/tests/test_board.py``). Timings are benchmark
figures, never assertions.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")

import django  # noqa: E402

django.setup()

from wuye.core.startup import prepare_process  # noqa: E402

prepare_process()  # as every serving process does (wuye/wsgi.py)

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from wuye.accounts.models import Role, User  # noqa: E402
from wuye.campaign import rowcache  # noqa: E402
from wuye.campaign.models import Plan, Report, Rhythm, TargetQuota, Task, TaskUnit  # noqa: E402
from wuye.territory.models import City, Department, District  # noqa: E402


class Rollback(Exception):
    pass


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(round(0.95 * len(values))) - 1)]


def build(n_tasks: int, n_reports: int):
    rng = random.Random(16)
    today = timezone.localdate()
    year = today.year
    city = City.objects.create(name="基准市", code="990000")
    districts = [District.objects.create(city=city, name=f"基准{i + 1}区", code=f"99{i + 1:02d}01") for i in range(8)]
    depts = [Department.objects.create(district=None, kind=kind, name=f"基准市{label}")
             for kind, label in Department.Kind.choices[:10]
             if not Department.objects.filter(district=None, kind=kind).exists()]
    depts += list(Department.objects.filter(district=None))
    units = [("department", d.pk, d.name, None) for d in {d.pk: d for d in depts}.values()]
    units += [("district", d.pk, f"{d.name}住房主管部门", d.pk) for d in districts]
    office = User.objects.create(username="bench_city", role=Role.CITY, full_name="市局基准", password_changed_at=timezone.now())
    district_user = User.objects.create(username="bench_district", role=Role.DISTRICT, district=districts[0],
                                        full_name="区级基准", password_changed_at=timezone.now())
    plan = Plan.objects.create(year=year, title=f"{year}年基准工作方案")
    tasks, rows = [], []
    for i in range(n_tasks):
        lead = units[i % len(units)]
        t = Task(plan=plan, number=str(i + 1), title=f"基准任务{i + 1}", lead_kind=lead[0], lead_id=lead[1],
                 lead_name=lead[2], due_date=date(year, 12, 31) if i % 7 else today - timedelta(days=10),
                 rhythm=Rhythm.MONTH if i % 3 else Rhythm.QUARTER, target_quantity=100 if i % 10 == 0 else None)
        tasks.append(t)
    Task.objects.bulk_create(tasks, batch_size=500)
    Task.objects.filter(plan=plan).update(created_at=datetime(year, 1, 5, 9, tzinfo=timezone.get_default_timezone()))
    quotas = []
    for i, t in enumerate(tasks):
        lead = units[i % len(units)]
        co = rng.sample([u for u in units if u != lead], 2)
        rows.append(TaskUnit(task=t, role="lead", kind=lead[0], unit_id=lead[1], name=lead[2], district_id=lead[3]))
        rows += [TaskUnit(task=t, role="co", kind=u[0], unit_id=u[1], name=u[2], district_id=u[3]) for u in co]
        if t.target_quantity:
            quotas += [TargetQuota(task=t, district=d, quota=12) for d in districts]
    TaskUnit.objects.bulk_create(rows, batch_size=1000)
    TargetQuota.objects.bulk_create(quotas, batch_size=1000)
    months = max(today.month - 1, 1)
    reports, seen = [], set()
    tu = list(TaskUnit.objects.filter(task__plan=plan).values_list("task_id", "role", "kind", "unit_id", "name", "district_id"))
    while len(reports) < n_reports:
        task_id, role, kind, unit_id, name, district_id = rng.choice(tu)
        m = rng.randint(1, months)
        key = (task_id, m, kind, unit_id)
        if key in seen:
            continue
        seen.add(key)
        end = date(year, m + 1, 1) - timedelta(days=1) if m < 12 else date(year, 12, 31)
        reports.append(Report(task_id=task_id, period=f"{year}-{m:02d}", period_end=end, role=role, unit_kind=kind,
                              unit_id=unit_id, unit_name=name, district_id=district_id, text="本月按计划推进",
                              quantity_done=rng.randint(0, 10) if role == "co" else None,
                              status=rng.choice(["accepted", "accepted", "consolidated", "submitted", "returned"]),
                              submitted_at=timezone.now()))
    Report.objects.bulk_create(reports, batch_size=1000)
    return office, district_user, tasks[0]


def measure(client: Client, url: str, runs: int, cold: bool = False) -> tuple[float, float]:
    response = client.get(url)  # warm
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        if cold:  # as after any campaign write: the board's kept rows are computed afresh
            rowcache.bump()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), p95(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--profile", action="store_true", help="profile the board after a write (cProfile, top 25)")
    args = parser.parse_args()
    try:
        with transaction.atomic():
            started = time.perf_counter()
            office, district_user, task = build(args.tasks, args.reports)
            print(f"built {args.tasks} tasks and {args.reports} reports in {time.perf_counter() - started:.1f} s "
                  f"on {connection.vendor}")
            # in production the consumer computes the indicators every minute (campaign_indicators_refresh)
            from wuye.campaign.selectors import refresh_indicators

            refresh_indicators()
            city, district = Client(), Client()
            city.force_login(office, backend="django.contrib.auth.backends.ModelBackend")
            district.force_login(district_user, backend="django.contrib.auth.backends.ModelBackend")
            cases = [
                ("board, city bureau", city, "/campaign/"),
                ("board, city, status=behind", city, "/campaign/?status=behind"),
                ("board, city, after a write", city, "/campaign/", True),
                ("board, behind, after a write", city, "/campaign/?status=behind", True),
                ("board, district", district, "/campaign/"),
                ("API tasks, 200 a page", city, "/api/v1/tasks/?page_size=200"),
                ("task drill-down", city, f"/campaign/tasks/{task.pk}/"),
            ]
            if args.profile:
                import cProfile
                import pstats

                city.get("/campaign/")
                profiler = cProfile.Profile()
                for _ in range(10):
                    rowcache.bump()
                    profiler.enable()
                    city.get("/campaign/")
                    profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
                raise Rollback
            print(f"{'request':32} {'median ms':>10} {'p95 ms':>8}")
            for label, client, url, *cold in cases:
                med, high = measure(client, url, args.runs, cold=bool(cold))
                print(f"{label:32} {med:10.1f} {high:8.1f}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
