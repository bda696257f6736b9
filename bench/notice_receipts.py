"""Receipts of a notice to 3,000 companies (issue 16 item 17): the sender's receipts API and page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_bench_notices .venv/bin/python bench/notice_receipts.py
    … bench/notice_receipts.py --companies 3000 --runs 40

Needs a migrated database (``manage.py migrate``). Inside one transaction that is rolled back at
the end (the database is left as it was), it writes a city, a district, ``--companies`` property
companies, a city-bureau login and one company manager, sends one notice to every company through
``create_notice`` (receipts, audit row, inbox and SMS outbox rows — timed once), has a third of
the companies acknowledge and a sixth read it, then requests ``--runs`` times, signed in as the
city bureau through Django's test client:

- ``GET /api/v1/notices/{id}/receipts/`` (all 3,000 entries with the counts);
- ``GET /notices/{id}/`` (the receipts page: counts and the first page of 50);
- ``GET /notices/{id}/receipts/?status=overdue`` (the htmx refresh with a filter);

and prints the median and p95 of each and the number of SQL statements. Timings are benchmark
figures, never assertions.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from wuye.accounts.models import Role, User  # noqa: E402
from wuye.campaign.notices.models import Receipt  # noqa: E402
from wuye.campaign.notices.services import create_notice  # noqa: E402
from wuye.cases.units import Unit  # noqa: E402
from wuye.demo import identifiers as ids  # noqa: E402
from wuye.registry.models import PropertyCompany  # noqa: E402
from wuye.territory.models import City, District  # noqa: E402


class Rollback(Exception):
    pass


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(round(0.95 * len(values))) - 1)]


def build(n: int):
    rng = random.Random(16)
    city = City.objects.create(name="基准市", code="990000")
    District.objects.create(city=city, name="基准区", code="990101")
    codes: set[str] = set()
    companies = []
    while len(companies) < n:
        code = ids.credit_code(rng, region="990101")
        if code in codes:
            continue
        codes.add(code)
        companies.append(PropertyCompany(name=f"基准物业服务有限公司{len(companies) + 1:04d}", credit_code=code,
                                         legal_representative="张三", address="基准区", service_phone="01065550000"))
    PropertyCompany.objects.bulk_create(companies, batch_size=1000)
    office = User.objects.create(username="bench_city", role=Role.CITY, full_name="市局基准", password_changed_at=timezone.now())
    manager = User.objects.create(username="bench_company", role=Role.COMPANY_MANAGER, company=companies[0],
                                  full_name="企业基准", phone="13800000000", password_changed_at=timezone.now())
    return office, manager, companies


def time_get(client: Client, url: str, runs: int) -> tuple[list[float], int, int]:
    client.get(url)  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    with CaptureQueriesContext(connection) as q:
        client.get(url)
    return times, len(q.captured_queries), r.status_code


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--companies", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=40)
    args = ap.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    try:
        with transaction.atomic():
            office, _manager, companies = build(args.companies)
            started = time.perf_counter()
            notice = create_notice(by=office, title="基准通知", body="基准正文",
                                   recipients=[Unit("company", c.pk, c.name) for c in companies],
                                   ack_due=timezone.now() + timedelta(days=2))
            print(f"create_notice to {args.companies:,} companies: {(time.perf_counter() - started) * 1000:.0f} ms")
            ids_ = list(Receipt.objects.filter(notice=notice).order_by("id").values_list("id", flat=True))
            now = timezone.now()
            Receipt.objects.filter(id__in=ids_[: len(ids_) // 3]).update(status="acknowledged", read_at=now, acknowledged_at=now)
            Receipt.objects.filter(id__in=ids_[len(ids_) // 3: len(ids_) // 2]).update(status="read", read_at=now)
            connection.cursor().execute("ANALYZE")
            client = Client()
            client.force_login(office, backend="django.contrib.auth.backends.ModelBackend")
            for label, url in [
                ("API receipts (all entries)", f"/api/v1/notices/{notice.pk}/receipts/"),
                ("receipts page", f"/notices/{notice.pk}/"),
                ("receipts panel, filtered", f"/notices/{notice.pk}/receipts/?status=read"),
            ]:
                times, queries, _status = time_get(client, url, args.runs)
                print(f"{label:30s} median {statistics.median(times):7.1f} ms   p95 {p95(times):7.1f} ms   "
                      f"{queries} queries   ({args.runs} runs)")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
