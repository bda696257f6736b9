"""The metrics pages: /complaints/metrics/, /complaints/metrics/ranking/ and the drill-downs."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuye.cases import metrics as M
from wuye.cases.models import CaseSettings, UnitMonthStat
from wuye.core.models import AuditAction, AuditLog

from .metrics_support import MARCH, clock_fixture, company_month, handle, local, stat_of  # noqa: F401

INDEX = reverse("cases:metrics_index")
RANKING = reverse("cases:metrics_ranking")


def drill_url(kind, pk, month="2026-03", metric="all"):
    return reverse("cases:metrics_drill", args=[kind, pk, month, metric])


@pytest.fixture
def march(cworld, clock):
    """Company A's month of known outcomes, one satisfied complaint for company B (district 2)
    and one for the street (noise goes to the community, the estate's street handles 业委会 …)."""
    company_month(cworld, clock)
    clock.at(local(2026, 3, 12, 9, 0))
    handle(cworld, clock, estate=cworld.estate_b, callback=(True, "satisfied"))
    return cworld


def denied_rows():
    return AuditLog.objects.filter(action=AuditAction.DENIED, object_type="cases.unitmonthstat")


# ---- /complaints/metrics/ --------------------------------------------------------------------


def test_city_sees_every_company_with_rates_composite_and_links(march, login):
    r = login(march.users["city"]).get(INDEX, {"month": "2026-03"})
    assert r.status_code == 200
    html = r.content.decode()
    rows = {(f.unit_kind, f.unit_id): f for f in r.context["rows"]}
    a = rows[("company", march.company_a.pk)]
    b = rows[("company", march.company_b.pk)]
    assert str(a.composite) == "61.7" and str(b.composite) == "100.0"
    assert [f.rank for f in r.context["rows"]] == [1, 2]  # sorted by composite, best first
    assert "61.7" in html and "50.0%" in html and "安居物业服务有限公司" in html and "百润物业管理有限公司" in html
    # every figure links to its drill-down
    assert drill_url("company", march.company_a.pk, metric="signed_late") in html
    assert drill_url("company", march.company_a.pk, metric="dissatisfied") in html
    assert r.context["summary"].assigned == 7
    assert 'id="wy-chart"' in html and 'id="wy-chart-trend"' in html and "vendor/echarts/echarts.min.js" in html
    assert r.context["bar_chart"]["values"] == ["100.0", "61.7"]  # decimal strings, never floats
    trend = r.context["trend_chart"]
    assert trend["months"][-1] == "2026-03" and len(trend["months"]) == 12
    assert trend["series"][0]["values"][-1] == str(M.percent(M.ratio(3, 4)))  # 3 of 4 callbacks (basically) satisfied


def test_city_filters_by_district_and_kind_tabs_count_units(march, login):
    client = login(march.users["city"])
    r = client.get(INDEX, {"month": "2026-03", "district": march.d2.pk})
    assert [f.unit_id for f in r.context["rows"]] == [march.company_b.pk]
    assert r.context["scope_label"] == "西城区"
    tabs = {k: n for k, _label, n in r.context["tabs"]}
    assert tabs["company"] == 1 and tabs["community"] == 0
    r = client.get(INDEX, {"month": "2026-03", "kind": "community"})
    assert r.context["rows"] == [] and "没有" in r.content.decode()  # an empty state, not an empty table


def test_district_sees_only_its_district(march, login):
    r = login(march.users["district"]).get(INDEX, {"month": "2026-03"})
    assert [f.unit_id for f in r.context["rows"]] == [march.company_a.pk]
    assert "百润物业管理有限公司" not in r.content.decode()
    assert r.context["districts"] == []  # no district picker for a district


def test_company_sees_its_own_row_and_its_place_in_the_city(march, login):
    r = login(march.users["staff_a"]).get(INDEX, {"month": "2026-03"})
    assert r.status_code == 200
    assert [(f.unit_kind, f.unit_id) for f in r.context["rows"]] == [("company", march.company_a.pk)]
    html = r.content.decode()
    assert "百润物业管理有限公司" not in html and r.context["tabs"] == []
    assert r.context["position"] == (2, 2)
    assert "排名第 2 位" in html


def test_unit_without_figures_gets_an_empty_page(march, login):
    r = login(march.users["street"]).get(INDEX)
    assert r.status_code == 200 and r.context["rows"] == []
    assert "data-testid=\"empty\"" in r.content.decode()


def test_default_month_is_the_last_complete_month_with_data(march, login, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 4, 20))
    r = login(march.users["city"]).get(INDEX)
    assert r.context["month"] == MARCH
    r = login(march.users["city"]).get(INDEX, {"month": "garbage"})
    assert r.context["month"] == MARCH


