"""The home workbench: each role sees what needs its attention, within its own scope only."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wuye.registry import services as rs
from wuye.registry.models import ServiceContract

from .conftest import CREDIT_CODES

HOME = "/"


def home(world, login, who):
    response = login(world.users[who]).get(HOME)
    assert response.status_code == 200
    return response, response.context["wb"]


def text(response) -> str:
    return response.content.decode()


# ---- access ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_public_portal(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == reverse("public:home")


def test_home_only_answers_get(world, login):
    response = login(world.users["city"]).post(HOME)
    assert response.status_code == 405


# ---- officials ---------------------------------------------------------------------------------


def test_city_sees_every_district_with_its_counts(world, login):
    response, wb = home(world, login, "city")
    assert wb.kind == "official" and wb.level == "district"
    rows = {a.name: a for a in wb.areas}
    assert list(rows) == ["东城区", "西城区"]
    assert (rows["东城区"].estates, rows["东城区"].companies, rows["东城区"].units) == (1, 1, 1)
    assert (rows["西城区"].estates, rows["西城区"].companies, rows["西城区"].units) == (1, 1, 1)
    assert wb.totals["estates"] == 2 and wb.totals["units"] == 2 and wb.companies["total"] == 2
    # Both committees started on 2024-01-01 and were never filed (rules.md §1: within 30 days).
    assert wb.committees_total == 2
    # Only the developer's idle space of 幸福里小区 is "sold only, never rented".
    assert wb.parking_total == 1
    assert [p["estate__name"] for p in wb.parking_top] == ["幸福里小区"]
    # Each district row links to the estate list filtered by that district.
    assert f'href="{reverse("registry:estate_list")}?district={world.d1.pk}"' in text(response)


def test_district_officer_sees_only_their_district(world, login):
    response, wb = home(world, login, "district")
    assert wb.level == "street"
    assert [a.name for a in wb.areas] == ["东华门街道"]
    assert wb.totals["estates"] == 1 and wb.totals["units"] == 1
    assert wb.committees_total == 1 and [r.committee.estate.name for r in wb.committees] == ["幸福里小区"]
    assert wb.parking_total == 1
    body = text(response)
    for foreign in ("西城区", "西长安街街道", "翠湖花园", "百润物业"):
        assert foreign not in body


def test_other_district_sees_none_of_the_first(world, login):
    response, wb = home(world, login, "district2")
    assert [a.name for a in wb.areas] == ["西长安街街道"]
    assert wb.parking_total == 0
    assert "幸福里小区" not in text(response)


def test_department_has_its_own_home(world, login):
    """Issue 14 §2: a department's home is its own work (its dispatched complaints, its campaign
    tasks, its notices), not a copy of the district's overview."""
    response, wb = home(world, login, "department")
    assert wb.kind == "department"
    assert not hasattr(wb, "areas")
    body = text(response)
    for part in ("dept-complaints", "dept-tasks", "dept-notices"):
        assert f'data-testid="{part}"' in body
    assert 'data-testid="areas"' not in body


def test_street_officer_sees_communities(world, login):
    _, wb = home(world, login, "street")
    assert wb.level == "community" and [a.name for a in wb.areas] == ["多福巷社区"]


def test_community_officer_sees_its_estates(world, login):
    response, wb = home(world, login, "community")
    assert wb.level == "estate"
    assert [(e.name, e.n_units) for e in wb.estates] == [("幸福里小区", 1)]
    assert "翠湖花园" not in text(response)


def test_estates_without_company_are_counted_and_linked(world, login):
    root = world.users["city"]
    bare = rs.estate_create(actor=root, name="纺织厂宿舍", address="东城区纺织路 1 号", community=world.c1,
                            kind="old_compound", management_mode="none")
    response, wb = home(world, login, "district")
    assert wb.totals["no_company"] == 1
    assert wb.areas[0].no_company == 1
    assert f'href="{reverse("registry:estate_list")}?management_mode=none"' in text(response)
    _, wb2 = home(world, login, "district2")
    assert wb2.totals["no_company"] == 0
    assert bare.district_id == world.d1.pk


