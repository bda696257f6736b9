"""Complaint benchmarks (issue 3 item 18), driven by ``bench/complaints_web.py``.

Two scenarios, chosen with locust's ``--tags``:

``pages``: officials with a think time between clicks, each signed in with a session opened
before the run (``BENCH_SESSIONS_<login>``):
  - the company's queue (``/complaints/queue/``) with two filters;
  - the district's and the city desk's list of complaints (``/complaints/``) with two filters;
  - keyword search over the whole city (``/complaints/?q=…``, the city desk sees every complaint);
  - the metrics page and the monthly ranking (``/complaints/metrics/``, ``…/ranking/``).

``intake``: partner systems posting complaints to ``POST /api/v1/complaints/`` with token
authentication (``BENCH_TOKEN``, the city desk entering 12345 hotline calls) and an
``Idempotency-Key``, each user at a constant rate (``BENCH_RATE`` requests per second).
"""

import itertools
import json
import os
import random
import uuid
from http.cookiejar import Cookie
from urllib.parse import quote

from locust import between, constant_throughput, tag, task
from locust.contrib.fasthttp import FastHttpUser


def _ids(name: str) -> list[int]:
    return [int(x) for x in os.environ.get(name, "").split(",") if x]


def _sessions(login: str):
    values = [v for v in os.environ.get(f"BENCH_SESSIONS_{login}", "").split(",") if v]
    return itertools.cycle(values) if values else None


SESSIONS = {login: _sessions(login) for login in ("company", "district", "city")}
CATEGORY_IDS = _ids("BENCH_CATEGORY_IDS")
DISTRICT_IDS = _ids("BENCH_DISTRICT_IDS")
ESTATE_IDS = _ids("BENCH_ESTATE_IDS")
THINK = [float(x) for x in os.environ.get("BENCH_THINK", "0.5,2").split(",")]
RATE = float(os.environ.get("BENCH_RATE", "4"))
TOKEN = os.environ.get("BENCH_TOKEN", "")
# One connection per request, as a reverse proxy in front of gunicorn opens them (nginx speaks
# HTTP/1.0 without keep-alive to its upstream unless told otherwise). With kept-alive connections
# each simulated user stays on the gunicorn worker that accepted it, so a worker holding several
# users queues their requests while the others idle. BENCH_KEEPALIVE=1 keeps the connections.
CONNECTION = {} if os.environ.get("BENCH_KEEPALIVE") == "1" else {"Connection": "close"}
# What residents complain about most: single words and two-word queries.
KEYWORDS = ["垃圾", "电梯", "停车费", "漏水", "物业费", "噪音", "消防通道", "违建", "公摊", "业委会", "楼道灯",
            "垃圾 清运", "电梯 故障", "物业 收费", "停车 收费", "外墙 渗水", "广场舞", "充电桩", "门禁", "发票"]
QUEUE_FILTERS = ["status=signed&level=any", "status=pending&overdue=1", "status=signed&category={cat}",
                 "role=lead&overdue=1", "category={cat}&level=any"]
LIST_FILTERS = ["status=open&category={cat}", "status=in_progress&overdue=1", "status=open&level=any",
                "category={cat}&source=12345", "status=replied&category={cat}"]
CITY_FILTERS = ["district={district}&status=open", "district={district}&category={cat}",
                "status=open&overdue=1", "district={district}&level=any"]
DESCRIPTIONS = [
    "{b}号楼门口的垃圾桶已经三天没有清运，气味很大。",
    "{b}号楼{u}单元电梯停运两天了，老人下不了楼。",
    "物业突然把地面停车费涨到每月300元，没有公示。",
    "{b}号楼{u}单元楼道灯坏了一周，晚上一片漆黑。",
    "{b}号楼有住户在楼道里给电动车充电，存在火灾隐患。",
    "小区中心广场广场舞音响太吵，一直到晚上十点。",
]


def _cookie(value: str) -> Cookie:
    return Cookie(0, "sessionid", value, None, False, "127.0.0.1", False, False, "/", True, False, None, False,
                  None, None, {})


class _Signed(FastHttpUser):
    abstract = True
    login = ""
    wait_time = between(THINK[0], THINK[1])

    def on_start(self):
        sessions = SESSIONS[self.login]
        if sessions is None:
            raise RuntimeError(f"no session for {self.login}: run bench/complaints_web.py")
        self.client.cookiejar.set_cookie(_cookie(next(sessions)))

    def _get(self, path: str, name: str) -> None:
        # Anything but the page itself (an error, or a redirect to the login page) is a failure.
        with self.client.get(path, name=name, headers=CONNECTION, catch_response=True) as response:
            if response.status_code != 200 or "/accounts/login/" in (response.url or ""):
                response.failure(f"HTTP {response.status_code} {response.url}")

    def fill(self, template: str) -> str:
        return template.format(cat=random.choice(CATEGORY_IDS), district=random.choice(DISTRICT_IDS))


class CompanyOfficer(_Signed):
    """示范市安居物业服务有限公司's complaint handler working through the company's queue."""

    login = "company"
    weight = 3

    @tag("pages")
    @task
    def queue_two_filters(self):
        self._get("/complaints/queue/?" + self.fill(random.choice(QUEUE_FILTERS)), "unit queue (2 filters)")


class DistrictDispatcher(_Signed):
    """The district authority's dispatcher: its district's complaints."""

    login = "district"
    weight = 3

    @tag("pages")
    @task
    def list_two_filters(self):
        self._get("/complaints/?" + self.fill(random.choice(LIST_FILTERS)), "dispatcher list (2 filters)")


class CityDesk(_Signed):
    """The city bureau's complaint desk: the whole city, keyword search, metrics and ranking."""

    login = "city"
    weight = 4

    @tag("pages")
    @task(2)
    def city_list_two_filters(self):
        self._get("/complaints/?" + self.fill(random.choice(CITY_FILTERS)), "city list (2 filters)")

    @tag("pages")
    @task(3)
    def keyword_search(self):
        self._get(f"/complaints/?q={quote(random.choice(KEYWORDS))}", "keyword search (whole city)")

    @tag("pages")
    @task(1)
    def metrics(self):
        self._get("/complaints/metrics/", "metrics")

    @tag("pages")
    @task(1)
    def ranking(self):
        self._get("/complaints/metrics/ranking/", "ranking")


class HotlinePartner(FastHttpUser):
    """A partner system posting 12345 hotline calls through the API at a steady rate."""

    weight = 1
    wait_time = constant_throughput(RATE)

    @tag("intake")
    @task
    def post_complaint(self):
        body = {
            "estate": random.choice(ESTATE_IDS), "category": random.choice(CATEGORY_IDS),
            "description": random.choice(DESCRIPTIONS).format(b=random.randint(1, 18), u=random.randint(1, 4)),
            "reporter_name": "王秀英", "reporter_phone": f"138{random.randrange(10 ** 8):08d}",
            "source": "12345", "source_ticket": f"BENCH{uuid.uuid4().hex[:12]}",
        }
        headers = {**CONNECTION, "Authorization": f"Token {TOKEN}", "Content-Type": "application/json",
                   "Idempotency-Key": uuid.uuid4().hex}
        with self.client.post("/api/v1/complaints/", data=json.dumps(body, ensure_ascii=False).encode(),
                              headers=headers, name="POST /api/v1/complaints/", catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"HTTP {response.status_code}: {(response.text or '')[:200]}")
