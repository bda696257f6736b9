"""Drafting a monthly bulletin and generating its .docx and PDF (issue 16 item 17).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_bench_bulletins .venv/bin/python bench/bulletins.py --runs 5

Needs a migrated database with a demo city (``manage.py demo --scale city``). Inside one
transaction that is rolled back at the end (the database is left as it was), as the city bureau,
``--runs`` times each:

- ``bulletin_draft``: a monthly bulletin of last month, every section read from the data (task
  progress by unit, complaint metrics and the red and black lists, inspections and overdue orders,
  credit, overdue disclosures, praise and criticism);
- the ``.docx`` of the issued bulletin (python-docx);
- its PDF (WeasyPrint, the fonts fontconfig finds);

and prints the median and the maximum of each, the SQL statements of a draft, and the sizes.
Timings are benchmark figures, never assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from wuye.accounts.models import Role, User  # noqa: E402
from wuye.campaign.bulletins import services as svc  # noqa: E402
from wuye.campaign.bulletins.document import content_of  # noqa: E402
from wuye.campaign.bulletins.docx_out import render_docx  # noqa: E402
from wuye.campaign.bulletins.fonts import fonts_note  # noqa: E402
from wuye.campaign.bulletins.pdf_out import render_pdf  # noqa: E402
from wuye.cases.models import Complaint, UnitMonthStat  # noqa: E402
from wuye.territory.models import District  # noqa: E402


class Rollback(Exception):
    pass


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return (time.perf_counter() - t) * 1000, value


def line(label, ms):
    print(f"{label:<28} median {statistics.median(ms):8.1f} ms   max {max(ms):8.1f} ms   (n={len(ms)})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    office = User.objects.filter(role=Role.CITY, is_active=True).order_by("pk").first()
    if office is None:
        sys.exit("no city-bureau user: build a demo city first (manage.py demo --scale city)")
    today = timezone.localdate()
    this_month = date(today.year, today.month, 1)
    end = this_month - timedelta(days=1)
    start = date(end.year, end.month, 1)
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}; complaints {Complaint.objects.count():,}; "
          f"unit-month rows {UnitMonthStat.objects.count():,}; period {start} – {end}")
    print("fonts:", fonts_note(rendered_here=True))
    draft_ms, docx_ms, pdf_ms = [], [], []
    try:
        with transaction.atomic():
            for i in range(args.runs):
                with CaptureQueriesContext(connection) as q:
                    ms, bulletin = timed(lambda: svc.bulletin_draft(actor=office, kind="monthly", period_start=start,
                                                                    period_end=end))
                draft_ms.append(ms)
                if i == 0:
                    print(f"draft: {len(q.captured_queries)} SQL statements")
                    mains = [f"district:{pk}" for pk in District.objects.values_list("pk", flat=True)]
                    svc.recipients_set(actor=office, bulletin=bulletin, main=mains, copy=[])
                    svc.bulletin_issue(actor=office, bulletin=bulletin)
                    issued = bulletin
            content = content_of(issued)
            for _ in range(args.runs):
                ms, data = timed(lambda: render_docx(content_of(issued)))
                docx_ms.append(ms)
            docx_size = len(data)
            for _ in range(args.runs):
                ms, data = timed(lambda: render_pdf(content_of(issued)))
                pdf_ms.append(ms)
            print(f"{issued.number}: {len(content.parts)} sections; docx {docx_size:,} bytes; pdf {len(data):,} bytes")
            raise Rollback
    except Rollback:
        pass
    line("draft (monthly)", draft_ms)
    line(".docx", docx_ms)
    line("PDF", pdf_ms)
    print("targets: draft < 5 s, .docx < 2 s, PDF < 10 s")


if __name__ == "__main__":
    main()
