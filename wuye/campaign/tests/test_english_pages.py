"""The campaign's and the estates-in-transition pages read in English after the 中文 / English switch:
each app's own catalogue translates its headings, and the Chinese headings are gone."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.urls import reverse

from wuye.campaign import services as svc
from wuye.cases.units import get_unit


def switch(client, language: str) -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302


def heading(response) -> str:
    assert response.status_code == 200
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    assert match, "the page has no <h1>"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


PAGES = [
    # (url name, English heading, Chinese heading, other English words, Chinese words that must be gone)
    ("campaign:board", "Campaign task board", "专项行动任务看板", ["Work plans and tasks"], ["工作方案与任务"]),
    ("campaign:plan_list", "Annual work plan", "年度工作方案", ["Export division of responsibilities"], ["导出责任分工表"]),
    ("notices:list", "Notices and receipts", "通知与签收", ["Send notices to companies", "No notices sent yet"],
     ["向企业、街道、社区、部门发送通知", "还没有发出的通知"]),
    ("bulletins:list", "Bulletin", "通报", ["Draft bulletin"], ["起草通报"]),
    ("oldcompounds:list", "Old compound register", "老旧楼院名录", ["No old compounds in your jurisdiction yet."],
     ["辖区内还没有老旧楼院。"]),
    ("handover:list", "Handover inspection", "承接查验", ["No handover inspection records"], ["没有承接查验记录"]),
]


@pytest.mark.parametrize("name, english, chinese, words, gone", PAGES, ids=[p[0] for p in PAGES])
def test_city_bureau_reads_the_page_in_english(camp, login, name, english, chinese, words, gone):
    client = login(camp.users["city"])
    chinese_title = heading(client.get(reverse(name)))
    assert chinese in chinese_title

    switch(client, "en")
    response = client.get(reverse(name))
    title = heading(response)
    assert english.lower() in title.lower()
    assert chinese not in title
    body = text(response)
    for word in words:
        assert word in body
    for word in gone:
        assert word not in body


def test_a_plan_and_its_task_read_in_english(camp, login):
    city = camp.users["city"]
    task = svc.task_create(actor=city, plan=camp.plan, number="1", title="任务1",
                           lead=get_unit("department", camp.city_dept.pk), due_date=date(camp.year, 12, 31))
    client = login(city)
    switch(client, "en")
    plans = text(client.get(reverse("campaign:plan_list")))
    assert camp.plan.title in plans  # data stays as registered
    assert "New annual work plan" in plans
    assert "新建年度工作方案" not in plans

    detail = text(client.get(reverse("campaign:task_detail", args=[task.pk])))
    assert "任务1" in detail
    assert "No progress reports yet." in detail
    assert "尚无进展报告。" not in detail

    switch(client, "zh-hans")
    back = text(client.get(reverse("campaign:task_detail", args=[task.pk])))
    assert "尚无进展报告。" in back
