"""Benchmark: the public estate page ``/public/estates/<id>/`` (issue 5 item 11), cached and uncached.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_megacity WUYE_DEMO=1 DEBUG=0 \
        .venv/bin/python bench/public_pages.py [--estates 300] [--rounds 2] [--seed 1] [--home] [--company]

Targets (megacity on PostgreSQL): p95 < 50 ms cached, < 150 ms uncached.

What it does: picks ``--estates`` estates at random (seeded), always including the ones with the
most complaints in the last 12 months (the biggest aggregate); then, with Django's test ``Client``
(anonymous, one process, one thread, timing each request end to end: URL resolving, middleware,
queries, templates):

- uncached: the public-page cache is emptied (``public_cache_bump``) before every request;
- cached: every page is requested once to fill the cache, then ``--rounds`` times in a shuffled order.

It prints p50/p95/p99/max of each, the number of SQL queries of one uncached and one cached page,
and the five slowest uncached estates. ``--home`` and ``--company`` add the same two rows for the
city home and for the company pages of the picked estates' companies. The cache is the project's
(``REDIS_URL`` → Redis, otherwise files under var/cache or ``WUYE_CACHE=locmem``); the TTL is
``WUYE_PUBLIC_CACHE_SECONDS`` (default 60 s), so keep a run shorter than that or set it higher.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
os.environ.setdefault("WUYE_DEMO", "1")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("WUYE_PUBLIC_CACHE_SECONDS", "3600")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from wuye.cases.models import Complaint  # noqa: E402
from wuye.portal.selectors_public import public_cache_bump  # noqa: E402
from wuye.registry.models import Estate  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def timed(client: Client, url: str) -> float:
    t0 = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - t0) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def measure(client: Client, urls: list[str], rounds: int, rng: random.Random) -> tuple[list[float], list[float], dict]:
    uncached, per_url = [], {}
    for url in urls:
        public_cache_bump()
        ms = timed(client, url)
        uncached.append(ms)
        per_url[url] = ms
    for url in urls:  # fill the cache
        client.get(url)
    cached = []
    for _ in range(rounds):
        order = urls[:]
        rng.shuffle(order)
        cached += [timed(client, url) for url in order]
    return uncached, cached, per_url


def queries(client: Client, url: str) -> tuple[int, int]:
    public_cache_bump()
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    return len(cold.captured_queries), len(warm.captured_queries)


def row(label: str, values: list[float]) -> str:
    return (f"{label:<22} {len(values):>6} {statistics.median(values):>8.1f} {pct(values, 95):>8.1f} "
            f"{pct(values, 99):>8.1f} {max(values):>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--estates", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--home", action="store_true")
    parser.add_argument("--company", action="store_true")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    db = settings.DATABASES["default"]
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}; cache: {settings.CACHES['default']['BACKEND']}")
    ids = list(Estate.objects.order_by("pk").values_list("pk", flat=True))
    if not ids:
        raise SystemExit("no estates: build the demo city first")
    since = timezone.now() - timedelta(days=365)
    busiest = list(Complaint.objects.filter(created_at__gte=since).values("estate_id")
                   .annotate(n=Count("pk")).order_by("-n").values_list("estate_id", flat=True)[:10])
    picked = list(dict.fromkeys(busiest + rng.sample(ids, min(args.estates, len(ids)))))[: max(args.estates, 10)]
    client = Client()
    estate_urls = [reverse("public:estate", args=[pk]) for pk in picked]
    for url in estate_urls[:3]:
        client.get(url)  # warm up imports, templates, connections

    print(f"{'page':<22} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    uncached, cached, per_url = measure(client, estate_urls, args.rounds, rng)
    print(row("estate uncached", uncached))
    print(row("estate cached", cached))
    if args.company:
        companies = list(Estate.objects.filter(pk__in=picked, company__isnull=False)
                         .values_list("company_id", flat=True).distinct())
        company_urls = [reverse("public:company", args=[pk]) for pk in companies]
        cu, cc, _ = measure(client, company_urls, args.rounds, rng)
        print(row("company uncached", cu))
        print(row("company cached", cc))
    if args.home:
        hu, hc, _ = measure(client, [reverse("public:home")] * 20, 1, rng)
        print(row("home uncached", hu))
        print(row("home cached", hc))
    cold, warm = queries(client, estate_urls[0])
    print(f"\nSQL queries of one estate page: {cold} uncached, {warm} cached")
    print("slowest uncached estates:")
    for url, ms in sorted(per_url.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  {url:<32} {ms:8.1f} ms")
    print(f"\ntargets: estate p95 < 50 ms cached ({'met' if pct(cached, 95) < 50 else 'NOT met'}), "
          f"< 150 ms uncached ({'met' if pct(uncached, 95) < 150 else 'NOT met'})")


if __name__ == "__main__":
    main()
