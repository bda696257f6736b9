"""Inputs that must never make a 500, anonymous noise that must not flood the audit chain, and the
API description behind a login (issue 13 §10, §12, §15)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from wuye.core.audit import audit_record, audit_verify_chain, denied_flush
from wuye.core.models import AuditAction, AuditLog, DeniedTally

CJK = re.compile(r"[\u4e00-\u9fff]")
DEEP = "[" * 5000 + "]" * 5000


def _denied():
    return AuditLog.objects.filter(action=AuditAction.DENIED)


@pytest.mark.django_db
def test_json_nested_5000_deep_on_the_token_endpoint_is_400_and_audited():
    """GB/T 22239-2019 8.1.4.4 入侵防范 (数据有效性检验) / ASVS 4.0 V13.1.3: the anonymous token
    endpoint answers JSON nested 5,000 deep with a Chinese 400 and an audit row, not a 500."""
    before = _denied().count()
    response = Client(REMOTE_ADDR="198.51.100.10").post(
        "/api/v1/auth/token/", data=DEEP, content_type="application/json")
    assert response.status_code == 400
    assert CJK.search(response.json()["detail"])
    assert _denied().count() == before + 1
    assert "嵌套" in _denied().first().detail


@pytest.mark.django_db
def test_deep_json_from_a_logged_in_user_is_400_and_audited(world):
    """Same for an authenticated write endpoint (ASVS 4.0 V5.1.4)."""
    client = APIClient()
    client.force_authenticate(world.users["city"])
    response = client.post("/api/v1/estates/", data=DEEP, content_type="application/json")
    assert response.status_code == 400 and CJK.search(response.json()["detail"])
    row = _denied().first()
    assert row.actor_id == world.users["city"].pk


@pytest.mark.django_db
def test_lone_surrogates_are_400_and_the_refusal_is_audited_on_an_intact_chain(world):
    """GB/T 22239-2019 8.1.4.3 安全审计 c) / 8.1.4.7 数据完整性: a lone surrogate no longer
    crashes the audit hashing; the request is refused in Chinese and the chain still verifies."""
    client = APIClient()
    client.force_authenticate(world.users["city"])
    body = '{"name": "\\ud800", "address": "x"}'
    response = client.post("/api/v1/estates/", data=body, content_type="application/json")
    assert response.status_code == 400 and CJK.search(response.json()["detail"])
    anonymous = Client(REMOTE_ADDR="198.51.100.11").post(
        "/api/v1/auth/token/", data='{"username": "\\udfff", "password": "x"}', content_type="application/json")
    assert anonymous.status_code == 400
    assert audit_verify_chain() == []


@pytest.mark.django_db
def test_audit_record_survives_a_surrogate_in_any_text():
    """The audit trail itself replaces a lone surrogate (U+FFFD) instead of failing."""
    row = audit_record(action=AuditAction.UPDATE, object_repr="a\ud800b", detail="\udfff",
                       changes={"name": ["\ud800", "ok"]}, username="u\ud801", ip="192.0.2.1")
    row.refresh_from_db()
    assert row.object_repr == "a\ufffdb" and row.changes == {"name": ["\ufffd", "ok"]}
    assert audit_verify_chain() == []


@pytest.mark.django_db
def test_integers_beyond_64_bits_in_paths_and_bodies_are_400(world, login):
    """ASVS 4.0 V5.1.4 (range of numbers): ids beyond 64 bits in API paths, page paths and JSON
    bodies are a Chinese 400 and audited (they overflowed SQLite/PostgreSQL: 500)."""
    huge = "9" * 25
    client = APIClient()
    client.force_authenticate(world.users["city"])
    before = _denied().count()
    response = client.get(f"/api/v1/owners/{huge}/")
    assert response.status_code == 400 and CJK.search(response.json()["detail"])
    response = client.post("/api/v1/buildings/", data=json.loads(f'{{"estate": {huge}, "name": "x"}}'), format="json")
    assert response.status_code == 400
    page = login(world.users["city"]).get(f"/registry/owners/{huge}/")
    assert page.status_code == 400
    assert _denied().count() >= before + 3


@pytest.mark.django_db
def test_anonymous_refusals_are_one_row_per_client_and_minute_with_a_count():
    """GB/T 22239-2019 8.1.4.3 安全审计 d) (审计记录保护) / ASVS 4.0 V7.1.3: 50 anonymous refusals
    from one address in a minute leave one row at once and one row with the count afterwards."""
    before = _denied().count()
    for _ in range(50):
        audit_record(action=AuditAction.DENIED, actor=None, ip="203.0.113.7", detail="未登录")
    audit_record(action=AuditAction.DENIED, actor=None, ip="203.0.113.8", detail="未登录")
    assert _denied().count() == before + 2  # one per client
    assert DeniedTally.objects.get(ip="203.0.113.7").count == 50
    assert denied_flush(now=timezone.now() + timedelta(minutes=1)) == 1
    summary = _denied().first()
    assert summary.ip == "203.0.113.7" and summary.changes["count"] == 50
    assert not DeniedTally.objects.exists()
    assert denied_flush(now=timezone.now() + timedelta(minutes=1)) == 0  # idempotent
    assert audit_verify_chain() == []


@pytest.mark.django_db
def test_anonymous_client_past_the_limit_gets_429_a_logged_in_user_does_not(world, settings):
    """GB/T 22239-2019 8.1.4.4 入侵防范: past WUYE_ANON_DENIED_PER_MINUTE refusals, the address's
    anonymous requests are answered 429 (Chinese) for the rest of the minute."""
    settings.WUYE_ANON_DENIED_PER_MINUTE = 5
    client = Client(REMOTE_ADDR="203.0.113.20")
    for _ in range(5):
        client.post("/api/v1/auth/token/", data=DEEP, content_type="application/json")
    limited = client.get("/accounts/login/")
    assert limited.status_code == 429 and "请求过于频繁" in limited.content.decode()
    other = Client(REMOTE_ADDR="203.0.113.21").get("/accounts/login/")
    assert other.status_code == 200
    logged_in = Client(REMOTE_ADDR="203.0.113.20")
    logged_in.force_login(world.users["city"], backend="django.contrib.auth.backends.ModelBackend")
    assert logged_in.get("/").status_code in (200, 302)


@pytest.mark.django_db
def test_api_schema_and_docs_need_a_login_in_production(world, settings):
    """Issue 13 §15 / ASVS 4.0 V14.3.2 (no unneeded information disclosure): outside demo mode the
    OpenAPI schema and its page refuse anonymous users; logged-in users and demo mode get them."""
    settings.DEMO_MODE = False
    settings.WUYE_API_DOCS_PUBLIC = False
    anonymous = Client()
    assert anonymous.get("/api/schema/").status_code in (401, 403)
    assert anonymous.get("/api/docs/").status_code in (401, 403)
    client = Client()
    client.force_login(world.users["district"], backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/api/schema/").status_code == 200
    settings.DEMO_MODE = True
    assert anonymous.get("/api/schema/").status_code == 200
    assert anonymous.get("/api/docs/").status_code == 200
