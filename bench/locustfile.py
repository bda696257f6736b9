"""Web benchmark (issue 2 item 18): estate list with two filters, estate detail, owner-name search.

Run with ``bench/web_load.sh`` (it starts the server, logs in, runs 20 users for 60 s and writes
the percentiles). Each simulated user logs in as the city bureau (the widest scope, so the
heaviest queries) and repeats the three requests.
"""

import os
import random
import re

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

USERNAME = os.environ.get("BENCH_USER", "city")
PASSWORD = os.environ.get("BENCH_PASSWORD", "Wuye@2026")
ESTATE_IDS = [int(x) for x in os.environ.get("BENCH_ESTATE_IDS", "1").split(",") if x]
DISTRICT_IDS = [int(x) for x in os.environ.get("BENCH_DISTRICT_IDS", "1").split(",") if x]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"


class Official(FastHttpUser):
    wait_time = between(0.0, 0.05)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text or "")
        self.client.post(
            "/accounts/login/",
            data={"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": self.host + "/accounts/login/"},
            name="login",
        )

    @task(3)
    def estate_list_two_filters(self):
        district = random.choice(DISTRICT_IDS)
        mode = random.choice(["professional", "quasi", "none", "self_managed"])
        self.client.get(f"/registry/estates/?district={district}&management_mode={mode}", name="estate list (2 filters)")

    @task(3)
    def estate_detail(self):
        self.client.get(f"/registry/estates/{random.choice(ESTATE_IDS)}/", name="estate detail")

    @task(3)
    def owner_search(self):
        q = random.choice(SURNAMES) + random.choice(["", "", "秀", "建", "丽", "伟"])
        self.client.get(f"/registry/owners/?q={q}", name="owner-name search")
