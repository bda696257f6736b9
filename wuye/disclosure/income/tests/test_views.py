"""Common-income pages: the list, a new draft, inline edits (htmx), actions, the overdue list, the
public page with owners' shares and objections, and the estate panel. Each: the happy path, wrong
method, wrong user, the database afterwards, events and audit rows, and query counts for lists."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from wuye.cases.models import Complaint
from wuye.core.models import AuditLog
from wuye.disclosure.income import services as inc
from wuye.disclosure.models import IncomeEvent, IncomeItem, IncomeObjection, IncomeReport, IncomeShare
from wuye.registry import services as rs

from .test_support import LAST_YEAR, add_units, draft, published, submitted

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "income-editor"}


def url(name, *args):
    return reverse(f"disclosure:{name}", args=args)


# ---- the list ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who,seen", [("manager_a", 1), ("staff_a", 1), ("committee", 1), ("community", 1),
                                      ("street", 1), ("district", 1), ("city", 1), ("manager_b", 0),
                                      ("district2", 0), ("resident", 0)])
def test_list_is_scoped(world, login, who, seen):
    draft(world)
    response = login(world.users[who]).get(url("income_list"))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="income-row"') == seen


def test_residents_see_published_reports_only(world, login):
    report = published(world)
    draft(world, period=(date(2024, 1, 1), date(2024, 12, 31)))
    body = login(world.users["resident"]).get(url("income_list")).content.decode()
    assert url("income_detail", report.pk) in body and body.count('data-testid="income-row"') == 1


@pytest.mark.parametrize("who", ["sysadmin", "auditor", "department", "outsider"])
def test_list_refuses_roles_without_business(world, login, who):
    assert login(world.users[who]).get(url("income_list")).status_code == 403


def test_list_filters_and_counts(world, login):
    published(world)
    draft(world, period=(date(2024, 1, 1), date(2024, 12, 31)))
    c = login(world.users["district"])
    body = c.get(url("income_list"), {"status": "published"}).content.decode()
    assert "2025-01-01" in body and "2024-01-01" not in body
    body = c.get(url("income_list"), {"year": "2024"}).content.decode()
    assert "2024-01-01" in body and "2025-01-01" not in body
    assert c.get(url("income_list"), {"q": "翠湖"}).content.decode().count('data-testid="income-row"') == 0
    assert c.get(url("income_list"), {"q": "幸福"}).content.decode().count('data-testid="income-row"') == 2
    assert c.get(url("income_list"), {"district": world.d2.pk}).content.decode().count('data-testid="income-row"') == 0
    assert c.post(url("income_list")).status_code == 405


def test_list_query_count_does_not_grow(world, login, django_assert_max_num_queries):
    c = login(world.users["city"])
    draft(world)
    c.get(url("income_list"))
    with django_assert_max_num_queries(12) as ctx:
        c.get(url("income_list"))
    few = len(ctx.captured_queries)
    for y in range(2015, 2024):
        draft(world, period=(date(y, 1, 1), date(y, 12, 31)))
    with django_assert_max_num_queries(few) as ctx:
        assert c.get(url("income_list")).status_code == 200


# ---- new ------------------------------------------------------------------------------------------------


def test_company_creates_a_draft(world, login):
    c = login(world.users["manager_a"])
    page = c.get(url("income_new"))
    assert page.status_code == 200 and "幸福里小区" in page.content.decode() and "翠湖花园" not in page.content.decode()
    response = c.post(url("income_new"), {"estate": world.estate_a.pk, "period_start": "2025-01-01",
                                          "period_end": "2025-12-31"})
    report = IncomeReport.objects.get()
    assert response.status_code == 302 and response["Location"] == url("income_detail", report.pk)
    assert report.status == "draft" and report.created_by == world.users["manager_a"]
    assert IncomeEvent.objects.filter(report=report, action="create").count() == 1
    assert AuditLog.objects.filter(object_type="disclosure.incomereport", action="create").count() == 1
    again = c.post(url("income_new"), {"estate": world.estate_a.pk, "period_start": "2025-01-01",
                                       "period_end": "2025-12-31"})
    assert again.status_code == 400 and "同一期间" in again.content.decode()
    assert c.delete(url("income_new")).status_code == 405


def test_new_refuses_others_and_other_estates(world, login):
    for who in ("committee", "street", "resident"):
        assert login(world.users[who]).get(url("income_new")).status_code == 403
    response = login(world.users["manager_a"]).post(url("income_new"), {
        "estate": world.estate_b.pk, "period_start": "2025-01-01", "period_end": "2025-12-31"})
    assert response.status_code == 400 and not IncomeReport.objects.exists()


# ---- detail and inline edits ---------------------------------------------------------------------


def test_detail_shows_the_editor_to_the_company_only(world, login):
    report = draft(world)
    body = login(world.users["manager_a"]).get(url("income_detail", report.pk)).content.decode()
    assert 'data-testid="item-form"' in body and "139,200.00" in body and 'data-testid="submit"' in body
    body = login(world.users["committee"]).get(url("income_detail", report.pk)).content.decode()
    assert 'data-testid="item-form"' not in body and 'data-testid="confirm"' not in body
    assert login(world.users["manager_b"]).get(url("income_detail", report.pk)).status_code == 404
    assert login(world.users["district2"]).get(url("income_detail", report.pk)).status_code == 404
    assert login(world.users["manager_a"]).post(url("income_detail", report.pk)).status_code == 405


def test_inline_item_add_with_htmx_and_without(world, login):
    report = draft(world, lift=None, parking=None, costs=None)
    c = login(world.users["staff_a"])
    response = c.post(url("income_edit", report.pk, "item_add"), {"source": "venue", "amount": "1200.50",
                                                                   "description": "会所场地出租"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="income-editor"' in body and "1,200.50" in body and "<html" not in body
    bad = c.post(url("income_edit", report.pk, "item_add"), {"source": "venue", "amount": "-3"}, **HTMX)
    assert bad.status_code == 400 and "invalid-feedback" in bad.content.decode()
    response = c.post(url("income_edit", report.pk, "cost_add"), {"description": "场地保洁", "amount": "200"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.gross, report.costs, report.net) == (Decimal("1200.50"), Decimal("200.00"), Decimal("1000.50"))
    item = IncomeItem.objects.get(report=report)
    response = c.post(url("income_edit_line", report.pk, "item_delete", item.pk), **HTMX)
    assert response.status_code == 200 and not IncomeItem.objects.filter(report=report).exists()
    assert IncomeEvent.objects.filter(report=report, action="edit").count() == 3
    assert c.get(url("income_edit", report.pk, "item_add")).status_code == 405


def test_use_form_requires_the_decision(world, login):
    report = draft(world)
    c = login(world.users["manager_a"])
    response = c.post(url("income_edit", report.pk, "use"), {"use": "owners_decision"}, **HTMX)
    assert response.status_code == 400 and "决定文号" in response.content.decode()
    response = c.post(url("income_edit", report.pk, "use"), {"use": "owners_decision",
                                                              "decision_ref": "2025 年第 2 次业主大会决定"}, **HTMX)
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.decision_ref == "2025 年第 2 次业主大会决定"


def test_parking_fill_button(world, login):
    rs.parking_create(actor=world.users["city"], estate=world.estate_a, number="D-01", kind="common_road",
                      ownership="common", disposal="rented", monthly_rent=Decimal("220.00"))
    report = draft(world, parking=None)
    c = login(world.users["manager_a"])
    assert "1 个已出租的共有道路车位" in c.get(url("income_detail", report.pk)).content.decode()
    response = c.post(url("income_edit", report.pk, "parking"), **HTMX)
    assert response.status_code == 200 and IncomeItem.objects.get(report=report, from_parking=True).amount == Decimal(
        "2640.00")


def test_edits_refused_to_others_and_after_submission(world, login):
    report = draft(world)
    for who in ("committee", "street"):
        r = login(world.users[who]).post(url("income_edit", report.pk, "item_add"), {"source": "venue", "amount": "1"})
        assert r.status_code == 403
    assert login(world.users["manager_b"]).post(url("income_edit", report.pk, "item_add"),
                                                {"source": "venue", "amount": "1"}).status_code == 404
    inc.income_report_submit(actor=world.users["manager_a"], report=report)
    r = login(world.users["manager_a"]).post(url("income_edit", report.pk, "item_add"),
                                              {"source": "venue", "amount": "1"}, **HTMX)
    assert r.status_code == 400 and "不能修改" in r.content.decode()
    assert IncomeItem.objects.filter(report=report).count() == 2
    assert login(world.users["manager_a"]).post(url("income_edit", report.pk, "nope")).status_code == 404


# ---- actions -----------------------------------------------------------------------------------------


def test_submit_confirm_through_the_pages(world, login):
    add_units(world, 3, area="90.00")
    report = draft(world)
    response = login(world.users["manager_a"]).post(url("income_act", report.pk, "submit"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    c = login(world.users["committee"])
    assert 'data-testid="confirm"' in c.get(url("income_detail", report.pk)).content.decode()
    assert c.post(url("income_act", report.pk, "confirm"), {"note": "已核对"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "published" and IncomeShare.objects.filter(report=report).count() == 4
    body = c.get(url("income_detail", report.pk)).content.decode()
    assert 'data-testid="shares"' in body and "3-2-100" in body
    assert list(IncomeEvent.objects.filter(report=report).values_list("action", flat=True))[-2:] == ["submit", "confirm"]
    assert c.get(url("income_act", report.pk, "confirm")).status_code == 405


def test_actions_refused_to_the_wrong_people(world, login):
    report = submitted(world)
    assert login(world.users["manager_a"]).post(url("income_act", report.pk, "confirm")).status_code == 403
    assert login(world.users["street"]).post(url("income_act", report.pk, "confirm")).status_code == 403
    assert login(world.users["manager_b"]).post(url("income_act", report.pk, "confirm")).status_code == 404
    assert login(world.users["committee"]).post(url("income_act", report.pk, "bogus")).status_code == 404
    report.refresh_from_db()
    assert report.status == "submitted"
    # return without a reason: told, nothing changes
    response = login(world.users["committee"]).post(url("income_act", report.pk, "return"), {"note": ""}, follow=True)
    assert "请填写" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"


# ---- overdue ------------------------------------------------------------------------------------------


def test_overdue_list_for_officials(world, login, django_assert_max_num_queries):
    c = login(world.users["city"])
    body = c.get(url("income_overdue")).content.decode()
    assert "幸福里小区" in body and "翠湖花园" in body
    body = login(world.users["district"]).get(url("income_overdue")).content.decode()
    assert "幸福里小区" in body and "翠湖花园" not in body
    published(world, period=(date(timezone.localdate().year - 1, 1, 1), date(timezone.localdate().year - 1, 12, 31)))
    body = login(world.users["district"]).get(url("income_overdue")).content.decode()
    assert "幸福里小区" not in body.split("overdue-table")[-1]
    for who in ("manager_a", "committee", "resident"):
        assert login(world.users[who]).get(url("income_overdue")).status_code == 403
    c = login(world.users["city"])
    c.get(url("income_overdue"))
    with django_assert_max_num_queries(12) as ctx:
        c.get(url("income_overdue"))
    few = len(ctx.captured_queries)
    for i in range(5):
        rs.estate_create(actor=world.users["city"], name=f"新建小区{i}", address="某路", community=world.c1)
    with django_assert_max_num_queries(few):
        assert c.get(url("income_overdue")).status_code == 200
    assert c.post(url("income_overdue")).status_code == 405


# ---- the public page -----------------------------------------------------------------------------------


def test_public_page_for_anyone_without_personal_data(world, client):
    add_units(world, 3, area="90.00")
    report = published(world)
    response = client.get(url("income_public", report.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "139,200.00" in body and "127,200.00" in body and "电梯广告" in body and "共有道路停车" in body
    assert 'id="wy-chart"' in body and "wy-income-data" in body and 'data-testid="per-m2"' in body
    assert "王秀英" not in body and "3-1-101" not in body and 'data-testid="my-shares"' not in body
    assert 'data-testid="login-hint"' in body


def test_public_page_404_unless_published(world, client):
    report = submitted(world)
    assert client.get(url("income_public", report.pk)).status_code == 404
    assert client.get(url("income_public", 99999)).status_code == 404


def test_owner_sees_own_share_with_the_calculation(world, login):
    add_units(world, 3, area="90.00")
    report = published(world)
    share = IncomeShare.objects.get(report=report, unit=world.unit_a)
    body = login(world.users["resident"]).get(url("income_public", report.pk)).content.decode()
    assert 'data-testid="my-shares"' in body and "3-1-101" in body and f"{share.amount:,}" in body
    assert "89.50 m²" in body and 'data-testid="objection-form"' in body
    other = login(world.users["committee"]).get(url("income_public", report.pk)).content.decode()
    assert 'data-testid="my-shares"' not in other and 'data-testid="objection-form"' not in other


def test_owner_objects_and_gets_a_tracking_code(world, login):
    report = published(world)
    c = login(world.users["resident"])
    response = c.post(url("income_public", report.pk), {"text": "停车收入偏低，小区道路有四十多个车位"})
    assert response.status_code == 302
    obj = IncomeObjection.objects.get()
    assert obj.complaint is not None and Complaint.objects.count() == 1
    body = c.get(url("income_public", report.pk)).content.decode()
    assert obj.complaint.tracking_code in body
    short = c.post(url("income_public", report.pk), {"text": "短"})
    assert short.status_code == 400 and IncomeObjection.objects.count() == 1
    # the company sees the objection and its complaint on the report page
    assert obj.complaint.tracking_code in login(world.users["manager_a"]).get(
        url("income_detail", report.pk)).content.decode()


def test_objections_refused_to_non_owners(world, login, client):
    report = published(world)
    r = client.post(url("income_public", report.pk), {"text": "停车收入偏低，请核实"})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert login(world.users["committee"]).post(url("income_public", report.pk),
                                                {"text": "停车收入偏低，请核实"}).status_code == 403
    IncomeReport.objects.filter(pk=report.pk).update(public_until=timezone.localdate() - timedelta(days=1))
    r = login(world.users["resident"]).post(url("income_public", report.pk), {"text": "停车收入偏低，请核实"})
    assert r.status_code == 400 and "不在公示期" in r.content.decode()
    assert not IncomeObjection.objects.exists()
    assert login(world.users["resident"]).put(url("income_public", report.pk)).status_code == 405


def test_public_page_queries_do_not_grow_with_units(world, client, django_assert_max_num_queries):
    report = published(world)
    client.get(url("income_public", report.pk))
    with django_assert_max_num_queries(10) as ctx:
        client.get(url("income_public", report.pk))
    few = len(ctx.captured_queries)
    other = published(world, period=(date(2024, 1, 1), date(2024, 12, 31)))
    add_units(world, 20)
    with django_assert_max_num_queries(few):
        client.get(url("income_public", other.pk))


# ---- the estate panel -------------------------------------------------------------------------------


def test_estate_panel_lists_published_reports_in_two_queries(world, django_assert_max_num_queries):
    tpl = Template("{% load income_panels %}{% income_public_panel estate %}")
    with django_assert_max_num_queries(2):
        html = tpl.render(Context({"estate": world.estate_a}))
    assert "尚未公示公共收益" in html
    report = published(world)
    draft(world, period=(date(2024, 1, 1), date(2024, 12, 31)))
    with django_assert_max_num_queries(2):
        html = tpl.render(Context({"estate": world.estate_a}))
    assert url("income_public", report.pk) in html and "127,200.00" in html and html.count("<li") == 1


def test_periods_of_the_helpers():
    assert LAST_YEAR[0].year == LAST_YEAR[1].year


def test_detail_query_count_does_not_grow_with_units_or_events(world, login, django_assert_max_num_queries):
    report = published(world)
    c = login(world.users["committee"])
    c.get(url("income_detail", report.pk))
    with django_assert_max_num_queries(25) as ctx:
        c.get(url("income_detail", report.pk))
    few = len(ctx.captured_queries)
    add_units(world, 60)
    other = published(world, period=(date(2024, 1, 1), date(2024, 12, 31)))
    inc.income_objection_file(user=world.users["resident"], report=other, text="停车收入偏低，请核实")
    with django_assert_max_num_queries(few + 1):  # one of slack; shares are paginated, objections one query
        body = c.get(url("income_detail", other.pk)).content.decode()
    assert body.count("<tr>") >= 50 and "共 61 条" in body