def test_sorting_by_a_column_and_the_htmx_table(march, login):
    client = login(march.users["city"])
    r = client.get(INDEX, {"month": "2026-03", "sort": "composite"})
    assert [f.unit_id for f in r.context["rows"]] == [march.company_a.pk, march.company_b.pk]
    r = client.get(INDEX, {"month": "2026-03", "sort": "-assigned"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="wy-results")
    assert [t.name for t in r.templates][0] == "cases/metrics/_table.html"
    assert [f.unit_id for f in r.context["rows"]] == [march.company_a.pk, march.company_b.pk]
    assert "<html" not in r.content.decode()
    r = client.get(INDEX, {"month": "2026-03", "sort": "nonsense"})
    assert r.context["sort"].key == "composite"


@pytest.mark.parametrize("who", ["resident", "committee", "sysadmin", "auditor", "outsider"])
def test_people_without_figures_get_404_audited(march, login, who):
    r = login(march.users[who]).get(INDEX)
    assert r.status_code == 404
    assert denied_rows().filter(actor=march.users[who]).count() == 1


def test_anonymous_is_sent_to_login(march, client):
    r = client.get(INDEX)
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


@pytest.mark.parametrize("url", [INDEX, RANKING])
def test_wrong_method(march, login, url):
    assert login(march.users["city"]).post(url).status_code == 405


def test_index_query_count_does_not_grow_with_units(cworld, clock, login, django_assert_num_queries):
    client = login(cworld.users["city"])
    clock.at(local(2026, 3, 2, 9, 0))
    handle(cworld, clock, callback=(True, "satisfied"))
    client.get(INDEX, {"month": "2026-03"})  # warm the session and the settings row
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX, {"month": "2026-03"})
    company_month(cworld, clock)
    clock.at(local(2026, 3, 12, 9, 0))
    handle(cworld, clock, estate=cworld.estate_b, callback=(False, "dissatisfied"))
    handle(cworld, clock, code="noise", callback=None, sign_after=None)  # the community gets a task too
    with django_assert_num_queries(len(few)):
        r = client.get(INDEX, {"month": "2026-03"})
    assert len(r.context["rows"]) == 2


def test_the_city_sees_the_district_of_communities_named_alike(march, login):
    for pk, district in ((9001, march.d1), (9002, march.d2)):
        UnitMonthStat.objects.create(
            month=MARCH, unit_kind="community", unit_id=pk, unit_name="利民社区", district=district, assigned=2,
            contacted_in_time=2, callbacks=1, resolved=1, satisfied=1)
    city = login(march.users["city"])
    table = city.get(INDEX, {"month": "2026-03", "kind": "community"})
    assert {f.place for f in table.context["rows"]} == {march.d1.name, march.d2.name}
    assert table.content.decode().count('data-testid="place"') == 2
    ranking = city.get(RANKING, {"month": "2026-03"})
    communities = next(x for x in ranking.context["rankings"] if x.kind == "community")
    assert {f.place for f in communities.red + communities.black} == {march.d1.name, march.d2.name}
    assert f'data-testid="place">· {march.d2.name}</span>' in ranking.content.decode()
    companies = next(x for x in ranking.context["rankings"] if x.kind == "company")
    assert {f.place for f in companies.red + companies.black} == {""}  # company names are their own
    # Within one district (the city's filter, or a district's own page) the district goes without saying.
    one = city.get(RANKING, {"month": "2026-03", "district": march.d1.pk})
    assert 'data-testid="place"' not in one.content.decode()
    assert 'data-testid="place"' not in login(march.users["district"]).get(
        INDEX, {"month": "2026-03", "kind": "community"}).content.decode()


# ---- /complaints/metrics/ranking/ -----------------------------------------------------------


def test_ranking_red_and_black_lists(march, login):
    r = login(march.users["city"]).get(RANKING, {"month": "2026-03"})
    assert r.status_code == 200
    by_kind = {x.kind: x for x in r.context["rankings"]}
    companies = by_kind["company"]
    assert [f.unit_id for f in companies.red] == [march.company_b.pk]
    assert [f.unit_id for f in companies.black] == [march.company_a.pk]
    html = r.content.decode()
    assert 'data-testid="red-list"' in html and 'data-testid="black-list"' in html
    assert "红榜" in html and "黑榜" in html and "100.0" in html and "61.7" in html
    assert (by_kind["street"].count, by_kind["street"].red) == (0, [])  # an empty state for kinds without ranked units
    assert "本月没有参与排名的" in html


def test_ranking_size_comes_from_the_settings(march, login):
    CaseSettings.objects.filter(pk=1).update(ranking_size=1)
    r = login(march.users["city"]).get(RANKING, {"month": "2026-03"})
    companies = next(x for x in r.context["rankings"] if x.kind == "company")
    assert len(companies.red) == 1 and len(companies.black) == 1 and r.context["ranking_size"] == 1


def test_district_ranking_is_its_own_units(march, login):
    r = login(march.users["district2"]).get(RANKING, {"month": "2026-03"})
    companies = next(x for x in r.context["rankings"] if x.kind == "company")
    assert companies.count == 1 and [f.unit_id for f in companies.red] == [march.company_b.pk]


