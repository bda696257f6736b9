"""Benchmark of credit at city scale (issue 4 §15).

    createdb -h 127.0.0.1 -U postgres wuye_credit_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_credit_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_credit_bench .venv/bin/python manage.py credit_bench \\
        --companies 3000 --events 100000

1. Tops the database up to ``--companies`` companies (``BENCH`` names) and ``--events`` confirmed
   credit events spread over them and over the last two years (a mix of basic, good, bad and a
   few veto items, some expired, some repaired), written with ``bulk_create``.
2. Times ``credit_recompute_all`` (``--rounds`` times; target < 30 s).
3. Times the public company page ``/credit/companies/<id>/`` for ``--requests`` random companies
   through Django's test client (in process, no network; target p95 < 100 ms) and prints the
   number of queries per page.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wuye.credit.catalogue import seed
from wuye.credit.models import CompanyCredit, CreditEvent, CreditRule
from wuye.credit.scoring import credit_recompute_all
from wuye.registry.models import PropertyCompany


class Command(BaseCommand):
    help = "Benchmark credit recomputation and the public company page at city scale."

    def add_arguments(self, parser):
        parser.add_argument("--companies", type=int, default=3000)
        parser.add_argument("--events", type=int, default=100_000)
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--requests", type=int, default=300)
        parser.add_argument("--seed", type=int, default=20260501)

    def handle(self, *args, **opts):
        seed()
        rnd = random.Random(opts["seed"])
        have = PropertyCompany.objects.count()
        if have < opts["companies"]:
            PropertyCompany.objects.bulk_create([
                PropertyCompany(name=f"BENCH 物业服务有限公司 {i:05d}", credit_code=f"BENCH{i:013d}",
                                legal_representative="张三", address="示范市", service_phone="01065550000")
                for i in range(have, opts["companies"])], batch_size=2000)
        company_ids = list(PropertyCompany.objects.values_list("pk", flat=True))
        rules = {r.code: r for r in CreditRule.objects.filter(subject="company")}
        weights = [("JC01", 20), ("JC02", 15), ("JC03", 15), ("XC02", 6), ("XJ04", 3), ("TS01", 12), ("BZ02", 4),
                   ("XC01", 5), ("XC03", 6), ("TS02", 8), ("GS01", 2), ("GS02", 2), ("SF01", 1), ("FJ01", 0.05)]
        codes, w = zip(*[(c, x) for c, x in weights if c in rules], strict=True)
        have_events = CreditEvent.objects.count()
        today = timezone.localdate()
        now = timezone.now()
        batch = []
        t0 = time.perf_counter()
        for _i in range(have_events, opts["events"]):
            rule = rules[rnd.choices(codes, w)[0]]
            occurred = today - timedelta(days=rnd.randint(0, 730))
            until = None if rule.validity_days is None else occurred + timedelta(days=rule.validity_days)
            batch.append(CreditEvent(
                company_id=rnd.choice(company_ids), rule=rule, klass=rule.klass, points=rule.points,
                status=CreditEvent.Status.CONFIRMED, source=CreditEvent.Source.AUTO, description="bench",
                occurred_on=occurred, valid_from=occurred, valid_until=until, confirmed_at=now,
                repaired_at=now if rule.klass == "bad" and rnd.random() < 0.05 else None))
            if len(batch) >= 5000:
                CreditEvent.objects.bulk_create(batch)
                batch = []
        if batch:
            CreditEvent.objects.bulk_create(batch)
        self.stdout.write(f"data: {len(company_ids)} companies, {CreditEvent.objects.count()} events "
                          f"(loaded in {time.perf_counter() - t0:.1f} s); database {connection.vendor}")

        times = []
        for r in range(opts["rounds"]):
            t = time.perf_counter()
            out = credit_recompute_all()
            times.append(time.perf_counter() - t)
            self.stdout.write(f"credit_recompute_all round {r + 1}: {times[-1]:.2f} s {out}")
        # Worst case: every company's figures change (e.g. after the bureau changed a cap).
        CompanyCredit.objects.update(score=Decimal("-1"), basic=Decimal("-1"))
        t = time.perf_counter()
        out = credit_recompute_all()
        times.append(time.perf_counter() - t)
        self.stdout.write(f"credit_recompute_all, every row changed: {times[-1]:.2f} s {out}")
        self.stdout.write(f"credit_recompute_all: best {min(times):.2f} s, worst {max(times):.2f} s (target < 30 s)")

        client = Client()
        samples = [rnd.choice(company_ids) for _ in range(opts["requests"])]
        client.get(f"/credit/companies/{samples[0]}/")  # warm up templates
        ms, queries = [], set()
        for pk in samples:
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.get(f"/credit/companies/{pk}/")
                ms.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.status_code
            queries.add(len(ctx.captured_queries))
        ms.sort()
        p95 = ms[int(len(ms) * 0.95) - 1]
        self.stdout.write(f"public company page: {len(ms)} requests, median {statistics.median(ms):.1f} ms, "
                          f"p95 {p95:.1f} ms, max {ms[-1]:.1f} ms, queries per page {sorted(queries)} "
                          f"(target p95 < 100 ms)")

