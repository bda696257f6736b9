"""The supervision and credit overview (issue 4 §13): who sees it, what it shows, the fixed number
of queries, and the audited Excel export of every table. Data are put on record through the real
services (inspections drawn and recorded, orders issued, credit events confirmed, a star rating
made effective, a benchmark designated)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wuye.core import calendar
from wuye.core.models import AuditAction, AuditLog
from wuye.credit import benchmarks as credit_services
from wuye.credit.models import CompanyCredit
from wuye.credit.scoring import credit_recompute
from wuye.credit.tests.conftest import confirmed
from wuye.dashboards import selectors as F
from wuye.dashboards.views import TABLES
from wuye.supervision.inspections import services as si
from wuye.supervision.models import Inspection, RectificationOrder, StarRating
from wuye.supervision.stars.tests.test_stars import effective
from wuye.supervision.tests.inspection_support import build_iworld, make_plan, record

URL = "/overview/"


@pytest.fixture
def iw(world):
    calendar.clear_cache()
    return build_iworld(world)


def inspect(iw, *, district=1, deductions=None, defects=None, seed="overview"):
    """Draw a one-estate plan in the district and record the inspection through the services."""
    w = iw.w
    actor = w.users["district" if district == 1 else "district2"]
    plan = make_plan(iw, actor=actor, district=w.d1 if district == 1 else w.d2, inspector_count=1,
                     name=f"检查计划 {seed}")
    si.draw_create(actor=actor, plan=plan, seed=seed)
    insp = Inspection.objects.get(plan=plan)
    return record(insp, deductions=deductions or {}, defects=defects or {})


def populate(iw):
    """Estate A inspected with a defect (one open order); company A on the red list (AAA) with a
    four-star estate that is a benchmark; company B on the black list (veto)."""
    w = iw.w
    insp = inspect(iw, deductions={"JB01": 1}, defects={"JB01": "服务电话无人接听"})
    for code in ("JC01", "JC02", "JC03", "BZ01"):
        confirmed(w.company_a, code)
    confirmed(w.company_b, "JC01")
    confirmed(w.company_b, "FJ01")
    effective(w, 4)
    credit_services.benchmark_designate(user=w.users["city"], kind="estate", estate=w.estate_a,
                                        reason="服务规范，业主满意度高")
    credit_recompute(w.company_a.pk)
    credit_recompute(w.company_b.pk)
    return insp


def more_data(iw):
    """A second inspection (district 2) and more credit events: the page must not read more."""
    w = iw.w
    inspect(iw, district=2, deductions={"JB02": 1}, seed="overview-2")
    confirmed(w.company_b, "GS02")
    confirmed(w.company_a, "BZ02")
    credit_recompute(w.company_a.pk)
    credit_recompute(w.company_b.pk)


# ---- the page -----------------------------------------------------------------------------------


def test_city_sees_every_district_with_charts_lists_and_exports(client, login, iw):
    w = iw.w
    insp = populate(iw)
    login(w.users["city"])
    r = client.get(URL)
    assert r.status_code == 200
    html = r.content.decode()
    assert "监管总览" in html and "全市" in html
    assert "vendor/echarts/echarts.min.js" in html and 'id="wy-overview-data"' in html
    chart = r.context["chart"]
    # Coverage: estate A inspected of one served estate in district 1; none in district 2.
    cov = {row["name"]: row for row in r.context["coverage"]}
    assert cov[w.d1.name]["served"] == 1 and cov[w.d1.name]["inspected"] == 1 and str(cov[w.d1.name]["rate"]) == "100.0"
    assert cov[w.d2.name]["inspected"] == 0 and str(cov[w.d2.name]["rate"]) == "0.0"
    assert chart["coverage"]["rates"] == ["100.0", "0.0"]
    # Scores: district 1's month averages the drawn inspection and the star rating's site inspection.
    d1 = next(row for row in r.context["scores"] if row["district_id"] == w.d1.pk)
    month = insp.inspected_on.month
    assert insp.total_score == F.Decimal("99.00")
    assert d1["months"][month - 1] == F.Decimal("97.0")  # (99 + 95) / 2
    assert d1["count"] == 2 and d1["average"] == F.Decimal("97.0")
    # Stars, grades, lists.
    assert [row["count"] for row in r.context["stars"]] == [0, 0, 0, 1, 0]
    grades = {row["grade"]: row["count"] for row in r.context["grades"]}
    assert grades["AAA"] == 1 and grades["B"] == 1  # company B: 60 points, black-listed by its veto item
    assert [c.company_id for c in r.context["red"]] == [w.company_a.pk]
    assert [c.company_id for c in r.context["black"]] == [w.company_b.pk]
    assert reverse("credit:public_company", args=[w.company_a.pk]) in html
    assert reverse("credit:public_company", args=[w.company_b.pk]) in html
    assert [b.estate_id for b in r.context["benchmarks"]] == [w.estate_a.pk]
    # Orders: one issued, open, not overdue yet.
    orders = {row["district_id"]: row for row in r.context["orders"]}
    assert orders[w.d1.pk]["issued"] == 1 and orders[w.d1.pk]["open"] == 1 and orders[w.d1.pk]["overdue"] == 0
    for table in TABLES:
        assert reverse("dashboards:export", args=[table]) in html
    # Reading leaves nothing behind.
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_district_sees_its_own_district_only(client, login, iw):
    w = iw.w
    populate(iw)
    login(w.users["district"])
    r = client.get(URL, {"district": w.d2.pk})  # a district may not widen its scope
    assert r.status_code == 200
    assert r.context["scope"].district_id == w.d1.pk
    assert [row["name"] for row in r.context["coverage"]] == [w.d1.name]
    assert [row["district_id"] for row in r.context["orders"]] == [w.d1.pk]
    # Company B serves only district 2: not on this district's black list or grade count.
    assert r.context["black"] == []
    assert [c.company_id for c in r.context["red"]] == [w.company_a.pk]
    assert r.context["credit"]["companies"] == 1
    assert w.company_b.name not in r.content.decode()
    assert 'name="district"' not in r.content.decode()


def test_city_narrows_to_one_district(client, login, iw):
    w = iw.w
    populate(iw)
    login(w.users["city"])
    r = client.get(URL, {"district": w.d2.pk})
    assert r.context["scope"].label == w.d2.name
    assert [row["name"] for row in r.context["coverage"]] == [w.d2.name]
    assert [c.company_id for c in r.context["black"]] == [w.company_b.pk]
    assert r.context["red"] == []
    assert f"district={w.d2.pk}" in r.context["query"]
    # An unknown district is the whole city.
    r = client.get(URL, {"district": "99999"})
    assert r.context["scope"].district_id is None


@pytest.mark.parametrize("who", ["street", "community", "department", "manager_a", "staff_a", "committee", "resident",
                                 "sysadmin", "secadmin", "auditor", "outsider"])
def test_everybody_else_gets_404_and_it_is_audited(client, login, iw, who):
    login(iw.w.users[who])
    for url in (URL, reverse("dashboards:export", args=["coverage"])):
        assert client.get(url).status_code == 404
    assert AuditLog.objects.filter(action=AuditAction.DENIED, actor=iw.w.users[who]).count() == 2
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_anonymous_goes_to_the_login_page(client, iw):
    r = client.get(URL)
    assert r.status_code == 302 and "login" in r["Location"]


def test_wrong_method(client, login, iw):
    login(iw.w.users["city"])
    assert client.post(URL).status_code == 405
    assert client.post(reverse("dashboards:export", args=["red"])).status_code == 405
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_empty_city_shows_empty_states(client, login, iw):
    login(iw.w.users["city"])
    r = client.get(URL)
    assert r.status_code == 200
    html = r.content.decode()
    for text in ("本年度没有整改通知", "还没有提交的检查", "辖区内还没有有效的星级评定结果", "还没有企业的信用评价结果",
                 "红名单暂无企业", "黑名单暂无企业", "还没有命名标杆小区"):
        assert text in html, text
    assert 'id="wy-chart-scores"' not in html
    assert r.context["score_total"] is None


def test_year_selector(client, login, iw):
    populate(iw)
    login(iw.w.users["city"])
    this_year = timezone.localdate().year
    r = client.get(URL, {"year": "abc"})
    assert r.context["year"] == this_year
    assert r.context["years"] == [this_year]
    r = client.get(URL, {"year": this_year - 5})  # not offered: the current year
    assert r.context["year"] == this_year
    # A year with inspections is offered; the stars, grades and lists are the current state.
    Inspection.objects.update(inspected_on=timezone.localdate().replace(year=this_year - 1))
    r = client.get(URL, {"year": this_year - 1})
    assert r.context["years"] == [this_year, this_year - 1]
    assert r.context["year"] == this_year - 1
    assert r.context["months"] == list(range(1, 13))
    assert r.context["n_inspections"] == 2  # the drawn inspection and the star rating's
    r = client.get(URL)
    assert r.context["n_inspections"] == 0 and r.context["coverage_total"]["inspected"] == 0
    assert r.context["stars_total"] == 1


def test_queries_do_not_grow_with_the_data(client, login, iw, django_assert_num_queries):
    populate(iw)
    login(iw.w.users["city"])
    client.get(URL)  # warm the session and the working-day calendar
    with django_assert_num_queries(14):
        client.get(URL)
    more_data(iw)
    with django_assert_num_queries(14):
        r = client.get(URL)
    assert r.context["n_inspections"] == 3  # one more inspection, more credit events: the same queries
    login(iw.w.users["district"])
    client.get(URL)
    with django_assert_num_queries(15):  # the layout reads the district officer's binding once more
        client.get(URL)


def test_overdue_orders_are_counted_once_the_deadline_passes(iw):
    populate(iw)
    w = iw.w
    order = RectificationOrder.objects.get()
    scope = F.scope_for(w.users["city"], None)
    year = timezone.localdate().year
    before = {r["district_id"]: r for r in F.orders(scope, year, order.deadline - timedelta(minutes=1))}
    after = {r["district_id"]: r for r in F.orders(scope, year, order.deadline + timedelta(minutes=1))}
    assert before[w.d1.pk]["overdue"] == 0 and after[w.d1.pk]["overdue"] == 1
    assert after[w.d1.pk]["open"] == 1 and after[w.d2.pk] == {"district_id": w.d2.pk, "name": w.d2.name, "issued": 0,
                                                              "closed": 0, "open": 0, "submitted": 0, "overdue": 0}


def test_an_unrated_company_is_not_a_c_grade(iw):
    w = iw.w
    credit_recompute(w.company_a.pk)  # no credit information at all
    rows, totals = F.grades(F.scope_for(w.users["city"], None))
    assert CompanyCredit.objects.get(pk=w.company_a.pk).grade == "C"
    assert sum(r["count"] for r in rows) == 0
    assert totals["unrated"] == 1 and totals["rated"] == 0


def test_score_average_is_weighted_by_inspections():
    assert F.pct(1, 3) == F.Decimal("33.3")
    assert F.pct(0, 0) is None
    assert F.dec1(87.25) == F.Decimal("87.2") or F.dec1(87.25) == F.Decimal("87.3")


# ---- the exports --------------------------------------------------------------------------------


def _sheet(response):
    body = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(body), read_only=True).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_every_table_exports_to_excel_and_is_audited(client, login, iw):
    w = iw.w
    populate(iw)
    login(w.users["city"])
    year = timezone.localdate().year
    for table in TABLES:
        r = client.get(reverse("dashboards:export", args=[table]), {"year": year})
        assert r.status_code == 200, table
        assert r["Content-Type"].startswith("application/vnd.openxmlformats")
        rows = _sheet(r)
        assert rows[0][0], table
        log = AuditLog.objects.filter(action=AuditAction.EXPORT, object_id=table).get()
        assert log.actor_id == w.users["city"].pk
        assert log.object_type == "dashboards.overview"
        assert f"年度：{year}" in log.detail and "全市" in log.detail
    assert AuditLog.objects.filter(action=AuditAction.EXPORT).count() == len(TABLES)


def test_export_contents(client, login, iw):
    w = iw.w
    populate(iw)
    login(w.users["city"])
    rows = _sheet(client.get(reverse("dashboards:export", args=["coverage"])))
    assert rows[0] == ["区县", "有物业服务企业的小区数", "本年度已检查小区数", "覆盖率（%）"]
    assert rows[1] == [w.d1.name, 1, 1, 100] or rows[1][:3] == [w.d1.name, 1, 1]
    red = _sheet(client.get(reverse("dashboards:export", args=["red"])))
    assert [r[0] for r in red[1:]] == [w.company_a.name]
    black = _sheet(client.get(reverse("dashboards:export", args=["black"])))
    assert [r[0] for r in black[1:]] == [w.company_b.name]
    assert black[1][7] == "是"  # veto
    stars = _sheet(client.get(reverse("dashboards:export", args=["stars"])))
    assert stars[4] == ["四星级", 1]
    grades = _sheet(client.get(reverse("dashboards:export", args=["grades"])))
    assert ["AAA", 1] in grades and ["B", 1] in grades
    orders = _sheet(client.get(reverse("dashboards:export", args=["orders"])))
    assert orders[1] == [w.d1.name, 1, 0, 1, 0, 0]
    bench = _sheet(client.get(reverse("dashboards:export", args=["benchmarks"])))
    assert bench[1][0] == w.estate_a.name


def test_district_export_is_scoped(client, login, iw):
    w = iw.w
    populate(iw)
    login(w.users["district"])
    black = _sheet(client.get(reverse("dashboards:export", args=["black"])))
    assert black[1:] == []
    cov = _sheet(client.get(reverse("dashboards:export", args=["coverage"])))
    assert [r[0] for r in cov[1:]] == [w.d1.name]
    log = AuditLog.objects.filter(action=AuditAction.EXPORT, object_id="coverage").get()
    assert w.d1.name in log.detail


def test_unknown_table_is_404(client, login, iw):
    login(iw.w.users["city"])
    assert client.get(reverse("dashboards:export", args=["salaries"])).status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()
    assert StarRating.objects.count() == 0
