"""The global search: grouped results, only within what the user may see."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuye.core.search import initials
from wuye.portal.search import GROUP_ROWS, search_tokens
from wuye.registry import services as rs
from wuye.territory.models import Community, District, Street

URL = "/search/"


def search(world, login, who, q):
    response = login(world.users[who]).get(URL, {"q": q})
    assert response.status_code == 200
    return response, response.context["results"]


def names(results, group):
    return [str(r) for r in results.groups[group].rows]


# ---- access ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL, {"q": "幸福里"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor"])
def test_administrators_have_no_search(world, login, who):
    assert login(world.users[who]).get(URL, {"q": "幸福里"}).status_code == 404


def test_search_only_answers_get(world, login):
    assert login(world.users["district"]).post(URL, {"q": "幸福里"}).status_code == 405


def test_empty_query_shows_a_prompt(world, login):
    response, results = search(world, login, "district", "   ")
    assert results.total == 0 and results.groups == {}
    assert "请输入关键词" in response.content.decode()


# ---- scope ---------------------------------------------------------------------------------------


def test_district_finds_its_estate(world, login):
    _, results = search(world, login, "district", "幸福里")
    assert names(results, "estates") == ["幸福里小区"]


def test_rival_company_finds_nothing_of_the_other(world, login):
    response, results = search(world, login, "manager_a", "翠湖")
    assert results.total == 0
    body = response.content.decode()
    assert 'data-testid="no-results"' in body and "翠湖花园" not in body
    assert names(search(world, login, "manager_b", "翠湖")[1], "estates") == ["翠湖花园"]


@pytest.mark.parametrize(
    ("who", "found"),
    [("city", True), ("district", False), ("street", False), ("community", False), ("district2", True),
     ("manager_a", False), ("manager_b", True), ("committee", False), ("resident", False), ("outsider", False)],
)
def test_every_group_is_scoped(world, login, who, found):
    """翠湖花园, 百润物业, 赵强, 陈静 and 1号楼 all belong to the second district and company B."""
    for q, group in (("翠湖", "estates"), ("百润", "companies"), ("赵强", "owners"), ("陈静", "staff"),
                     ("翠湖 1号楼", "buildings")):
        _, results = search(world, login, who, q)
        assert bool(results.groups[group].rows) is found, (q, group)


# ---- how words match --------------------------------------------------------------------------------


def test_pinyin_initials(world, login):
    _, results = search(world, login, "district", "xfl")
    assert names(results, "estates") == ["幸福里小区"]
    assert names(search(world, login, "city", "XFL")[1], "estates") == ["幸福里小区"]


def test_several_words_must_all_match(world, login):
    _, results = search(world, login, "city", "东城区 幸福里")
    assert names(results, "estates") == ["幸福里小区"]
    assert search(world, login, "city", "西城区 幸福里")[1].total == 0


def test_words_typed_together_are_split(world, login):
    assert names(search(world, login, "city", "东城区幸福里")[1], "estates") == ["幸福里小区"]
    assert names(search(world, login, "city", "多福巷社区幸福里")[1], "estates") == ["幸福里小区"]


def test_territory_initials_narrow_estates(world, login):
    for model in (District, Street, Community):
        for area in model.objects.all():
            model.objects.filter(pk=area.pk).update(search_key=initials(area.name))
    assert names(search(world, login, "city", "dcq xfl")[1], "estates") == ["幸福里小区"]
    assert search(world, login, "city", "xcq xfl")[1].groups["estates"].rows == []


def test_company_by_credit_code(world, login):
    _, results = search(world, login, "city", world.company_a.credit_code)
    assert names(results, "companies") == ["安居物业服务有限公司"]
    assert search(world, login, "manager_b", world.company_a.credit_code)[1].total == 0


def test_owner_by_name_prefix_and_initials_masked(world, login):
    response, results = search(world, login, "district", "王")
    assert names(results, "owners") == ["王秀英"]
    body = response.content.decode()
    assert "138****5678" in body and "13812345678" not in body
    assert "幸福里小区 3号楼 3-1-101" in body
    assert names(search(world, login, "district", "wxy")[1], "owners") == ["王秀英"]


def test_owner_is_not_found_by_the_middle_of_the_name(world, login):
    """Millions of owners: only an indexed prefix, never a substring scan."""
    assert search(world, login, "district", "秀英")[1].groups["owners"].rows == []


def test_owner_search_takes_one_word(world, login):
    response, results = search(world, login, "district", "王秀英 幸福里")
    assert results.groups["owners"].rows == [] and results.groups["owners"].note == "single_word"
    assert "业主检索只接受一个关键词" in response.content.decode()


def test_resident_finds_only_themselves(world, login):
    assert names(search(world, login, "resident", "王")[1], "owners") == ["王秀英"]
    assert search(world, login, "resident", "赵")[1].groups["owners"].rows == []


def test_staff_by_name_and_company(world, login):
    assert names(search(world, login, "manager_a", "刘洋")[1], "staff") == ["刘洋"]
    assert names(search(world, login, "city", "安居 刘")[1], "staff") == ["刘洋"]
    # A company name alone is a company, not a list of its staff.
    assert search(world, login, "city", "安居")[1].groups["staff"].rows == []


def test_building_needs_its_own_name(world, login):
    _, results = search(world, login, "district", "幸福里 3号楼")
    assert [(b.estate.name, b.name) for b in results.groups["buildings"].rows] == [("幸福里小区", "3号楼")]
    assert search(world, login, "district", "幸福里")[1].groups["buildings"].rows == []


# ---- grouping, "查看全部" and query count -------------------------------------------------------------


def _many_estates(world, n):
    root = world.users["city"]
    for i in range(n):
        rs.estate_create(actor=root, name=f"和平里{i:02d}号院", address=f"东城区和平路 {i} 号", community=world.c1)


def test_each_group_shows_ten_and_links_to_the_full_list(world, login):
    _many_estates(world, GROUP_ROWS + 2)
    response, results = search(world, login, "district", "和平里")
    group = results.groups["estates"]
    assert len(group.rows) == GROUP_ROWS and group.more
    assert f'href="{reverse("registry:estate_list")}?q=%E5%92%8C%E5%B9%B3%E9%87%8C"' in response.content.decode()


def test_a_group_without_more_has_no_link(world, login):
    response, results = search(world, login, "district", "幸福里")
    assert not results.groups["estates"].more
    assert f'{reverse("registry:estate_list")}?q=' not in response.content.decode()


@pytest.mark.parametrize("who", ["city", "district", "manager_a", "resident"])
def test_queries_do_not_grow_with_the_matches(world, login, django_assert_max_num_queries, who):
    root = world.users["city"]
    building = world.building_a
    _many_estates(world, 1)
    unit = rs.unit_create(actor=root, building=building, number="8-1", exclusive_area=Decimal("60.00"))
    rs.ownership_create(actor=root, unit=unit, owner=rs.owner_create(actor=root, name="和一"))
    client = login(world.users[who])
    client.get(URL, {"q": "和"})
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"q": "和"})
    _many_estates(world, GROUP_ROWS + 5)
    for i in range(GROUP_ROWS + 5):
        unit = rs.unit_create(actor=root, building=building, number=f"9-{i}", exclusive_area=Decimal("60.00"))
        rs.ownership_create(actor=root, unit=unit, owner=rs.owner_create(actor=root, name=f"和{i:02d}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"q": "和"})
    assert response.status_code == 200
    assert len(few.captured_queries) <= 10


# ---- the words of a query -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "tokens"),
    [
        ("东城区 幸福里", ["东城区", "幸福里"]),
        ("东城区幸福里", ["东城区", "幸福", "里"]),
        ("  xfl  ", ["xfl"]),
        ("幸福里，", ["幸福里，"]),
        ("幸福里小区 ， 3号楼", ["幸福", "里", "小区", "3号楼"]),
        ("a a a", ["a"]),
        ("", []),
    ],
)
def test_search_tokens(query, tokens):
    assert search_tokens(query) == tokens


def test_search_tokens_are_bounded():
    assert len(search_tokens(" ".join(f"词{i}" for i in range(40)))) <= 8


def test_names_that_begin_with_the_word_come_first(world, login):
    rs.estate_create(actor=world.users["city"], name="东幸福苑", address="东城区 9 号", community=world.c1)
    assert names(search(world, login, "district", "幸福")[1], "estates") == ["幸福里小区", "东幸福苑"]
