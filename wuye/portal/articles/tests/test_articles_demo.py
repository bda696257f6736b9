"""Demo policies and news on the small demo city: every category and state present, bodies clean,
searchable, shown on the public pages, and the same seed giving the same rows."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import transaction

from wuye.demo.generator import build_demo_city
from wuye.demo.portal_articles import build_demo_articles
from wuye.portal.articles import selectors as sel
from wuye.portal.models import Article
from wuye.portal.sanitise import sanitise_html

NOW = datetime(2026, 3, 31, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def snapshot():
    return list(Article.objects.order_by("id").values_list("title", "category", "status", "published_at", "body",
                                                           "search_tokens", "author__username", "pinned"))


@pytest.mark.django_db(transaction=False)
def test_demo_articles_on_the_small_city(client):
    cache.clear()
    city = build_demo_city(scale="small", seed=7, complaints=False, supervision=False, transparency=False, now=NOW)
    lines = []
    counts = build_demo_articles(scale="small", seed=7, now=NOW, city_id=city.city_id, say=lines.append)
    assert counts == {"article": 24} and Article.objects.count() == 24 and lines
    by = {(c, s) for c, s in Article.objects.values_list("category", "status")}
    assert {c for c, _ in by} == set(Article.Category.values)
    assert {s for _, s in by} == set(Article.Status.values)
    assert set(Article.objects.values_list("author__username", flat=True)) <= {"city", "district"}
    for body in Article.objects.values_list("body", flat=True):
        assert sanitise_html(body) == body
    assert all(a.published_at <= NOW for a in Article.objects.exclude(published_at=None))
    assert [a.title for a in sel.article_search("明码标价")] == ["物业服务收费明码标价规定"]
    html = client.get("/public/").content.decode()
    assert "物业服务收费明码标价规定" in html or "中华人民共和国民法典" in html
    # The same seed and now give the same rows.
    first = snapshot()
    with transaction.atomic():
        sid = transaction.savepoint()
        Article.objects.all().delete()
        build_demo_articles(scale="small", seed=7, now=NOW, city_id=city.city_id)
        second = snapshot()
        transaction.savepoint_rollback(sid)
    assert first == second
    cache.clear()