@pytest.mark.parametrize("who", ["manager_a", "street", "community", "department", "resident", "outsider"])
def test_ranking_is_for_city_and_districts_only(march, login, who):
    assert login(march.users[who]).get(RANKING).status_code == 404
    assert denied_rows().filter(actor=march.users[who]).exists()


def test_ranking_query_count_is_constant(cworld, clock, login, django_assert_num_queries):
    client = login(cworld.users["city"])
    clock.at(local(2026, 3, 2, 9, 0))
    handle(cworld, clock, callback=(True, "satisfied"))
    client.get(RANKING, {"month": "2026-03"})
    with CaptureQueriesContext(connection) as few:
        client.get(RANKING, {"month": "2026-03"})
    company_month(cworld, clock)
    handle(cworld, clock, estate=cworld.estate_b, callback=(True, "satisfied"))
    with django_assert_num_queries(len(few)):
        client.get(RANKING, {"month": "2026-03"})


# ---- drill-down ----------------------------------------------------------------------------


@pytest.mark.parametrize("metric", sorted(M.DRILLS))
def test_drill_down_lists_as_many_tasks_as_the_figure(march, login, metric):
    stat = stat_of(march)
    r = login(march.users["city"]).get(drill_url("company", march.company_a.pk, metric=metric))
    assert r.status_code == 200
    assert r.context["figure"] == M.drill_figure(stat, metric)
    assert r.context["page"].paginator.count == r.context["figure"] == len(r.context["rows"])
    html = r.content.decode()
    assert html.count('data-testid="drill-row"') == r.context["figure"]


def test_drill_down_links_complaints_and_masks_the_resident(march, login):
    r = login(march.users["manager_a"]).get(drill_url("company", march.company_a.pk, metric="dissatisfied"))
    assert r.status_code == 200
    html = r.content.decode()
    row = r.context["rows"][0]
    assert row["url"] == f"/complaints/{row['c'].pk}/" or row["url"].endswith(f"/{row['c'].pk}/")
    assert "王秀英" not in html and "王**" in html
    assert "13812345678" not in html
    # the tabs show every figure of the unit-month
    tabs = {key: n for group in r.context["groups"] for key, _l, n in group}
    assert tabs["all"] == 6 and tabs["excluded"] == 1 and tabs["signed_late"] == 3


def test_drill_down_of_another_unit_is_404_audited(march, login):
    url = drill_url("company", march.company_a.pk)
    for who in ("manager_b", "district2", "street"):
        assert login(march.users[who]).get(url).status_code == 404, who
        assert denied_rows().filter(actor=march.users[who], object_id=f"company:{march.company_a.pk}:2026-03").exists()
    assert login(march.users["resident"]).get(url).status_code == 404
    assert denied_rows().filter(actor=march.users["resident"]).exists()


@pytest.mark.parametrize("args", [
    ("company", 1, "2026-3", "all"), ("company", 1, "2026-03", "nope"), ("owner", 1, "2026-03", "all"),
    ("company", 1, "2025-01", "all"),
])
def test_drill_down_bad_parameters_are_404(march, login, args):
    kind, _pk, month, metric = args
    url = reverse("cases:metrics_drill", args=[kind, march.company_a.pk, month, metric])
    assert login(march.users["city"]).get(url).status_code == 404


def test_confidential_clue_reports_stay_sealed_for_a_district(cworld, clock, login):
    u = cworld.users
    clock.at(local(2026, 3, 2, 9, 0))
    from .conftest import act, file

    c = file(cworld, "gang_clues", description="小区内有人组织收取保护费", at=clock.now)
    act(u["city"], c, "dispatch")
    stat = UnitMonthStat.objects.get(unit_kind="department", unit_id=cworld.users["police"].department_id)
    url = drill_url("department", stat.unit_id)
    html = login(u["district"]).get(url).content.decode()
    assert "保护费" not in html and "保密线索" in html and f"/complaints/{c.pk}/" not in html
    html = login(u["police"]).get(url).content.decode()
    assert "保护费" in html


def test_drill_down_wrong_method_and_query_count(march, login, django_assert_num_queries, clock):
    client = login(march.users["city"])
    url = drill_url("company", march.company_a.pk)
    assert client.post(url).status_code == 405
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in (13, 16, 17):
        clock.at(local(2026, 3, day, 9, 0))
        handle(march, clock, callback=(True, "satisfied"))
    with django_assert_num_queries(len(few)):
        r = client.get(url)
    assert r.context["figure"] == 9


@pytest.mark.parametrize("who, metrics, config", [
    ("city", "考核排名", True), ("district", "考核排名", False), ("street", "考核排名", False),
    ("manager_a", "本单位考核", False), ("resident", None, False), ("sysadmin", None, False),
])
def test_navigation_entries(world, login, who, metrics, config):
    html = login(world.users[who]).get(reverse("portal:home")).content.decode()
    assert ('data-testid="nav-metrics"' in html) == bool(metrics)
    if metrics:
        assert metrics in html and INDEX in html
    assert ('data-testid="nav-case-config"' in html) == config