def test_unfiled_companies_are_counted_where_they_work(world, login):
    root = world.users["city"]
    company = rs.company_create(actor=root, name="无证物业有限公司", credit_code=CREDIT_CODES[0], legal_representative="周",
                                address="西城区", service_phone="01060000000", filing_status="unfiled")
    estate = rs.estate_create(actor=root, name="西城新苑", address="西城区 1 号", community=world.c2)
    rs.estate_set_contract(actor=root, estate=estate, company=company, start_date=date(2024, 1, 1),
                           end_date=date(2029, 12, 31), contracted_grade="1", fee_rate=Decimal("1.20"))
    assert home(world, login, "city")[1].companies["unfiled"] == 1
    assert home(world, login, "district2")[1].companies["unfiled"] == 1
    response, wb = home(world, login, "district")
    assert wb.companies["unfiled"] == 0
    assert f'href="{reverse("registry:company_list")}?filing_status=unfiled"' in text(response)


def test_contracts_expiring_within_90_days(world, login):
    root = world.users["city"]
    today = timezone.localdate()
    rs.estate_set_contract(actor=root, estate=world.estate_b, company=world.company_b, start_date=date(2023, 1, 1),
                           end_date=today + timedelta(days=30), contracted_grade="3", fee_rate=Decimal("2.50"))
    _, city = home(world, login, "city")
    assert city.contract_counts == {"expiring": 1, "expired": 0}
    assert [(r.contract.estate.name, r.days_left) for r in city.contracts] == [("翠湖花园", 30)]
    assert home(world, login, "district2")[1].contract_counts["expiring"] == 1
    assert home(world, login, "manager_b")[1].contract_counts["expiring"] == 1
    assert home(world, login, "district")[1].contract_counts["expiring"] == 0
    response, manager_a = home(world, login, "manager_a")
    assert manager_a.contract_counts["expiring"] == 0 and "翠湖花园" not in text(response)


def test_expired_and_far_contracts(world, login):
    root = world.users["city"]
    today = timezone.localdate()
    rs.estate_set_contract(actor=root, estate=world.estate_a, company=world.company_a, start_date=date(2020, 1, 1),
                           end_date=today - timedelta(days=5), contracted_grade="3", fee_rate=Decimal("2.50"))
    rs.estate_set_contract(actor=root, estate=world.estate_b, company=world.company_b, start_date=date(2023, 1, 1),
                           end_date=today + timedelta(days=91), contracted_grade="3", fee_rate=Decimal("2.50"))
    response, wb = home(world, login, "city")
    assert wb.contract_counts == {"expiring": 0, "expired": 1}
    assert [(r.contract.estate.name, r.expired) for r in wb.contracts] == [("幸福里小区", True)]
    assert "已到期" in text(response)
    # Only current contracts count: the replaced ones are history.
    assert ServiceContract.objects.filter(is_current=False).count() == 2


def test_coming_contracts_are_listed_before_expired_ones(world, login):
    root = world.users["city"]
    today = timezone.localdate()
    rs.estate_set_contract(actor=root, estate=world.estate_a, company=world.company_a, start_date=date(2020, 1, 1),
                           end_date=today - timedelta(days=400), contracted_grade="3", fee_rate=Decimal("2.50"))
    rs.estate_set_contract(actor=root, estate=world.estate_b, company=world.company_b, start_date=date(2023, 1, 1),
                           end_date=today + timedelta(days=60), contracted_grade="3", fee_rate=Decimal("2.50"))
    _, wb = home(world, login, "city")
    assert [(r.contract.estate.name, r.days_left) for r in wb.contracts] == [("翠湖花园", 60), ("幸福里小区", -400)]


@pytest.mark.parametrize(
    ("filed_after", "flagged"),
    [(30, False), (31, True), (None, True)],
)
def test_committee_filing_deadline_is_30_days(world, login, filed_after, flagged):
    root = world.users["city"]
    today = timezone.localdate()
    start = today - timedelta(days=60)
    filed_on = start + timedelta(days=filed_after) if filed_after is not None else None
    rs.committee_create(actor=root, estate=world.estate_b, term_start=start, term_end=start + timedelta(days=1000),
                        filed_on=filed_on)
    _, wb = home(world, login, "district2")
    assert wb.committees_total == (1 if flagged else 0)
    if flagged:
        assert wb.committees[0].problems == (["unfiled"] if filed_after is None else ["filed_late"])


