"""Benchmark of the per-minute supervision sweep (issue 3 item 18: < 10 s over ~150,000 open complaints).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_megacity .venv/bin/python bench/complaints_sweep.py

Runs against a demo database that holds the year of demo complaints (``manage.py demo`` or
``manage.py demo_complaints``), inside one transaction that is rolled back at the end, so the
database is unchanged and the script can be run again. Each complaint the sweep acts on is still
handled in its own (nested) transaction, as in production, but as a savepoint: the commits'
disk flushes are not counted.

1. **Every minute of a day**: starting at the demo data's reference instant t0 (the end of its
   year), ``sweep(now=t0 + k min)`` for k = 1…N (default 1,440), one after the other, as the Huey
   job runs every minute. Prints the distribution of the passes' times and the slow ones: day
   deadlines end at 23:59:59, so their warnings (2 h before), overdue marks and escalations
   (+2 h, +48 h, +168 h) come in a few peak minutes.
2. **A backlog**: ``sweep(now=… + H hours)`` once, as after the worker was down for H hours:
   every warning, overdue stage and escalation of those hours at once.
``--open N`` first copies open complaints, with their tasks, until N complaints are open (inside
the same rolled-back transaction): a larger city with the same mix of stages and deadlines. The
demo ``megacity`` holds about 80,000 open complaints; ``--open 150000`` measures the target's
scale instead of extrapolating to it.

3. **Worst case**: every open complaint with a running stage made due now (``next_check_at =
   t0``), so the pass must look at all of them. ``--worst-limit`` caps how many (the time grows
   linearly; the script extrapolates).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.db.models.functions import Length  # noqa: E402

from wuye.cases import services  # noqa: E402
from wuye.cases.models import OPEN_STATUSES, Complaint, Task  # noqa: E402
from wuye.cases.sweep import sweep  # noqa: E402
from wuye.core.models import AuditAction, AuditLog  # noqa: E402
from wuye.notifications.models import Notification  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Rollback(Exception):
    pass


def timed(now) -> tuple[float, dict]:
    started = time.perf_counter()
    stats = sweep(now=now)
    return time.perf_counter() - started, stats


def grow_open(open_, target: int) -> None:
    """Copy open complaints (oldest first) and their tasks until ``target`` are open. A copy keeps
    every column but its id and takes the original's tracking code with a round letter appended."""
    tables = {model: [f.column for f in model._meta.concrete_fields if not f.primary_key]
              for model in (Complaint, Task)}
    c_cols, t_cols = tables[Complaint], tables[Task]
    q = connection.ops.quote_name
    for round_ in "BCDEFGHJ":
        missing = target - open_.count()
        if missing <= 0:
            return
        started = time.perf_counter()
        originals = open_.annotate(code_length=Length("tracking_code")).filter(code_length=len("TS" + "yymmdd" + "6chars"))
        ids = list(originals.order_by("id").values_list("id", flat=True)[:missing])
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO cases_complaint ({', '.join(map(q, c_cols))}) "
                f"SELECT {', '.join(('tracking_code || %s' if c == 'tracking_code' else q(c)) for c in c_cols)} "
                "FROM cases_complaint WHERE id = ANY(%s)", [round_, ids])
            cur.execute(
                f"INSERT INTO cases_task ({', '.join(map(q, t_cols))}) "
                f"SELECT {', '.join(('n.id' if c == 'complaint_id' else f't.{q(c)}') for c in t_cols)} "
                "FROM cases_task t JOIN cases_complaint o ON o.id = t.complaint_id "
                "JOIN cases_complaint n ON n.tracking_code = o.tracking_code || %s WHERE o.id = ANY(%s)",
                [round_, ids])
        print(f"copied {len(ids):,} open complaints and their tasks ({time.perf_counter() - started:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=int, default=1440,
                        help="passes, one per simulated minute (default: a whole day, with its peaks at the "
                             "deadlines ending at midnight and their escalations)")
    parser.add_argument("--backlog-hours", type=float, default=1.0, help="the backlog pass covers this many hours")
    parser.add_argument("--worst-limit", type=int, default=0,
                        help="worst case: make at most this many open complaints due (0 = all)")
    parser.add_argument("--skip-worst", action="store_true")
    parser.add_argument("--at", default="", help="the reference instant t0 (ISO with zone); default: the demo's own")
    parser.add_argument("--open", type=int, default=0,
                        help="first copy open complaints with their tasks until this many are open (rolled back)")
    args = parser.parse_args()

    last = Complaint.objects.aggregate(m=Max("created_at"))["m"]
    if last is None:
        sys.exit("没有诉求数据：请先生成演示诉求（manage.py demo 或 manage.py demo_complaints）。")
    # The instant the demo year ends (recorded in the generator's IMPORT audit row), else the newest complaint.
    t0 = last.replace(microsecond=0) + timedelta(minutes=1)
    for changes in AuditLog.objects.filter(action=AuditAction.IMPORT).order_by("-id").values_list("changes", flat=True):
        if isinstance(changes, dict) and changes.get("complaints_until"):
            t0 = datetime.fromisoformat(changes["complaints_until"])
            break
    if args.at:
        t0 = datetime.fromisoformat(args.at)
    open_ = Complaint.objects.filter(status__in=sorted(OPEN_STATUSES))
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"complaints: {Complaint.objects.count():,}, open: {open_.count():,}, "
          f"with a next check: {Complaint.objects.filter(next_check_at__isnull=False).count():,}")
    print(f"reference instant t0 = {t0.isoformat()}")
    services.settings_changed()
    sweep(now=t0 - timedelta(days=400))  # warm up: imports, settings, calendar (looks at nothing)

    try:
        with transaction.atomic():
            if args.open:
                grow_open(open_, args.open)
                print(f"open after copying: {open_.count():,}, with a next check: "
                      f"{Complaint.objects.filter(next_check_at__isnull=False).count():,}")
            # 1. typical minutes
            times, checked = [], []
            for k in range(1, args.minutes + 1):
                seconds, stats = timed(t0 + timedelta(minutes=k))
                times.append(seconds)
                checked.append(stats["checked"])
            print(f"\n1. typical minutes ({args.minutes} passes, one per simulated minute after t0)")
            print(f"   complaints looked at per pass: mean {statistics.mean(checked):.1f}, max {max(checked)}")
            q = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
            print(f"   seconds per pass: mean {statistics.mean(times):.3f}, median {statistics.median(times):.3f}, "
                  f"p95 {q[94]:.3f}, p99 {q[98]:.3f}, max {max(times):.3f}")
            slow = sorted(((s_, k, n) for k, (s_, n) in enumerate(zip(times, checked, strict=True), start=1)
                           if s_ > 1), reverse=True)
            for s_, k, n in slow[:12]:
                at = (t0 + timedelta(minutes=k)).astimezone(SHANGHAI)
                print(f"   slow pass at {at:%m-%d %H:%M} (Asia/Shanghai): {n} complaints in {s_:.2f} s "
                      f"({s_ / max(1, n) * 1000:.1f} ms each)")

            # 2. a backlog of H hours
            at = t0 + timedelta(minutes=args.minutes) + timedelta(hours=args.backlog_hours)
            n_before = Notification.objects.count()
            seconds, stats = timed(at)
            print(f"\n2. backlog of {args.backlog_hours:g} h in one pass: {stats} in {seconds:.2f} s "
                  f"({seconds / max(1, stats['checked']) * 1000:.1f} ms per complaint; "
                  f"{Notification.objects.count() - n_before:,} notifications queued)")

            # 3. worst case: every open complaint with a running stage is due at once
            if not args.skip_worst:
                now = at + timedelta(minutes=1)
                due = Complaint.objects.filter(next_check_at__isnull=False)
                ids = list(due.order_by("id").values_list("id", flat=True))
                if args.worst_limit:
                    ids = ids[: args.worst_limit]
                Complaint.objects.filter(id__in=ids).update(next_check_at=now - timedelta(seconds=1))
                seconds, stats = timed(now)
                per = seconds / max(1, stats["checked"])
                print(f"\n3. worst case: {len(ids):,} complaints due at once: {stats} in {seconds:.2f} s "
                      f"({per * 1000:.2f} ms per complaint)")
                if args.worst_limit:
                    print(f"   extrapolated to all {due.count():,} complaints with a running stage: "
                          f"{per * due.count():.0f} s")
            raise Rollback
    except Rollback:
        print("\n(rolled back: the database is unchanged)")


if __name__ == "__main__":
    main()
