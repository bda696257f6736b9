"""Territory API: districts, streets and communities, read-only and scoped like the pages
(a district sees itself and what is in it, a street itself and its communities, a community
itself; the city everything; companies, committees, residents and administrators nothing)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from wuye.accounts.testing import api_token_for
from wuye.core.models import AuditAction, AuditLog
from wuye.territory.models import Community, District, Street

ROLES = ["city", "district", "district2", "street", "community", "department", "manager_a", "staff_a",
         "manager_b", "committee", "resident", "sysadmin", "secadmin", "auditor", "outsider"]

# role -> (districts, streets, communities) it sees, as names of world attributes.
SEES = {
    "city": ({"d1", "d2"}, {"s1", "s2"}, {"c1", "c2"}),
    "district": ({"d1"}, {"s1"}, {"c1"}),
    "department": ({"d1"}, {"s1"}, {"c1"}),
    "district2": ({"d2"}, {"s2"}, {"c2"}),
    "street": (set(), {"s1"}, {"c1"}),
    "community": (set(), set(), {"c1"}),
}
NOTHING = (set(), set(), set())
RESOURCES = ["districts", "streets", "communities"]


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


@pytest.mark.parametrize("role", ROLES)
def test_territory_scope_per_role(world, role):
    client = _client(world.users[role])
    expected = SEES.get(role, NOTHING)
    for prefix, names in zip(RESOURCES, expected, strict=True):
        objects = {name: getattr(world, name) for name in ({"d1", "d2"} if prefix == "districts" else
                                                          {"s1", "s2"} if prefix == "streets" else {"c1", "c2"})}
        listed = client.get(f"/api/v1/{prefix}/")
        assert listed.status_code == 200
        assert {row["id"] for row in listed.json()["results"]} == {objects[n].pk for n in names}, prefix
        for name, obj in objects.items():
            denied_before = AuditLog.objects.filter(action=AuditAction.DENIED).count()
            answer = client.get(f"/api/v1/{prefix}/{obj.pk}/")
            assert answer.status_code == (200 if name in names else 404), (prefix, name)
            if answer.status_code == 404:
                assert AuditLog.objects.filter(action=AuditAction.DENIED).count() == denied_before + 1


@pytest.mark.parametrize("prefix", RESOURCES)
def test_territory_is_read_only(world, prefix):
    client = _client(world.users["city"])
    obj_id = client.get(f"/api/v1/{prefix}/").json()["results"][0]["id"]
    counts = (District.objects.count(), Street.objects.count(), Community.objects.count())
    assert client.post(f"/api/v1/{prefix}/", {"name": "新区", "code": "110199"}, format="json").status_code == 405
    assert client.patch(f"/api/v1/{prefix}/{obj_id}/", {"name": "改名"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/{prefix}/{obj_id}/").status_code == 405
    assert (District.objects.count(), Street.objects.count(), Community.objects.count()) == counts


def test_fields_and_filters(world):
    client = _client(world.users["city"])
    district = client.get(f"/api/v1/districts/{world.d1.pk}/").json()
    assert district == {"id": world.d1.pk, "name": "东城区", "kind": "district", "kind_display": "区",
                        "code": "110101", "city": world.city.pk, "city_name": "示范市"}
    community = client.get(f"/api/v1/communities/{world.c2.pk}/").json()
    assert community["street_name"] == "西长安街街道"
    assert (community["district"], community["district_name"]) == (world.d2.pk, "西城区")

    def ids(url, **params):
        return [row["id"] for row in client.get(url, params).json()["results"]]

    assert ids("/api/v1/streets/", district=world.d2.pk) == [world.s2.pk]
    assert ids("/api/v1/communities/", district=world.d1.pk) == [world.c1.pk]
    assert ids("/api/v1/communities/", street=world.s2.pk) == [world.c2.pk]
    assert ids("/api/v1/streets/", q="东华门") == [world.s1.pk]
    assert ids("/api/v1/districts/", q="110102") == [world.d2.pk]


def test_search_by_pinyin_initials(world):
    District.objects.filter(pk=world.d2.pk).update(search_key="xcq")
    client = _client(world.users["city"])
    assert [row["id"] for row in client.get("/api/v1/districts/", {"q": "xc"}).json()["results"]] == [world.d2.pk]


@pytest.mark.parametrize("prefix", RESOURCES)
def test_list_queries_do_not_grow(world, django_assert_num_queries, prefix):
    client = _client(world.users["city"])
    with CaptureQueriesContext(connection) as small:
        client.get(f"/api/v1/{prefix}/")
    for i in range(8):
        district = District.objects.create(city=world.city, name=f"新区{i}", code=f"1102{i:02d}")
        street = Street.objects.create(district=district, name=f"新街道{i}", code=f"1102{i:02d}001000")
        Community.objects.create(street=street, name=f"新社区{i}", code=f"1102{i:02d}001001")
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(f"/api/v1/{prefix}/")
    assert response.json()["count"] == 10


def test_anonymous_is_refused(world):
    for prefix in RESOURCES:
        assert APIClient().get(f"/api/v1/{prefix}/").status_code == 401