def test_committee_not_yet_due_for_filing_is_not_flagged(world, login):
    today = timezone.localdate()
    rs.committee_create(actor=world.users["city"], estate=world.estate_b, term_start=today - timedelta(days=10),
                        term_end=today + timedelta(days=1000))
    assert home(world, login, "district2")[1].committees_total == 0


def test_committee_whose_term_ended(world, login):
    rs.committee_create(actor=world.users["city"], estate=world.estate_b, term_start=date(2019, 1, 1),
                        term_end=date(2023, 12, 31), filed_on=date(2019, 1, 15))
    response, wb = home(world, login, "district2")
    assert [r.problems for r in wb.committees] == [["term_ended"]]
    assert "任期已届满" in text(response)


def test_chart_data_by_district_and_mode(world, login):
    rs.estate_create(actor=world.users["city"], name="纺织厂宿舍", address="东城区纺织路 1 号", community=world.c1,
                     kind="old_compound", management_mode="none")
    response, wb = home(world, login, "city")
    body = text(response)
    assert "vendor/echarts/echarts.min.js" in body and 'id="wy-chart-data"' in body
    data = json.loads(body.split('id="wy-chart-data" type="application/json">')[1].split("</script>")[0])
    assert data["type"] == "bar" and data["categories"] == ["东城区", "西城区"]
    series = {s["key"]: s["data"] for s in data["series"]}
    assert series["professional"] == [1, 1] and series["none"] == [1, 0]


# ---- companies ---------------------------------------------------------------------------------


def test_company_manager_sees_their_estates_and_tasks(world, login):
    root = world.users["city"]
    rs.staff_create(actor=root, company=world.company_a, name="赵敏", role="cleaner", phone="13600001111")
    rs.staff_create(actor=root, company=world.company_b, name="钱多多", role="cleaner")
    response, wb = home(world, login, "manager_a")
    assert wb.kind == "company" and wb.company == world.company_a
    assert [(e.name, e.n_units, e.n_sale_only) for e in wb.estates] == [("幸福里小区", 1, 1)]
    assert wb.staff == {"total": 2, "unassigned": 1}
    assert [s.name for s in wb.unassigned_staff] == ["赵敏"]
    assert wb.parking_total == 1
    body = text(response)
    assert "136****1111" in body and "13600001111" not in body
    assert "钱多多" not in body and "翠湖花园" not in body
    assert f'href="{reverse("registry:estate_list")}?company={world.company_a.pk}"' in body
    # Company staff see the same workbench as their manager.
    assert home(world, login, "staff_a")[1].staff == {"total": 2, "unassigned": 1}


def test_rival_manager_never_sees_the_other_company(world, login):
    response, wb = home(world, login, "manager_b")
    assert [e.name for e in wb.estates] == ["翠湖花园"]
    assert wb.parking_total == 0
    body = text(response)
    assert "幸福里小区" not in body and "安居物业" not in body and "刘洋" not in body


# ---- committee members and residents -------------------------------------------------------------


def test_committee_member_sees_their_estate(world, login):
    response, wb = home(world, login, "committee")
    assert wb.kind == "committee"
    assert wb.estate == world.estate_a and wb.estate.n_units == 1 and wb.estate.n_sale_only == 1
    assert wb.contract.company == world.company_a and wb.contract.end_date == date(2027, 12, 31)
    assert wb.committee == world.committee_a and wb.committee.n_members == 1 and wb.committee.n_party == 1
    assert wb.committee_problems == ["unfiled"]
    body = text(response)
    assert "孙丽" in body and "安居物业服务有限公司" in body and "01065550001" in body
    assert "翠湖花园" not in body


