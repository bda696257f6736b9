"""Benchmark: recompute every company's credit (issue 4 item 15).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_megacity WUYE_DEMO=1 DEBUG=0 \
        .venv/bin/python bench/credit_recompute.py [--repeat 3] [--today 2026-11-27]

Target (megacity on PostgreSQL, ≈ 3,000 companies, ≈ 100,000 credit events): ``credit_recompute_all()``
< 30 s.

What it does: prints the size of the data (companies, credit events, events counting today), times
the aggregate query alone (sum and count per company and class over the events in force), then runs
``wuye.credit.scoring.credit_recompute_all(today=…)`` ``--repeat`` times and prints each run and the
median. The recompute is idempotent (the demo data already hold the computed rows; a run rewrites
them with the same figures), so the database is left as it was; exit cases are opened only for
companies newly black-listed, which after the first run are none. ``--from-scratch`` also times one
run with the computed rows deleted first (every row written anew), inside a transaction that is
rolled back.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
os.environ.setdefault("WUYE_DEMO", "1")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from wuye.credit.models import CompanyCredit, CreditEvent  # noqa: E402
from wuye.credit.scoring import company_sums, counting_q, credit_recompute_all  # noqa: E402
from wuye.registry.models import PropertyCompany  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="评分日（默认今天）")
    parser.add_argument("--from-scratch", action="store_true", help="另测一次：先删除已计算的企业信用行（事务回滚）")
    args = parser.parse_args()
    today = args.today or timezone.localdate()
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    companies = PropertyCompany.objects.count()
    events = CreditEvent.objects.count()
    live = CreditEvent.objects.filter(counting_q(today)).count()
    print(f"companies: {companies:,}  credit events: {events:,}  counting on {today}: {live:,}")

    started = time.perf_counter()
    sums = company_sums(today)
    print(f"aggregate query alone: {(time.perf_counter() - started) * 1000:.0f} ms "
          f"({sum(len(parts) for parts in sums.values()):,} rows)")

    times = []
    for i in range(args.repeat):
        started = time.perf_counter()
        result = credit_recompute_all(today=today)
        elapsed = time.perf_counter() - started
        times.append(elapsed)
        print(f"run {i + 1}: {elapsed:.2f} s  {result}")
    if args.from_scratch:
        with transaction.atomic():
            CompanyCredit.objects.all().delete()
            started = time.perf_counter()
            result = credit_recompute_all(today=today)
            print(f"from scratch: {time.perf_counter() - started:.2f} s  {result} (rolled back)")
            transaction.set_rollback(True)
    grades = dict(CompanyCredit.objects.order_by().values_list("grade").annotate(n=Count("company_id")))
    print("grades:", ", ".join(f"{g} {grades.get(g, 0):,}" for g in ("AAA", "AA", "A", "B", "C")),
          f"| red {CompanyCredit.objects.filter(red=True).count():,}, black {CompanyCredit.objects.filter(black=True).count():,}")
    median = statistics.median(times)
    print(f"credit_recompute_all: median {median:.2f} s over {len(times)} runs (target < 30 s): "
          f"{'PASS' if median < 30 else 'FAIL'}")


if __name__ == "__main__":
    main()
