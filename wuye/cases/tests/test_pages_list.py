"""The officers' list of complaints (/complaints/) and its CSV / Excel export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from wuye.cases.models import Category, Complaint, Source, Status
from wuye.core.models import AuditAction, AuditLog

from .conftest import act, file

LIST = "/complaints/"


def _codes(response) -> set[str]:
    return {c.tracking_code for c in response.context["rows"]}


@pytest.fixture
def spread(cworld):
    """Complaints in both districts, one confidential clue report, in several states."""
    u = cworld.users
    out = {
        "a_new": file(cworld, description="垃圾桶没人清理"),
        "a_sent": file(cworld, "elevator", description="电梯困人"),
        "a_clue": file(cworld, "gang_clues", description="有人强收停车费并威胁业主"),
        "b_new": file(cworld, estate=cworld.estate_b, description="翠湖花园停车收费过高"),
        "a_hotline": file(cworld, "parking_fees", description="停车收费不公示", source=Source.HOTLINE_12345,
                          source_ticket="12345-0001"),
    }
    act(u["city"], out["a_sent"], "dispatch")
    act(u["city"], out["a_hotline"], "accept")
    return out


def test_city_desk_sees_the_whole_city_with_clue_reports(cworld, spread, login, client):
    login(cworld.users["city"])
    r = client.get(LIST)
    assert r.status_code == 200
    assert _codes(r) == {c.tracking_code for c in spread.values()}
    html = r.content.decode()
    assert "保密" in html and "全市诉求" in html and "导出 Excel" in html


@pytest.mark.parametrize("persona, expected", [
    ("district", {"a_new", "a_sent", "a_hotline"}),
    ("district2", {"b_new"}),
    ("street", {"a_new", "a_sent", "a_hotline"}),
    ("community", {"a_new", "a_sent", "a_hotline"}),
    ("manager_a", {"a_sent"}),
    ("staff_a", {"a_sent"}),
    ("manager_b", set()),
    ("department", set()),
    ("police", {"a_clue"}),
])
def test_each_role_sees_its_own_scope(cworld, spread, login, client, persona, expected):
    login(cworld.users[persona])
    r = client.get(LIST)
    assert r.status_code == 200
    assert _codes(r) == {spread[k].tracking_code for k in expected}


@pytest.mark.parametrize("params, expected", [
    ({"status": "submitted"}, {"a_new", "a_clue", "b_new"}),
    ({"status": "open"}, {"a_new", "a_sent", "a_clue", "b_new", "a_hotline"}),
    ({"status": "closed"}, set()),
    ({"source": "12345"}, {"a_hotline"}),
    ({"q": "停车"}, {"b_new", "a_hotline", "a_clue"}),
    ({"q": "停车 公示"}, {"a_hotline"}),
    ({"q": "电梯"}, {"a_sent"}),
    ({"level": "any"}, {"a_sent"}),
    ({"overdue": "1"}, {"a_new"}),
])
def test_filters(cworld, spread, login, client, params, expected):
    act(cworld.users["city"], spread["a_sent"], "supervise", level=1)
    Complaint.objects.filter(pk=spread["a_new"].pk).update(accept_overdue=True)
    login(cworld.users["city"])
    r = client.get(LIST, params)
    assert r.status_code == 200
    assert _codes(r) == {spread[k].tracking_code for k in expected}


def test_category_district_street_and_date_filters(cworld, spread, login, client):
    login(cworld.users["city"])
    lift = Category.objects.get(code="elevator")
    assert _codes(client.get(LIST, {"category": lift.pk})) == {spread["a_sent"].tracking_code}
    assert _codes(client.get(LIST, {"district": cworld.d2.pk})) == {spread["b_new"].tracking_code}
    r = client.get(LIST, {"district": cworld.d1.pk, "street": cworld.s1.pk})
    assert spread["b_new"].tracking_code not in _codes(r) and len(_codes(r)) == 4
    assert "东华门街道" in r.content.decode()  # the street picker lists the district's streets
    Complaint.objects.filter(pk=spread["a_new"].pk).update(created_at=timezone.now() - timedelta(days=40))
    old = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert _codes(client.get(LIST, {"date_to": old})) == {spread["a_new"].tracking_code}
    assert spread["a_new"].tracking_code not in _codes(client.get(LIST, {"date_from": old}))
    # A mistyped id in the address bar is ignored.
    assert client.get(LIST, {"district": "abc"}).status_code == 200


def test_a_district_cannot_widen_its_scope_with_the_district_filter(cworld, spread, login, client):
    login(cworld.users["district"])
    r = client.get(LIST, {"district": cworld.d2.pk})
    assert spread["b_new"].tracking_code not in _codes(r)
    assert "district" not in r.context["filter_form"].fields
    r = client.get(LIST, {"street": cworld.s2.pk})
    assert _codes(r) == set()


def test_sorting(cworld, spread, login, client):
    login(cworld.users["city"])
    Complaint.objects.filter(pk=spread["a_new"].pk).update(created_at=timezone.now() - timedelta(days=3))
    newest = [c.tracking_code for c in client.get(LIST).context["rows"]]
    assert newest[-1] == spread["a_new"].tracking_code
    oldest = [c.tracking_code for c in client.get(LIST, {"sort": "created"}).context["rows"]]
    assert oldest[0] == spread["a_new"].tracking_code
    act(cworld.users["city"], spread["a_new"], "dispatch")
    r = client.get(LIST, {"sort": "due"})
    rows = r.context["rows"]
    dues = [c.resolve_due for c in rows if c.resolve_due]
    assert dues == sorted(dues) and rows[0].resolve_due is not None and rows[-1].resolve_due is None
    assert r.context["current_status"] == "open"  # deadlines are about open complaints
    # Sorting finished complaints by deadline falls back to newest first.
    assert client.get(LIST, {"sort": "due", "status": "closed"}).context["sort"] == "-created"


def test_counts_by_status(cworld, spread, login, client):
    login(cworld.users["city"])
    r = client.get(LIST)
    counts = {code: n for code, _label, n in r.context["counts"]}
    assert counts["submitted"] == 3 and counts["dispatched"] == 1 and counts["accepted"] == 1
    assert "closed" not in counts and "refused" not in counts  # finished states are not counted
    login(cworld.users["district2"])
    counts = {code: n for code, _label, n in client.get(LIST).context["counts"]}
    assert counts["submitted"] == 1 and counts["dispatched"] == 0


def test_list_keeps_a_constant_number_of_queries(cworld, login, client, django_assert_num_queries):
    for _i in range(3):
        act(cworld.users["city"], file(cworld), "dispatch")
    login(cworld.users["district"])
    params = {"status": "dispatched", "q": "垃圾", "sort": "due"}
    client.get(LIST, params)  # warm-up
    with CaptureQueriesContext(connection) as small:
        r = client.get(LIST, params)
    assert len(r.context["rows"]) == 3
    for _i in range(9):
        act(cworld.users["city"], file(cworld), "dispatch")
    with django_assert_num_queries(len(small.captured_queries)):
        r = client.get(LIST, params)
    assert len(r.context["rows"]) == 12


def test_htmx_partial_and_empty_states(cworld, login, client):
    login(cworld.users["district"])
    r = client.get(LIST)
    assert "您的数据范围内还没有诉求" in r.content.decode()
    r = client.get(LIST, {"q": "电梯"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="wy-list")
    html = r.content.decode()
    assert html.lstrip().startswith('<div id="wy-list"') and "没有符合条件的诉求" in html


def test_wrong_method_and_refused_roles(cworld, login, client):
    assert client.get(LIST)["Location"].startswith("/accounts/login/")
    login(cworld.users["city"])
    assert client.post(LIST).status_code == 405
    for persona in ("resident", "committee", "sysadmin", "auditor", "outsider"):
        login(cworld.users[persona])
        before = AuditLog.objects.filter(action=AuditAction.DENIED).count()
        assert client.get(LIST).status_code == 403, persona
        assert AuditLog.objects.filter(action=AuditAction.DENIED).count() == before + 1


# ---- export ------------------------------------------------------------------------------------


def test_excel_export_is_masked_filtered_and_audited(cworld, spread, login, client):
    login(cworld.users["district"])
    r = client.get(LIST, {"export": "xlsx", "q": "停车"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "查询码" and "联系电话" in rows[0]
    assert [row[0] for row in rows[1:]] == [spread["a_hotline"].tracking_code]
    phone = rows[1][rows[0].index("联系电话")]
    assert phone == "138****5678"
    assert "13812345678" not in "".join(str(v) for row in rows for v in row if v)
    log = AuditLog.objects.filter(action=AuditAction.EXPORT, object_type="cases.complaint").get()
    assert log.actor_username == "p_district"
    assert "导出诉求 1 条" in log.detail and "关键词=停车" in log.detail and "XLSX" in log.detail


def test_csv_export_is_masked_and_audited(cworld, spread, login, client):
    login(cworld.users["city"])
    r = client.get(LIST, {"export": "csv", "status": "submitted"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"]
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "查询码"
    assert {row[0] for row in rows[1:]} == {spread[k].tracking_code for k in ("a_new", "a_clue", "b_new")}
    assert "13812345678" not in text and "138****5678" in text
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, detail__contains="导出诉求 3 条").count() == 1


def test_csv_cells_never_start_a_formula(cworld, login, client):
    file(cworld, title="=HYPERLINK(\"http://x\")", description="=1+1 公式注入")
    login(cworld.users["city"])
    text = b"".join(client.get(LIST, {"export": "csv"}).streaming_content).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[9].startswith("'=") and row[10].startswith("'=")


def test_export_over_the_cap_is_refused_with_a_message(cworld, spread, login, client, settings):
    settings.WUYE_EXPORT_MAX_ROWS = 2
    login(cworld.users["city"])
    r = client.get(LIST, {"export": "xlsx"}, follow=True)
    assert "超过 2 条" in [str(m) for m in r.context["messages"]][0]
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_company_export_hides_anonymous_names(cworld, login, client):
    c = file(cworld, anonymous=True)
    act(cworld.users["city"], c, "dispatch")
    login(cworld.users["manager_a"])
    text = b"".join(client.get(LIST, {"export": "csv"}).streaming_content).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[16] == "匿名" and row[17] == "138****5678" and "王" not in text.split("\n", 1)[1]
    assert str(Status.DISPATCHED.label) in text