def test_resident_sees_their_home_company_and_committee(world, login):
    response, wb = home(world, login, "resident")
    assert wb.kind == "resident"
    assert len(wb.homes) == 1
    h = wb.homes[0]
    assert h.estate == world.estate_a and [u.number for u in h.units] == ["3-1-101"]
    assert h.contract.company == world.company_a and h.committee == world.committee_a
    assert [m.name for m in h.leaders] == ["孙丽"]
    body = text(response)
    assert 'href="tel:01065550001"' in body
    assert "翠湖花园" not in body and "百润物业" not in body


def test_resident_without_units_gets_a_clear_empty_state(world, login):
    rs.ownership_delete(actor=world.users["city"], ownership=world.owner_a.ownerships.get())
    response, wb = home(world, login, "resident")
    assert wb.homes == []
    assert "尚未关联房屋" in text(response)


# ---- administrators and unassigned accounts ---------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "shortcut"),
    [("sysadmin", "accounts:user_list"), ("secadmin", "accounts:user_list"), ("auditor", "core:audit_list")],
)
def test_admins_get_shortcuts_and_no_registry_data(world, login, who, shortcut):
    client = login(world.users[who])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(HOME)
    assert response.status_code == 200
    assert response.context["wb"].kind == "admin"
    body = text(response)
    assert f'href="{reverse(shortcut)}"' in body
    assert not [q["sql"] for q in ctx.captured_queries if "registry_" in q["sql"]]
    for name in ("幸福里小区", "翠湖花园", "安居物业", "王秀英"):
        assert name not in body


def test_auditor_does_not_get_account_shortcut(world, login):
    body = text(login(world.users["auditor"]).get(HOME))
    assert f'href="{reverse("accounts:user_list")}" data-testid="shortcut"' not in body


def test_user_without_role_sees_an_empty_state(world, login):
    response, wb = home(world, login, "outsider")
    assert wb.kind == "unassigned"
    assert "尚未分配角色" in text(response)


# ---- a bounded number of queries -------------------------------------------------------------------

PERSONAS = ["city", "district", "department", "street", "community", "manager_a", "staff_a", "committee", "resident"]


@pytest.mark.parametrize("who", PERSONAS)
def test_queries_do_not_grow_with_the_data(world, login, grow_world, django_assert_max_num_queries, who):
    client = login(world.users[who])
    client.get(HOME)  # warm up: the session and the user's own binding
    with CaptureQueriesContext(connection) as small:
        assert client.get(HOME).status_code == 200
    grow_world(world, n=4)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(HOME)
    assert response.status_code == 200
    # The page itself, plus one count per to-do (each counted by its list's own filter).
    assert len(small.captured_queries) <= 20 + len(response.context["todos"])


def test_grown_world_is_counted(world, login, grow_world):
    grow_world(world, n=3)
    _, wb = home(world, login, "district")
    # 幸福里小区 + three more; one of them has no company; two have contracts ending in 10 and 20 days.
    assert wb.totals["estates"] == 4 and wb.totals["no_company"] == 1
    assert wb.contract_counts["expiring"] == 2
    assert wb.committees_total == 3
    assert wb.parking_total == 3
    _, manager_b = home(world, login, "manager_b")
    assert all(e.district_id == world.d2.pk for e in manager_b.estates)


# ---- the links land on filtered registry pages ---------------------------------------------------


@pytest.mark.parametrize("who", ["city", "district", "community", "manager_a", "committee"])
def test_every_registry_link_opens(world, login, who):
    client = login(world.users[who])
    body = text(client.get(HOME)).split("<main", 1)[1]  # the workbench, not the navigation
    links = sorted({h.replace("&amp;", "&") for h in re.findall(r'href="(/registry/[^"]*)"', body)})
    assert links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_sale_only_link_lists_only_those_spaces(world, login):
    client = login(world.users["city"])
    body = text(client.get(HOME))
    link = re.search(r'href="(/registry/parking/\?[^"]*offered_for_rent=false[^"]*)"', body).group(1).replace("&amp;", "&")
    listing = text(client.get(link))
    assert "A-001" in listing and "B-001" not in listing
