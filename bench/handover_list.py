"""A district's handover list (issue 17 item 17: p95 < 150 ms on ``megacity``, PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_megacity .venv/bin/python bench/handover_list.py
    … bench/handover_list.py --runs 60

Needs a database holding the demo city with its handover cases (``manage.py demo --scale megacity``,
or ``manage.py demo_transition --scale megacity`` for a city built before them). In process, signed
in through Django's test client as an official of the district with the most cases (a login made
inside a transaction that is rolled back at the end: the database is left as it was), it requests
``--runs`` times each of:

- ``GET /handovers/`` (newest first, 20 a page);
- ``GET /handovers/?overdue=1`` (filings not made by the deadline);
- ``GET /handovers/?early=1`` (early deliveries);
- ``GET /handovers/?step=handed_over``;
- ``GET /handovers/?q=<a common character of the estates' names>`` (search);
- ``GET /handovers/?page=3``;
- ``GET /api/v1/handovers/`` as the same official;

and prints the median and p95 of each. Timings are benchmark figures, never assertions (the
statement count of the list is held by ``wuye/transition/handover/tests/test_views.py``).
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

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from wuye.accounts.models import Role, User  # noqa: E402
from wuye.transition.handover.models import HandoverCase  # noqa: E402


class Rollback(Exception):
    pass


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(round(0.95 * len(values))) - 1)]


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    client.get(url)  # warm-up
    times = []
    status = 0
    for _ in range(runs):
        started = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        status = r.status_code
    return statistics.median(times), p95(times), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    top = (HandoverCase.objects.values("district_id").annotate(n=Count("id")).order_by("-n", "district_id").first())
    if top is None:
        sys.exit("数据库中没有承接查验记录：请先执行 manage.py demo（或 demo_transition）。")
    total = HandoverCase.objects.count()
    print(f"{connection.vendor}: {total:,} handover cases, the district measured holds {top['n']:,}")
    try:
        with transaction.atomic():
            user = User.objects.create(username="bench_handover_district", role=Role.DISTRICT,
                                       district_id=top["district_id"], full_name="承接查验基准",
                                       password_changed_at=timezone.now())
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            urls = ["/handovers/", "/handovers/?overdue=1", "/handovers/?early=1", "/handovers/?step=handed_over",
                    "/handovers/?q=园", "/handovers/?page=3", "/api/v1/handovers/"]
            print(f"{'URL':44} {'median ms':>10} {'p95 ms':>8} status")
            for url in urls:
                med, p, status = measure(client, url, args.runs)
                print(f"{url:44} {med:10.1f} {p:8.1f} {status}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
