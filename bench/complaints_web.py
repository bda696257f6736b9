"""Web and API benchmarks of the complaint pages (issue 3 item 18).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_megacity .venv/bin/python bench/complaints_web.py

Targets (megacity on PostgreSQL): a unit's queue and the dispatcher's list with two filters p95 <
150 ms; keyword search p95 < 300 ms; metrics and ranking pages p95 < 150 ms; intake through the API
≥ 150 complaints/s sustained with p95 < 200 ms (gunicorn, 2 cores).

What it does: opens sessions for the demo logins ``company``, ``district`` and ``city`` and an API
token for ``city`` (the desk that enters hotline calls); starts gunicorn (``--workers`` ×
``--threads``, ``DEBUG=0``); warms every worker; then runs ``bench/locust_complaints.py``:

1. ``pages``: ``--users`` officials for ``--duration`` with a think time of 0.5–2 s between clicks
   (``BENCH_THINK``), each request type's p50/p95/p99 printed as a Markdown table;
2. ``intake``: ``--intake-users`` partner systems each posting ``--rate`` complaints a second
   (a closed loop at most: a slow answer delays the next request) for ``--duration``.

The complaints the intake run files (their ticket starts with ``BENCH``) are deleted afterwards.
Locust runs on the same machine as the server. Results go to ``var/bench/complaints_*.csv``.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
SERVER_ENV = {"WUYE_DEMO": "1", "DEBUG": "0", "WUYE_SECURE_COOKIES": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
os.environ.update(SERVER_ENV)

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from wuye.accounts.models import User  # noqa: E402
from wuye.cases.models import Category, Complaint  # noqa: E402
from wuye.registry.models import Estate  # noqa: E402
from wuye.territory.models import District  # noqa: E402


def sessions(username: str, n: int) -> str:
    user = User.objects.get(username=username)
    out = []
    for _ in range(n):
        c = Client()
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        out.append(c.cookies["sessionid"].value)
    return ",".join(out)


def summarise(path: Path, duration: float) -> None:
    print("| request | count | failures | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            rps = float(row["Requests/s"]) if row.get("Requests/s") else int(row["Request Count"]) / duration
            print(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {rps:.1f} | {row['50%']} | "
                  f"{row['95%']} | {row['99%']} |")


def get(url: str, cookie: str = "") -> None:
    req = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"} if cookie else {})
    try:
        urllib.request.urlopen(req, timeout=60).read()
    except Exception as exc:  # noqa: BLE001 - warming up: report and go on
        print("warm-up:", url, exc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", default="60s")
    parser.add_argument("--intake-users", type=int, default=40)
    parser.add_argument("--rate", type=float, default=4.0, help="complaints per second per intake user")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-intake", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not (ROOT / ".venv/bin/locust").exists():  # the bench extra, as bench/web_load.sh installs it
        subprocess.run([str(ROOT / ".venv/bin/pip"), "install", "--quiet", "-e", f"{ROOT}[bench]"], check=True)
    seconds = float(args.duration.rstrip("s"))

    rng = random.Random(7)
    city = User.objects.get(username="city")
    token, _created = Token.objects.get_or_create(user=city)
    env = dict(os.environ)
    env.update(
        BENCH_SESSIONS_company=sessions("company", args.users),
        BENCH_SESSIONS_district=sessions("district", args.users),
        BENCH_SESSIONS_city=sessions("city", args.users),
        BENCH_TOKEN=token.key,
        BENCH_CATEGORY_IDS=",".join(map(str, Category.objects.filter(active=True).values_list("id", flat=True))),
        BENCH_DISTRICT_IDS=",".join(map(str, District.objects.values_list("id", flat=True))),
        BENCH_ESTATE_IDS=",".join(map(str, rng.sample(list(Estate.objects.values_list("id", flat=True)), 500))),
    )
    print(f"database: {Complaint.objects.db} {os.environ.get('DATABASE_URL', 'sqlite (db.sqlite3)')}; "
          f"complaints: {Complaint.objects.count():,}")

    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "wuye.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers",
         str(args.workers), "--threads", str(args.threads), "--log-level", "warning"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
                break
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.5)
        # Warm every worker: templates, URL resolver, jieba's dictionary, the calendar.
        cookies = {k: env[f"BENCH_SESSIONS_{k}"].split(",")[0] for k in ("company", "district", "city")}
        for _ in range(args.workers * 4):
            get(base + "/complaints/queue/?status=signed&level=any", cookies["company"])
            get(base + "/complaints/?status=open&category=1", cookies["district"])
            get(base + "/complaints/?q=%E5%9E%83%E5%9C%BE", cookies["city"])
            get(base + "/complaints/metrics/", cookies["city"])
            get(base + "/complaints/metrics/ranking/", cookies["city"])
        locust = [str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench/locust_complaints.py"), "--headless",
                  "--host", base, "--only-summary", "-t", args.duration]
        if not args.skip_pages:
            print(f"\n## pages: {args.users} users, {args.duration}, think time {os.environ.get('BENCH_THINK', '0.5,2')} s\n")
            subprocess.run([*locust, "-u", str(args.users), "-r", str(args.users), "--csv", str(out / "complaints_pages"),
                            "CompanyOfficer", "DistrictDispatcher", "CityDesk"], env=env, check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            summarise(out / "complaints_pages_stats.csv", seconds)
        if not args.skip_intake:
            target = args.intake_users * args.rate
            print(f"\n## intake: {args.intake_users} partners × {args.rate:g}/s = {target:g} complaints/s offered, "
                  f"{args.duration}\n")
            before = Complaint.objects.count()
            started = time.monotonic()
            subprocess.run([*locust, "-u", str(args.intake_users), "-r", str(args.intake_users), "--csv",
                            str(out / "complaints_intake"), "HotlinePartner"],
                           env={**env, "BENCH_RATE": str(args.rate)}, check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            elapsed = time.monotonic() - started
            filed = Complaint.objects.count() - before
            summarise(out / "complaints_intake_stats.csv", seconds)
            print(f"\nfiled {filed:,} complaints (≈ {filed / seconds:.0f}/s over the {args.duration} run; "
                  f"locust ran {elapsed:.0f} s including start-up)")
    finally:
        server.terminate()
        server.wait(timeout=30)
        n, _ = Complaint.objects.filter(source_ticket__startswith="BENCH").delete()
        if n:
            print(f"(deleted the benchmark's own complaints and their rows: {n:,} rows)")


if __name__ == "__main__":
    main()
