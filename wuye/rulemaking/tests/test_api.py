"""The drafts API (issue 19 item 9): its exact contract, refusals in Chinese, who may use it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from wuye.core.models import AuditLog
from wuye.rulemaking.models import Comment, Draft

from .factories import make_draft

pytestmark = pytest.mark.django_db


def _body(opens, closes, **extra):
    return {"title": "X市物业管理条例（征求意见稿）", "body": "第一条　为了规范物业管理活动。",
            "consultation_opens": opens.isoformat(), "consultation_closes": closes.isoformat(), **extra}


def test_city_creates_a_draft_out_for_consultation(world, login):
    today = timezone.localdate()
    client = login(world.users["city"])
    r = client.post("/api/v1/drafts/", _body(today, today + timedelta(days=30)), content_type="application/json")
    assert r.status_code == 201, r.content
    data = r.json()
    draft = Draft.objects.get(pk=data["id"])
    assert data["status"] == "consulting" and draft.status == Draft.Status.CONSULTING
    assert data["consultation_closes"] == (today + timedelta(days=30)).isoformat()
    assert AuditLog.objects.filter(object_type="rulemaking.draft", object_id=str(draft.pk), action="create").exists()


def test_a_short_period_without_reason_is_a_chinese_400(world, login):
    today = timezone.localdate()
    client = login(world.users["city"])
    r = client.post("/api/v1/drafts/", _body(today, today + timedelta(days=29)), content_type="application/json")
    assert r.status_code == 400
    assert "征求意见期不得少于" in r.json()["detail"] and "short_period_reason" in r.json()["detail"]
    assert not Draft.objects.exists()
    r = client.post("/api/v1/drafts/", _body(today, today + timedelta(days=7), short_period_reason="紧急修订"),
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["short_period_reason"] == "紧急修订"


def test_bad_input_is_a_chinese_400(world, login):
    client = login(world.users["city"])
    r = client.post("/api/v1/drafts/", {"title": "", "body": "x", "consultation_opens": "2026-13-01",
                                        "consultation_closes": "2026-02-01"}, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["consultation_opens"] == ["日期格式应为 YYYY-MM-DD"] and r.json()["title"] == ["请填写此项"]


@pytest.mark.parametrize("who", ["district", "street", "manager_a", "committee", "resident"])
def test_only_the_city_bureau_creates_drafts(world, login, who):
    today = timezone.localdate()
    r = login(world.users[who]).post("/api/v1/drafts/", _body(today, today + timedelta(days=30)),
                                     content_type="application/json")
    assert r.status_code == 403
    assert not Draft.objects.exists()


def test_anonymous_is_401(world, client):
    assert client.post("/api/v1/drafts/", {}, content_type="application/json").status_code == 401
    assert client.get("/api/v1/drafts/1/comments/").status_code == 401


def test_comment_while_open(world, login):
    d = make_draft(world.users["city"])
    r = login(world.users["resident"]).post(f"/api/v1/drafts/{d.pk}/comments/", {"article": "第二条", "text": "建议"},
                                            content_type="application/json")
    assert r.status_code == 201, r.content
    c = Comment.objects.get(pk=r.json()["id"])
    assert (c.article, c.text, c.user, c.source) == ("第二条", "建议", world.users["resident"], "account")


def test_comment_before_and_after_is_refused(world, login):
    today = timezone.localdate()
    city = world.users["city"]
    before = make_draft(city, opens=today + timedelta(days=1))
    after = make_draft(city, opens=today - timedelta(days=40), days=30)
    client = login(world.users["resident"])
    r = client.post(f"/api/v1/drafts/{before.pk}/comments/", {"article": "第一条", "text": "x"}, content_type="application/json")
    assert r.status_code == 400 and "尚未开始" in r.json()["detail"]
    r = client.post(f"/api/v1/drafts/{after.pk}/comments/", {"article": "第一条", "text": "x"}, content_type="application/json")
    assert r.status_code == 400 and "截止" in r.json()["detail"]
    assert not Comment.objects.exists()


def test_comment_on_an_unpublished_draft_is_404(world, login):
    d = make_draft(world.users["city"], publish=False)
    r = login(world.users["resident"]).post(f"/api/v1/drafts/{d.pk}/comments/", {"article": "第一条", "text": "x"},
                                            content_type="application/json")
    assert r.status_code == 404


def test_comment_text_is_required(world, login):
    d = make_draft(world.users["city"])
    r = login(world.users["resident"]).post(f"/api/v1/drafts/{d.pk}/comments/", {"article": "第一条"},
                                            content_type="application/json")
    assert r.status_code == 400 and r.json()["text"] == ["请填写此项"]


def test_the_office_reads_every_comment_others_are_refused(world, login, client):
    city = world.users["city"]
    d = make_draft(city)
    from wuye.rulemaking import services as svc

    c1 = svc.comment_add(actor=world.users["resident"], draft=d, article="第十条", text="a")
    c2 = svc.comment_add(actor=world.users["manager_a"], draft=d, article="第二条", text="b")
    svc.comment_hide(actor=city, comment=c2, reason="广告")
    r = login(city).get(f"/api/v1/drafts/{d.pk}/comments/")
    assert r.status_code == 200
    rows = r.json()["results"]
    assert [row["id"] for row in rows] == [c2.pk, c1.pk]  # by article: 第二条 before 第十条
    assert rows[0]["hidden"] is True and rows[0]["hidden_reason"] == "广告"
    for who in ("district", "street", "manager_a", "resident", "committee"):
        client.logout()
        assert login(world.users[who]).get(f"/api/v1/drafts/{d.pk}/comments/").status_code == 403


def test_the_api_is_in_the_schema(world, login):
    r = login(world.users["city"]).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert r.status_code == 200
    text = r.content.decode()
    assert "/api/v1/drafts/" in text and "/api/v1/drafts/{id}/comments/" in text
