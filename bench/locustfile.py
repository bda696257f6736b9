"""Web benchmark (issue 2 item 18): estate list with two filters, estate detail, owner-name search.

Run with ``bench/web_load.sh`` (it starts the server, logs in, runs 20 users for 60 s and writes
the percentiles). Each simulated user is signed in as the city bureau (the widest scope, so the
heaviest queries) and repeats the three requests with a think time between clicks.
"""

import itertools
import os
import random
from http.cookiejar import Cookie
from urllib.parse import quote

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

_SESSIONS = itertools.cycle(os.environ["BENCH_SESSIONS"].split(","))
ESTATE_IDS = [int(x) for x in os.environ.get("BENCH_ESTATE_IDS", "1").split(",") if x]
DISTRICT_IDS = [int(x) for x in os.environ.get("BENCH_DISTRICT_IDS", "1").split(",") if x]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"


# Think time between two clicks of one official, in seconds ("min,max"). "0,0" gives a closed
# loop that only measures saturation throughput.
THINK = [float(x) for x in os.environ.get("BENCH_THINK", "0.5,2").split(",")]


def _cookie(value: str) -> Cookie:
    return Cookie(0, "sessionid", value, None, False, "127.0.0.1", False, False, "/", True, False, None, False,
                  None, None, {})


class Official(FastHttpUser):
    wait_time = between(THINK[0], THINK[1])

    def on_start(self):
        # Sessions are opened by web_load.sh before the run (Argon2 password hashing is meant to
        # be slow and is not what this benchmark measures); each simulated official takes one.
        self.client.cookiejar.set_cookie(_cookie(next(_SESSIONS)))

    def _get(self, path: str, name: str) -> None:
        # Anything but the page itself (an error, or a redirect to the login page) is a failure.
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200 or "/accounts/login/" in (response.url or ""):
                response.failure(f"HTTP {response.status_code} {response.url}")

    @task(3)
    def estate_list_two_filters(self):
        district = random.choice(DISTRICT_IDS)
        mode = random.choice(["professional", "quasi", "none", "self_managed"])
        self._get(f"/registry/estates/?district={district}&management_mode={mode}", "estate list (2 filters)")

    @task(3)
    def estate_detail(self):
        self._get(f"/registry/estates/{random.choice(ESTATE_IDS)}/", "estate detail")

    @task(3)
    def owner_search(self):
        q = random.choice(SURNAMES) + random.choice(["", "", "秀", "建", "丽", "伟"])
        self._get(f"/registry/owners/?q={quote(q)}", "owner-name search")
