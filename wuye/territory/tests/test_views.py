"""Territory pages: district list → district → street → community, scoped to the user; everyone
without a territory gets 404 (with a DENIED audit row); queries do not grow with the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuye.core.models import AuditAction, AuditLog
from wuye.registry import services as rs
from wuye.territory.models import Community, Street

ROLES = ["city", "district", "district2", "street", "community", "department", "manager_a", "staff_a", "manager_b",
         "committee", "resident", "sysadmin", "secadmin", "auditor", "outsider"]

# What each role may open: d1/d2 districts, s1/s2 streets, c1/c2 communities.
SEES = {
    "city": {"d1", "d2", "s1", "s2", "c1", "c2"},
    "district": {"d1", "s1", "c1"},
    "department": {"d1", "s1", "c1"},
    "district2": {"d2", "s2", "c2"},
    "street": {"s1", "c1"},
    "community": {"c1"},
}
# Where the territory entry page takes each role (None: the list itself, 404: nothing to show).
ENTRY = {"city": None, "district": "d1", "department": "d1", "district2": "d2", "street": "s1", "community": "c1"}
PAGES = {"d": "territory:district_detail", "s": "territory:street_detail", "c": "territory:community_detail"}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _url(world, key):
    return reverse(PAGES[key[0]], args=[getattr(world, key).pk])


@pytest.mark.parametrize("role", ROLES)
def test_territory_pages_are_scoped(world, client, login, role):
    user = world.users[role]
    login(user)
    for key in ("d1", "d2", "s1", "s2", "c1", "c2"):
        before = AuditLog.objects.filter(action=AuditAction.DENIED, actor=user).count()
        r = client.get(_url(world, key))
        allowed = key in SEES.get(role, set())
        assert r.status_code == (200 if allowed else 404), (role, key)
        after = AuditLog.objects.filter(action=AuditAction.DENIED, actor=user).count()
        assert after == before + (0 if allowed else 1), (role, key)


@pytest.mark.parametrize("role", ROLES)
def test_territory_entry_page(world, client, login, role):
    login(world.users[role])
    r = client.get(reverse("territory:district_list"))
    if role not in ENTRY:
        assert r.status_code == 404
        assert AuditLog.objects.filter(action=AuditAction.DENIED, actor=world.users[role]).exists()
    elif ENTRY[role] is None:
        assert r.status_code == 200
        assert [d.name for d in r.context["districts"]] == ["东城区", "西城区"]
    else:
        assert r.status_code == 302 and r["Location"] == _url(world, ENTRY[role])


def test_district_detail_shows_streets_departments_and_estate_counts(world, client, login):
    login(world.users["district"])
    r = client.get(_url(world, "d1"))
    html = r.content.decode()
    assert r.context["summary"]["total"] == 1 and r.context["summary"]["professional"] == 1
    assert [(s.name, s.community_count, s.estate_count) for s in r.context["streets"]] == [("东华门街道", 1, 1)]
    assert "东城区市场监管局" in html and "110101" in html and "西城区" not in html
    assert f"/registry/estates/?district={world.d1.pk}" in html


def test_street_and_community_pages(world, client, login):
    login(world.users["street"])
    r = client.get(_url(world, "s1"))
    assert [(c.name, c.estate_count) for c in r.context["communities"]] == [("多福巷社区", 1)]
    assert not r.context["district_visible"]  # the street office sees its district's name, not its page
    assert f'href="{_url(world, "d1")}"' not in r.content.decode()
    r = client.get(_url(world, "c1"))
    assert [e.name for e in r.context["estates"]] == ["幸福里小区"]
    assert "安居物业服务有限公司" in r.content.decode()


def test_city_list_counts(world, client, login):
    login(world.users["city"])
    r = client.get(reverse("territory:district_list"))
    assert r.context["totals"] == {"street_count": 2, "community_count": 2, "estate_count": 2, "unmanaged_count": 0}


def _grow(world, n):
    root = world.users["city"]
    for i in range(n):
        street = Street.objects.create(district=world.d1, name=f"新街道{i}", code=f"1101010{i + 10:02d}000")
        community = Community.objects.create(street=street, name=f"新社区{i}", code=f"1101010{i + 10:02d}001")
        Community.objects.create(street=world.s1, name=f"东华门新社区{i}", code=f"1101010010{i + 10:02d}")
        rs.estate_create(actor=root, name=f"新小区{i}", address="某路", community=community)
        rs.estate_create(actor=root, name=f"多福新小区{i}", address="某路", community=world.c1)


@pytest.mark.parametrize("key, role", [("list", "city"), ("d1", "district"), ("s1", "street"), ("c1", "community")])
def test_territory_queries_do_not_grow(world, client, login, key, role, django_assert_num_queries):
    login(world.users[role])
    url = reverse("territory:district_list") if key == "list" else _url(world, key)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(world, 6)
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_territory_pages_are_get_only(world, client, login):
    login(world.users["city"])
    assert client.post(reverse("territory:district_list")).status_code == 405
    assert client.post(_url(world, "d1")).status_code == 405
