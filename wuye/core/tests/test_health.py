"""Liveness, readiness and the database-outage page (issue 18 §2, §8), and the cache that an
outage of Redis slows but never breaks (issue 18 §7)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client, override_settings

from wuye.core import health
from wuye.core.cache import CacheUnavailable
from wuye.core.ratelimit import check_rate, counter_incr

DEAD_REDIS = {"default": {"BACKEND": "wuye.core.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0",
                          "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}


@pytest.mark.django_db
def test_healthz_answers_without_the_database_and_any_host(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        r = client.get("/healthz", HTTP_HOST="10.0.0.7")  # the balancer probes by address
    assert r.status_code == 200 and r.content == b"ok" and r["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_checks_database_cache_and_queue(client):
    r = client.get("/readyz", HTTP_HOST="10.0.0.7")
    body = r.json()
    assert r.status_code == 200 and body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "queue"} and all(c["ok"] for c in body["checks"].values())


@pytest.mark.django_db
def test_readyz_without_the_database_takes_the_node_out(client, monkeypatch):
    def down():
        raise health.OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(health, "check_database", down)
    r = client.get("/readyz")
    assert r.status_code == 503 and r.json()["status"] == "unavailable"
    assert "Connection refused" in r.json()["checks"]["database"]["detail"]


@pytest.mark.django_db
def test_readyz_without_redis_is_degraded_and_stays_in_rotation(client):
    with override_settings(CACHES=DEAD_REDIS):
        r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "degraded"
    assert r.json()["checks"]["cache"]["ok"] is False and r.json()["checks"]["database"]["ok"] is True


@pytest.mark.django_db
@pytest.mark.urls("wuye.core.tests.urls_dbdown")
def test_a_lost_database_is_a_chinese_503_with_retry_after_not_a_500():
    c = Client(raise_request_exception=False)
    page = c.get("/complaints/lost/")
    assert page.status_code == 503 and page["Retry-After"] == str(health.RETRY_AFTER)
    assert "服务暂时不可用" in page.content.decode() and "没有保存任何内容" in page.content.decode()
    api = c.post("/api/v1/lost/", {}, content_type="application/json")
    assert api.status_code == 503 and api["Retry-After"] and "数据库正在恢复" in api.json()["detail"]
    bug = c.get("/bug/")  # any other error stays the designed 500 page
    assert bug.status_code == 500 and "Retry-After" not in bug


def test_database_unavailable_tells_lost_connections_from_bad_queries():
    assert health.database_unavailable(health.OperationalError("server closed the connection unexpectedly"))
    assert health.database_unavailable(health.InterfaceError("connection already closed"))
    assert not health.database_unavailable(health.OperationalError("no such table: foo"))


@pytest.mark.django_db
def test_redis_away_reads_miss_writes_drop_counting_raises():
    with override_settings(CACHES=DEAD_REDIS):
        cache = caches["default"]
        assert cache.get("k", "dflt") == "dflt" and cache.get_many(["a", "b"]) == {}
        cache.set("k", 1)  # dropped, no error
        assert cache.add("k", 1) is False and cache.delete("k") is False
        with pytest.raises(CacheUnavailable):
            cache.incr("k")
        # rate limits: open for reading pages, closed where asked (SMS codes)
        assert check_rate("page:ip:1.2.3.4", limit=1, period_seconds=60) is True
        assert check_rate("page:ip:1.2.3.4", limit=1, period_seconds=60) is True
        assert check_rate("sms_code:ip:1.2.3.4", limit=30, period_seconds=3600, fail_closed=True) is False
        with pytest.raises(CacheUnavailable):
            counter_incr("track:code:X", timeout=60)


@pytest.mark.django_db
def test_redis_away_nobody_is_logged_out_with_cached_db_sessions():
    user = get_user_model().objects.create_user("p_redis_away", password="Wuye@2026-x", role="city")
    with override_settings(CACHES=DEAD_REDIS, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
        c = Client()
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        r = c.get("/")
        assert r.status_code == 200 and r.wsgi_request.user == user


@pytest.mark.django_db
def test_sms_code_ip_limit_fails_closed_while_redis_is_away():
    from wuye.core.ratelimit import RateLimited
    from wuye.notifications.sms_codes import sms_code_send

    with override_settings(CACHES=DEAD_REDIS), pytest.raises(RateLimited):
        sms_code_send(phone="13800138000", purpose="complaint", ip="203.0.113.9")


@pytest.mark.django_db
def test_the_system_administrator_sees_the_checks_others_are_refused(world, login):
    page = login(world.users["sysadmin"]).get("/system/")
    html = page.content.decode()
    assert page.status_code == 200 and "数据库（主库）" in html and "任务队列" in html and "正常" in html
    for who in ("city", "secadmin", "auditor", "district"):
        assert login(world.users[who]).get("/system/").status_code == 403
