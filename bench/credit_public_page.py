"""Benchmark: a company's public credit page ``/credit/companies/<id>/`` (issue 4 item 15).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_megacity WUYE_DEMO=1 DEBUG=0 \
        .venv/bin/python bench/credit_public_page.py [--companies 500] [--rounds 2] [--seed 1]

Target (megacity on PostgreSQL): p95 < 100 ms.

What it does: picks ``--companies`` companies at random (seeded), always including the ones with the
most credit events and every black-listed one (the longest pages), requests each page once to warm
up, then ``--rounds`` times in a shuffled order with Django's test ``Client`` (no login: the page is
public), in one process and one thread, timing each request end to end (URL resolving, middleware,
queries, template). Prints p50/p95/p99/max, the number of SQL queries of the longest page, and the
ten slowest companies.

``--http N`` measures through the real server instead: starts gunicorn (``--workers``, default 2,
on this machine's 2 cores) and has N client threads request the same pages over HTTP, each
sending its next request as soon as the previous one is answered.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
os.environ.setdefault("WUYE_DEMO", "1")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from wuye.credit.models import CompanyCredit, CreditEvent  # noqa: E402
from wuye.registry.models import PropertyCompany  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--http", type=int, default=0, help="client threads against gunicorn (0: in-process)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8093)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    ids = list(PropertyCompany.objects.order_by("pk").values_list("pk", flat=True))
    busiest = list(CreditEvent.objects.order_by().values("company_id").annotate(n=Count("id"))
                   .order_by("-n").values_list("company_id", flat=True)[:10])
    black = list(CompanyCredit.objects.filter(black=True).values_list("company_id", flat=True))
    chosen = list(dict.fromkeys(busiest + black + rng.sample(ids, min(args.companies, len(ids)))))[: max(args.companies, 20)]
    print(f"companies: {len(ids):,} in the city, {len(chosen)} pages measured × {args.rounds} rounds")
    if args.http:
        return http_run(args, chosen, rng)
    client = Client()
    for pk in chosen:  # warm up: connection, templates, caches
        r = client.get(f"/credit/companies/{pk}/")
        assert r.status_code == 200, (pk, r.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(f"/credit/companies/{busiest[0]}/")
    print(f"SQL queries of the busiest company's page: {len(ctx.captured_queries)}")
    times: list[float] = []
    per_company: dict[int, list[float]] = {}
    for _round in range(args.rounds):
        order = chosen[:]
        rng.shuffle(order)
        for pk in order:
            started = time.perf_counter()
            r = client.get(f"/credit/companies/{pk}/")
            elapsed = (time.perf_counter() - started) * 1000
            assert r.status_code == 200
            times.append(elapsed)
            per_company.setdefault(pk, []).append(elapsed)
    p50, p95, p99 = pct(times, 50), pct(times, 95), pct(times, 99)
    print(f"requests: {len(times):,}  mean {statistics.mean(times):.1f} ms  p50 {p50:.1f} ms  p95 {p95:.1f} ms  "
          f"p99 {p99:.1f} ms  max {max(times):.1f} ms")
    slow = sorted(per_company.items(), key=lambda kv: -max(kv[1]))[:10]
    counts = dict(CreditEvent.objects.filter(company_id__in=[k for k, _v in slow]).order_by().values_list("company_id")
                  .annotate(n=Count("id")))
    print("slowest pages: " + ", ".join(f"{pk} ({max(v):.0f} ms, {counts.get(pk, 0)} events)" for pk, v in slow))
    print(f"public company page p95 {p95:.1f} ms (target < 100 ms): {'PASS' if p95 < 100 else 'FAIL'}")


def http_run(args, chosen: list[int], rng: random.Random) -> None:
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "wuye.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers",
         str(args.workers), "--log-level", "warning"], cwd=ROOT, env=dict(os.environ))
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/credit/red/", timeout=2).read()
                break
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.5)
        for pk in chosen:  # warm every worker
            urllib.request.urlopen(f"{base}/credit/companies/{pk}/", timeout=10).read()
        work = [pk for _round in range(args.rounds) for pk in chosen]
        rng.shuffle(work)
        times: list[float] = []
        lock = threading.Lock()

        def client_thread(share: list[int]) -> None:
            mine = []
            for pk in share:
                started = time.perf_counter()
                with urllib.request.urlopen(f"{base}/credit/companies/{pk}/", timeout=30) as r:
                    r.read()
                    assert r.status == 200
                mine.append((time.perf_counter() - started) * 1000)
            with lock:
                times.extend(mine)

        threads = [threading.Thread(target=client_thread, args=(work[i::args.http],)) for i in range(args.http)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    p50, p95, p99 = pct(times, 50), pct(times, 95), pct(times, 99)
    print(f"HTTP, gunicorn {args.workers} workers, {args.http} clients: {len(times):,} requests in {wall:.1f} s "
          f"({len(times) / wall:.0f}/s)  p50 {p50:.1f} ms  p95 {p95:.1f} ms  p99 {p99:.1f} ms  max {max(times):.1f} ms")
    print(f"public company page p95 {p95:.1f} ms (target < 100 ms): {'PASS' if p95 < 100 else 'FAIL'}")


if __name__ == "__main__":
    main()
