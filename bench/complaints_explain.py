"""Where the complaint pages spend their time: each page's SQL, the slowest statements and their plans.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_megacity .venv/bin/python bench/complaints_explain.py
    … bench/complaints_explain.py --explain          # also EXPLAIN (ANALYZE, BUFFERS) the slowest statement of each page

Requests each benchmarked page in-process (Django's test client, signed in as the demo login the
benchmark uses) a few times, and prints per page: the median time of the whole request, the
number of SQL statements, the time spent in SQL and the slowest statement. Read-only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from wuye.accounts.models import User  # noqa: E402
from wuye.cases.models import Category  # noqa: E402
from wuye.territory.models import District  # noqa: E402


class Recorder:
    def __init__(self):
        self.rows: list[tuple[float, str, tuple]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.rows.append((time.perf_counter() - started, sql, params))


def pages() -> list[tuple[str, str, str]]:
    cat = Category.objects.get(code="cleaning_greening").pk
    district = District.objects.order_by("id").values_list("id", flat=True)[1]
    return [
        ("company", "unit queue (2 filters)", "/complaints/queue/?status=signed&level=any"),
        ("company", "unit queue (2 filters)", f"/complaints/queue/?status=signed&category={cat}"),
        ("district", "dispatcher list (2 filters)", f"/complaints/?status=open&category={cat}"),
        ("district", "dispatcher list (2 filters)", "/complaints/?status=in_progress&overdue=1"),
        ("city", "city list (2 filters)", f"/complaints/?district={district}&status=open"),
        ("city", "city list (2 filters)", f"/complaints/?district={district}&category={cat}"),
        ("city", "keyword search", "/complaints/?q=%E5%9E%83%E5%9C%BE"),
        ("city", "keyword search", "/complaints/?q=%E7%94%B5%E6%A2%AF%20%E6%95%85%E9%9A%9C"),
        ("city", "keyword search", "/complaints/?q=%E5%8F%91%E7%A5%A8"),
        ("city", "metrics", "/complaints/metrics/"),
        ("city", "ranking", "/complaints/metrics/ranking/"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    clients = {}
    for name in ("company", "district", "city"):
        c = Client()
        c.force_login(User.objects.get(username=name), backend="django.contrib.auth.backends.ModelBackend")
        clients[name] = c
    for login, label, path in pages():
        client = clients[login]
        client.get(path)  # warm
        times, rec = [], None
        for _ in range(args.repeat):
            rec = Recorder()
            with connection.execute_wrapper(rec):
                started = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
        sql_ms = sum(t for t, _s, _p in rec.rows) * 1000
        slowest = max(rec.rows, key=lambda r: r[0])
        print(f"\n## {label} [{login}] {path}")
        print(f"   request median {statistics.median(times) * 1000:.0f} ms; {len(rec.rows)} statements, "
              f"{sql_ms:.0f} ms in SQL; slowest {slowest[0] * 1000:.0f} ms:")
        print("   " + slowest[1][:600].replace("\n", " "))
        if args.explain and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[1], slowest[2])
                for (line,) in cursor.fetchall():
                    print("     " + line)


if __name__ == "__main__":
    main()
