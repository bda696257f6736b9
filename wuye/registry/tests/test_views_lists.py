"""Registry list pages: scoped rows, Chinese and pinyin-initial search, filters with scoped
choices, sorting, pagination, htmx partials, and a number of queries that does not grow with the
data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuye.registry import services as rs
from wuye.registry.pages import TYPES
from wuye.territory.models import Community, Street

from .view_support import fast_passwords, grow  # noqa: F401

SLUGS = list(TYPES)


def rows_of(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("slug", SLUGS)
def test_list_queries_do_not_grow_with_the_data(world, client, login, slug):
    # The city bureau for companies (a new company is visible to it at once), a district for the rest.
    user = world.users["city" if slug == "company" else "district"]
    login(user)
    url = reverse(f"registry:{slug}_list")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(world, slug, 25)
    with CaptureQueriesContext(connection) as large:
        r = client.get(url)
    assert r.status_code == 200
    assert len(r.context["rows"]) == 20 and r.context["page"].paginator.num_pages == 2
    assert len(large) == len(small), "\n".join(q["sql"] for q in large.captured_queries)


@pytest.mark.parametrize("slug", SLUGS)
def test_second_page_queries_match_the_first(world, client, login, slug, django_assert_num_queries):
    login(world.users["city" if slug == "company" else "district"])
    grow(world, slug, 25)
    url = reverse(f"registry:{slug}_list")
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with django_assert_num_queries(len(first)):
        r = client.get(url, {"page": 2})
    assert r.context["page"].number == 2


def test_estate_list_is_scoped_to_the_users_area(world, client, login):
    for role, sees, hidden in (
        ("district", "幸福里小区", "翠湖花园"),
        ("district2", "翠湖花园", "幸福里小区"),
        ("manager_b", "翠湖花园", "幸福里小区"),
        ("resident", "幸福里小区", "翠湖花园"),
    ):
        login(world.users[role])
        html = rows_of(client.get(reverse("registry:estate_list")))
        assert sees in html and hidden not in html, role


@pytest.mark.parametrize("q, found, not_found", [
    ("xfl", "幸福里小区", "翠湖花园"),       # pinyin initials
    ("XFL", "幸福里小区", "翠湖花园"),       # case does not matter
    ("chhy", "翠湖花园", "幸福里小区"),
    ("翠湖", "翠湖花园", "幸福里小区"),       # Chinese by substring
    ("府右街", "翠湖花园", "幸福里小区"),     # the address too
])
def test_estate_search(world, client, login, q, found, not_found):
    login(world.users["city"])
    r = client.get(reverse("registry:estate_list"), {"q": q})
    names = [e.name for e in r.context["rows"]]
    assert found in names and not_found not in names


def test_owner_search_by_name_prefix_and_initials(world, client, login):
    login(world.users["city"])
    url = reverse("registry:owner_list")
    assert [o.name for o in client.get(url, {"q": "王"}).context["rows"]] == ["王秀英"]
    assert [o.name for o in client.get(url, {"q": "wxy"}).context["rows"]] == ["王秀英"]
    assert [o.name for o in client.get(url, {"q": "zq"}).context["rows"]] == ["赵强"]
    r = client.get(url, {"q": "不存在的人"})
    assert r.context["rows"] == [] and "没有符合条件的记录" in rows_of(r)


def test_unit_and_parking_search_by_number_prefix(world, client, login):
    login(world.users["city"])
    assert [u.number for u in client.get(reverse("registry:unit_list"), {"q": "3-1"}).context["rows"]] == ["3-1-101"]
    assert [p.number for p in client.get(reverse("registry:parking_list"), {"q": "B-"}).context["rows"]] == ["B-001"]


def test_filters_narrow_the_list(world, client, login):
    login(world.users["city"])
    url = reverse("registry:estate_list")
    assert [e.name for e in client.get(url, {"district": world.d2.pk}).context["rows"]] == ["翠湖花园"]
    assert [e.name for e in client.get(url, {"company": world.company_a.pk}).context["rows"]] == ["幸福里小区"]
    assert [e.name for e in client.get(url, {"year_built_min": 2010}).context["rows"]] == ["翠湖花园"]
    r = client.get(reverse("registry:parking_list"), {"ownership": "developer", "disposal": "idle"})
    assert [p.number for p in r.context["rows"]] == ["A-001"]
    r = client.get(reverse("registry:unit_list"), {"estate": world.estate_b.pk})
    assert [u.number for u in r.context["rows"]] == ["1-2-1801"]


def test_a_filter_value_outside_the_scope_shows_nothing(world, client, login):
    login(world.users["district"])
    r = client.get(reverse("registry:estate_list"), {"district": world.d2.pk})
    assert r.context["rows"] == []
    assert "翠湖花园" not in rows_of(r)


def test_filter_choices_are_limited_to_what_the_user_may_see(world, client, login):
    login(world.users["district"])
    html = rows_of(client.get(reverse("registry:estate_list")))
    assert "安居物业服务有限公司" in html and "百润物业管理有限公司" not in html
    assert "西城区" not in html  # no district select offering another district
    login(world.users["city"])
    html = rows_of(client.get(reverse("registry:estate_list")))
    assert "百润物业管理有限公司" in html and 'name="district"' in html and "西城区" in html
    login(world.users["manager_a"])
    html = rows_of(client.get(reverse("registry:building_list")))
    assert "幸福里小区" in html and "翠湖花园" not in html


def test_street_choices_follow_the_chosen_district(world, client, login):
    street = Street.objects.create(district=world.d1, name="景山街道", code="110101002000")
    community = Community.objects.create(street=street, name="吉祥社区", code="110101002001")
    rs.estate_create(actor=world.users["city"], name="和平里", address="景山后街", community=community)
    login(world.users["city"])
    url = reverse("registry:estate_list")
    html = rows_of(client.get(url))
    assert 'name="street"' not in html  # streets only once a district is chosen
    html = rows_of(client.get(url, {"district": world.d1.pk}))
    assert 'name="street"' in html and "东华门街道" in html and "景山街道" in html and "西长安街街道" not in html
    # A street of another district is dropped instead of emptying the list.
    r = client.get(url, {"district": world.d1.pk, "street": world.s2.pk})
    assert [e.name for e in r.context["rows"]] == ["和平里", "幸福里小区"]


def test_sorting_and_unknown_sort_keys(world, client, login):
    grow(world, "estate", 3)
    login(world.users["city"])
    url = reverse("registry:estate_list")
    names = [e.name for e in client.get(url, {"sort": "name"}).context["rows"]]
    assert names == sorted(names)
    desc = [e.name for e in client.get(url, {"sort": "-name"}).context["rows"]]
    assert desc == list(reversed(names))
    years = [e.year_built for e in client.get(url, {"sort": "-year_built"}).context["rows"]]
    assert years == sorted(years, reverse=True)
    assert [e.name for e in client.get(url, {"sort": "password"}).context["rows"]] == names


def test_pagination_shows_total_and_page_numbers(world, client, login):
    grow(world, "estate", 25)
    login(world.users["city"])
    url = reverse("registry:estate_list")
    r = client.get(url, {"page": 2, "district": world.d1.pk})
    html = rows_of(r)
    assert len(r.context["rows"]) == 6 and "共 26 条" in html and "第 2/2 页" in html
    assert f"district={world.d1.pk}&amp;page=1" in html  # page links keep the filter
    assert client.get(url, {"page": 99}).context["page"].number == 2  # past the end: the last page


def test_count_is_capped_on_huge_tables(world, client, login, monkeypatch):
    monkeypatch.setattr(TYPES["estate"], "count_cap", 1)
    login(world.users["city"])
    r = client.get(reverse("registry:estate_list"))
    assert r.context["page"].paginator.capped
    assert "1+" in rows_of(r)


def test_htmx_requests_get_partials(world, client, login):
    login(world.users["city"])
    url = reverse("registry:estate_list")
    r = client.get(url, {"q": "xfl"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="wy-results")
    html = rows_of(r)
    assert html.lstrip().startswith('<div id="wy-results">') and "<html" not in html and "幸福里小区" in html
    r = client.get(url, {"district": world.d1.pk}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="wy-list")
    html = rows_of(r)
    assert html.lstrip().startswith('<div id="wy-list"') and "wy-filter-bar" in html and "<html" not in html


def test_empty_list_has_a_clear_empty_state(world, client, login):
    login(world.users["committee"])
    r = client.get(reverse("registry:parking_list"), {"q": "ZZZ"})
    assert 'data-testid="empty"' in rows_of(r) and "没有符合条件的记录" in rows_of(r)


def test_create_button_only_for_roles_that_may_create(world, client, login):
    login(world.users["street"])
    assert 'data-testid="create"' in rows_of(client.get(reverse("registry:estate_list")))
    assert 'data-testid="create"' not in rows_of(client.get(reverse("registry:company_list")))
    login(world.users["resident"])
    assert 'data-testid="create"' not in rows_of(client.get(reverse("registry:estate_list")))


def test_list_pages_are_chinese_and_post_is_refused(world, client, login):
    login(world.users["city"])
    for slug in SLUGS:
        url = reverse(f"registry:{slug}_list")
        html = rows_of(client.get(url))
        assert "导出 Excel" in html and "筛选" in html and "重置" in html
        assert client.post(url).status_code == 405


def test_company_choices_follow_the_chosen_district(world, client, login):
    login(world.users["city"])
    html = rows_of(client.get(reverse("registry:estate_list"), {"district": world.d2.pk}))
    assert "百润物业管理有限公司" in html and "安居物业服务有限公司" not in html
