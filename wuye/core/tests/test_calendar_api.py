"""GET /api/v1/calendar/due/: the end of a period on the working-day calendar, for any signed-in user."""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from wuye.accounts.testing import api_token_for
from wuye.core import calendar as cal
from wuye.core.models import AuditLog
from wuye.core.services_calendar import calendar_day_set

URL = "/api/v1/calendar/due/"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def fresh_calendar(db):
    cal.clear_cache()
    yield
    cal.clear_cache()


@pytest.fixture
def api(world):
    def _api(role: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(world.users[role])}")
        return client

    return _api


@pytest.mark.parametrize("params, due", [
    ({"start": "2026-09-30T10:00:00+08:00", "days": "2", "kind": "working"}, "2026-10-09T23:59:59+08:00"),
    ({"start": "2026-09-30T10:00:00+08:00", "days": "5", "kind": "working"}, "2026-10-13T23:59:59+08:00"),
    ({"start": "2026-09-30T10:00:00+08:00", "days": "7", "kind": "calendar"}, "2026-10-08T23:59:59+08:00"),
    ({"start": "2025-09-30T10:00:00", "days": "1", "kind": "working"}, "2025-10-09T23:59:59+08:00"),  # no offset: Beijing
    ({"start": "2025-10-08T17:00:00Z", "days": "1", "kind": "working"}, "2025-10-10T23:59:59+08:00"),  # 10-09 01:00 in Beijing
    ({"start": "2026-02-13T09:00:00+08:00", "days": "2", "kind": "working"}, "2026-02-24T23:59:59+08:00"),
    ({"start": "2025-10-08T23:00:00+08:00", "hours": "2"}, "2025-10-09T01:00:00+08:00"),
    ({"start": "2025-10-08T15:30:00+00:00", "hours": "2"}, "2025-10-09T01:30:00+08:00"),
    ({"start": "2025-10-03T10:00:00+08:00", "days": "0", "kind": "calendar"}, "2025-10-03T23:59:59+08:00"),
])
def test_due(api, params, due):
    response = api("district").get(URL, params)
    assert response.status_code == 200, response.content
    assert response.json() == {"due": due}


def test_an_unencoded_plus_in_the_offset_still_works(api):
    # "+08:00" typed into a URL arrives as " 08:00".
    response = api("district").get(f"{URL}?start=2026-09-30T10:00:00+08:00&days=2&kind=working")
    assert response.status_code == 200, response.content
    assert response.json() == {"due": "2026-10-09T23:59:59+08:00"}


def test_an_override_changes_the_answer(api, world):
    params = {"start": "2025-09-30T10:00:00+08:00", "days": "1", "kind": "working"}
    assert api("district").get(URL, params).json() == {"due": "2025-10-09T23:59:59+08:00"}
    calendar_day_set(actor=world.users["city"], day=date(2025, 10, 9), is_workday=False, name="台风停工")
    assert api("district").get(URL, params).json() == {"due": "2025-10-10T23:59:59+08:00"}


@pytest.mark.parametrize("role", ["resident", "manager_a", "outsider", "auditor", "sysadmin", "city"])
def test_any_signed_in_user_may_ask(api, role):
    response = api(role).get(URL, {"start": "2026-09-30T10:00:00+08:00", "hours": "2"})
    assert response.status_code == 200
    assert response.json() == {"due": "2026-09-30T12:00:00+08:00"}


def test_session_login_works_too(client, login, world):
    login(world.users["street"])
    response = client.get(URL, {"start": "2026-09-30T10:00:00+08:00", "days": "2", "kind": "working"},
                          HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {"due": "2026-10-09T23:59:59+08:00"}


def test_anonymous_is_refused(db):
    response = APIClient().get(URL, {"start": "2026-09-30T10:00:00+08:00", "hours": "2"})
    assert response.status_code == 401
    assert "due" not in response.json()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get(api, method):
    response = getattr(api("district"), method)(URL, {"start": "2026-09-30T10:00:00+08:00", "hours": "2"})
    assert response.status_code == 405


@pytest.mark.parametrize("params, fragment", [
    ({}, "缺少参数 start"),
    ({"days": "2", "kind": "working"}, "缺少参数 start"),
    ({"start": "下周一", "days": "2", "kind": "working"}, "不是有效的 ISO 8601 时间"),
    ({"start": "2026-13-01T10:00:00", "days": "2", "kind": "working"}, "不是有效的 ISO 8601 时间"),
    ({"start": "2026-09-30T10:00:00+08:00"}, "缺少期间长度"),
    ({"start": "2026-09-30T10:00:00+08:00", "days": "2"}, "参数 kind 应为"),
    ({"start": "2026-09-30T10:00:00+08:00", "days": "2", "kind": "weekly"}, "参数 kind 应为"),
    ({"start": "2026-09-30T10:00:00+08:00", "days": "-1", "kind": "working"}, "不小于 0 的整数"),
    ({"start": "2026-09-30T10:00:00+08:00", "days": "1.5", "kind": "working"}, "不小于 0 的整数"),
    ({"start": "2026-09-30T10:00:00+08:00", "days": "abc", "kind": "working"}, "不小于 0 的整数"),
    ({"start": "2026-09-30T10:00:00+08:00", "days": "99999", "kind": "working"}, "不能大于 3660"),
    ({"start": "2026-09-30T10:00:00+08:00", "hours": "99999999"}, "不能大于 87840"),
    ({"start": "2026-09-30T10:00:00+08:00", "hours": "2", "days": "2"}, "只能填写一个"),
    ({"start": "2026-09-30T10:00:00+08:00", "hours": "2", "kind": "working"}, "不需要参数 kind"),
    ({"start": "9999-12-31T10:00:00+08:00", "days": "3", "kind": "calendar"}, "超出可表示的日期范围"),
])
def test_bad_input_is_400_with_a_chinese_message(api, params, fragment):
    response = api("district").get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail"}
    assert fragment in body["detail"] and CJK.search(body["detail"])


def test_asking_writes_nothing_and_the_calendar_costs_no_query_per_request(api, django_assert_num_queries):
    client = api("district")
    client.get(URL, {"start": "2026-09-30T10:00:00+08:00", "hours": "1"})  # the calendar is loaded once
    with CaptureQueriesContext(connection) as one:
        client.get(URL, {"start": "2026-09-30T10:00:00+08:00", "days": "1", "kind": "working"})
    before = AuditLog.objects.count()
    with django_assert_num_queries(10 * len(one)):  # only the token lookup, however far the count goes
        for days in range(0, 400, 40):
            params = {"start": "2025-01-01T10:00:00+08:00", "days": str(days), "kind": "working"}
            assert client.get(URL, params).status_code == 200
    assert AuditLog.objects.count() == before


def test_the_schema_describes_it(db, settings):
    settings.WUYE_API_DOCS_PUBLIC = True
    schema = yaml.safe_load(Client().get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/calendar/due/"]["get"]
    assert {p["name"]: p.get("required", False) for p in operation["parameters"]} == {
        "start": True, "days": False, "kind": False, "hours": False}
    kind = next(p for p in operation["parameters"] if p["name"] == "kind")
    assert set(kind["schema"]["enum"]) == {"working", "calendar"}
    assert CJK.search(operation["summary"]) and CJK.search(operation["description"])
    assert set(operation["responses"]) >= {"200", "400"}
