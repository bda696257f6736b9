"""The public consultation pages and the drafting office's pages (issue 19 items 7–8)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wuye.core.models import AuditLog
from wuye.rulemaking import services as svc
from wuye.rulemaking.models import Comment, Draft

from .factories import local, make_draft

pytestmark = pytest.mark.django_db


def test_public_list_and_detail_without_login(world, client):
    d = make_draft(world.users["city"])
    hidden = make_draft(world.users["city"], title="内部草稿", publish=False)
    r = client.get("/rulemaking/public/drafts/")
    assert r.status_code == 200 and d.title in r.content.decode() and "内部草稿" not in r.content.decode()
    r = client.get(f"/rulemaking/public/drafts/{d.pk}/")
    assert r.status_code == 200
    page = r.content.decode()
    assert "第一条" in page and 'data-testid="send-code"' in page
    assert client.get(f"/rulemaking/public/drafts/{hidden.pk}/").status_code == 404
    assert client.get("/rulemaking/public/drafts/?q=没有这个").status_code == 200


def test_public_list_queries_do_not_grow(world, client):
    make_draft(world.users["city"])
    with CaptureQueriesContext(connection) as one:
        client.get("/rulemaking/public/drafts/")
    for i in range(5):
        make_draft(world.users["city"], title=f"草案{i}")
    with CaptureQueriesContext(connection) as six:
        client.get("/rulemaking/public/drafts/")
    assert len(six) == len(one)


def test_public_comment_with_sms_code(world, client, settings):
    settings.DEMO_MODE = True
    d = make_draft(world.users["city"])
    url = f"/rulemaking/public/drafts/{d.pk}/"
    r = client.post(url, {"name": "张三", "phone": "13900003333", "article": "第二条", "text": "建议", "send_code": "1"})
    assert r.status_code == 200
    code = r.context["sms"]["demo_code"]
    assert r.context["form"].initial["text"] == "建议"  # nothing typed is lost
    r = client.post(url, {"name": "张三", "phone": "13900003333", "article": "第二条", "text": "建议", "code": "12"})
    assert r.status_code == 400 and not Comment.objects.exists()
    r = client.post(url, {"name": "张三", "phone": "13900003333", "article": "第二条", "text": "建议", "code": code})
    assert r.status_code == 302
    c = Comment.objects.get()
    assert (c.source, c.author_name, c.phone) == ("public", "张三", "13900003333")
    page = client.get(url).content.decode()
    assert "建议" in page and "张三" not in page and "13900003333" not in page


def test_logged_in_comment_and_refusal_after_the_window(world, login):
    today = timezone.localdate()
    city = world.users["city"]
    open_draft = make_draft(city)
    ended = make_draft(city, opens=today - timedelta(days=40))
    client = login(world.users["street"])
    r = client.post(f"/rulemaking/public/drafts/{open_draft.pk}/", {"article": "第八条", "text": "建议明确街道职责"})
    assert r.status_code == 302
    c = Comment.objects.get()
    assert c.source == "unit" and c.author_name == "东华门街道"
    r = client.get(f"/rulemaking/public/drafts/{ended.pk}/")
    assert "已于" in r.content.decode() and 'data-testid="submit-comment"' not in r.content.decode()
    r = client.post(f"/rulemaking/public/drafts/{ended.pk}/", {"article": "第八条", "text": "x"})
    assert r.status_code == 400 and "已于" in r.content.decode()


def test_office_pages_are_the_city_bureaus(world, login, client):
    d = make_draft(world.users["city"])
    urls = ["/rulemaking/drafts/", "/rulemaking/drafts/new/", f"/rulemaking/drafts/{d.pk}/", "/rulemaking/library/"]
    city = login(world.users["city"])
    for url in urls:
        assert city.get(url).status_code == 200, url
    client.logout()
    for who in ("district", "street", "community", "manager_a", "committee", "resident"):
        c = login(world.users[who])
        for url in urls:
            assert c.get(url).status_code == 403, (who, url)
        client.logout()
    assert client.get(urls[0]).status_code == 302  # to the login page
    assert AuditLog.objects.filter(action="denied", object_type="rulemaking.draft").exists()


def test_office_creates_a_draft_on_the_page(world, login):
    client = login(world.users["city"])
    data = {"title": "草案甲", "body": "第一条　……", "consultation_opens": "2026-09-01", "consultation_closes": "2026-09-10"}
    r = client.post("/rulemaking/drafts/new/", data)
    assert r.status_code == 400 and "不得少于" in r.content.decode() and "草案甲" in r.content.decode()
    r = client.post("/rulemaking/drafts/new/", {**data, "short_period_reason": "紧急", "publish": "on"})
    assert r.status_code == 302
    d = Draft.objects.get(title="草案甲")
    assert d.status == Draft.Status.CONSULTING and d.short_period_reason == "紧急"


def test_office_moderates_answers_closes_and_publishes(world, login):
    city = world.users["city"]
    opens = date(2026, 1, 5)
    d = make_draft(city, opens=opens)
    good = svc.comment_add(actor=world.users["resident"], draft=d, article="第一条", text="好建议", now=local(opens))
    bad = svc.comment_add(actor=world.users["resident"], draft=d, article="第一条", text="广告", now=local(opens))
    client = login(city)
    base = f"/rulemaking/drafts/{d.pk}"
    assert client.get(f"{base}/comments/{bad.pk}/hide/").status_code == 405
    client.post(f"{base}/comments/{bad.pk}/hide/", {"reason": "广告"})
    client.post(f"{base}/comments/{good.pk}/answer/", {"answer": "partly", "reason": ""})
    good.refresh_from_db()
    assert good.answer == ""  # refused: a partial answer needs its reason
    client.post(f"{base}/comments/{good.pk}/answer/", {"answer": "partly", "reason": "部分写入第五条"})
    client.post(f"{base}/act/close/")
    client.post(f"{base}/publish/", {"final_text": "第一条　定稿", "summary": "共 1 条"})
    d.refresh_from_db()
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.hidden and good.answer == "partly" and d.status == Draft.Status.PUBLISHED
    public = client.get(f"/rulemaking/public/drafts/{d.pk}/").content.decode()
    assert "意见采纳情况" in public and "部分写入第五条" in public and "第一条　定稿" in public and "广告" not in public


def test_comment_of_another_draft_is_404(world, login):
    city = world.users["city"]
    d1, d2 = make_draft(city), make_draft(city, title="乙")
    c = svc.comment_add(actor=world.users["resident"], draft=d2, article="第一条", text="x")
    r = login(city).post(f"/rulemaking/drafts/{d1.pk}/comments/{c.pk}/hide/", {"reason": "x"})
    assert r.status_code == 404
