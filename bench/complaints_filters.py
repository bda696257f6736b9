"""Every filter and keyword the page benchmark uses, as single in-process requests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_megacity .venv/bin/python bench/complaints_filters.py

For each filter pattern of ``bench/locust_complaints.py`` (unit queue, dispatcher list, city
list) and each of its keywords, requests the page a few times with random category and district
values (Django's test client, signed in as the demo login the load test uses) and prints the
median and worst time of the whole request and the median time in SQL. Read-only. Shows which
filters are slow by themselves, apart from any queueing under load.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
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


def load_patterns() -> dict:
    """The lists of filters and keywords, read from the locust file (which needs locust to import)."""
    source = (ROOT / "bench" / "locust_complaints.py").read_text(encoding="utf-8")
    names: dict = {}
    for name in ("KEYWORDS", "QUEUE_FILTERS", "LIST_FILTERS", "CITY_FILTERS"):
        start = source.index(f"{name} = ")
        exec(source[start:source.index("\n", source.index("]", start))], names)  # noqa: S102 - our own file
    return names


class _Recorder:
    def __init__(self, spent: list[float]):
        self.spent = spent

    def __call__(self, execute, statement, params, many, context):
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            self.spent.append(time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=6)
    args = parser.parse_args()
    patterns = load_patterns()
    categories = list(Category.objects.filter(active=True).values_list("id", flat=True))
    districts = list(District.objects.values_list("id", flat=True))
    clients = {}
    for login in ("company", "district", "city"):
        client = Client()
        client.force_login(User.objects.get(username=login), backend="django.contrib.auth.backends.ModelBackend")
        client.get("/complaints/")  # warm: templates, jieba's dictionary
        clients[login] = client
    rng = random.Random(1)

    def run(login: str, template: str, repeat: int) -> None:
        times, sql = [], []
        for _ in range(repeat):
            path = template.format(cat=rng.choice(categories), district=rng.choice(districts))
            spent: list[float] = []
            started = time.perf_counter()
            with connection.execute_wrapper(_Recorder(spent)):
                response = clients[login].get(path)
            times.append((time.perf_counter() - started) * 1000)
            sql.append(sum(spent) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        print(f"{login:8} median {statistics.median(times):5.0f} ms  worst {max(times):5.0f} ms  "
              f"SQL {statistics.median(sql):5.0f} ms  {template}")

    for f in patterns["QUEUE_FILTERS"]:
        run("company", "/complaints/queue/?" + f, args.repeat)
    for f in patterns["LIST_FILTERS"]:
        run("district", "/complaints/?" + f, args.repeat)
    for f in patterns["CITY_FILTERS"]:
        run("city", "/complaints/?" + f, args.repeat)
    for keyword in patterns["KEYWORDS"]:
        run("city", "/complaints/?q=" + quote(keyword), max(3, args.repeat // 2))
    run("city", "/complaints/metrics/", args.repeat)
    run("city", "/complaints/metrics/ranking/", args.repeat)


if __name__ == "__main__":
    main()
