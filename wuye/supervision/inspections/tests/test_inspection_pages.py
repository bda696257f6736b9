"""The inspection and rectification pages (issue 4 §3–5, §12–13): who sees what, the mobile form,
lists with filters and Excel export in a fixed number of queries, the order actions, photos and
the panels on the estate and company pages."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from wuye.core.models import AuditLog
from wuye.supervision.models import (
    Inspection,
    InspectionPhoto,
    OrderEvent,
    RectificationEvidence,
    RectificationOrder,
)
from wuye.supervision.tests.inspection_support import (  # noqa: F401
    drawn_inspection,
    inspector_user_of,
    items,
    iworld,
    make_plan,
    png,
    record,
)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _more_inspections(iw, n: int):
    from wuye.supervision.inspections import services as si

    for k in range(n):
        plan = make_plan(iw, name=f"检查计划 {k}")
        si.draw_create(actor=iw.w.users["district"], plan=plan, seed=f"more-{k}")
        record(Inspection.objects.get(plan=plan), deductions={"BJ03": 1}, defects={"BJ03": f"问题 {k}"})


# ---- the inspection form -----------------------------------------------------------------------------------


def test_inspector_records_through_the_mobile_form(client, login, iworld):  # noqa: F811
    insp = drawn_inspection(iworld)
    user = inspector_user_of(insp)
    login(user)
    tasks = client.get(reverse("supervision:inspector_tasks")).content.decode()
    assert reverse("supervision:inspection_record", args=[insp.pk]) in tasks
    url = reverse("supervision:inspection_record", args=[insp.pk])
    r = client.get(url)
    body = r.content.decode()
    assert r.status_code == 200 and body.count('data-testid="item"') == 47 and "按满分计" in body
    by_code = items(insp)
    post = {"version": insp.version, "inspected_on": "2026-11-05", "summary": "总体良好", "action": "submit",
            f"deduction_{by_code['BJ03'].pk}": "2", f"defect_{by_code['BJ03'].pk}": "1",
            f"note_{by_code['BJ03'].pk}": "垃圾桶周边散落", f"na_{by_code['LH04'].pk}": "1",
            f"photos_{by_code['BJ03'].pk}": [png("a.png"), png("b.png")]}
    r = client.post(url, post)
    assert r.status_code == 302 and r["Location"] == reverse("supervision:inspection_detail", args=[insp.pk])
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.RECTIFYING and str(insp.total_score) == "98.00"
    assert str(insp.inspected_on) == "2026-11-05" and insp.summary == "总体良好"
    assert InspectionPhoto.objects.filter(inspection=insp, item__code="BJ03").count() == 2
    assert RectificationOrder.objects.filter(inspection=insp).count() == 1
    detail = client.get(r["Location"]).content.decode()
    assert 'data-testid="total"' in detail and "98" in detail and "垃圾桶周边散落" in detail
    # After submission the form sends the inspector to the result.
    assert client.get(url).status_code == 302


def test_form_keeps_what_was_typed_on_error(client, login, iworld):  # noqa: F811
    insp = drawn_inspection(iworld)
    login(inspector_user_of(insp))
    by_code = items(insp)
    r = client.post(reverse("supervision:inspection_record", args=[insp.pk]), {
        "version": insp.version, "action": "submit", f"deduction_{by_code['JB02'].pk}": "9",
        f"note_{by_code['JB01'].pk}": "服务电话公示牌褪色"})
    body = r.content.decode()
    assert r.status_code == 400 and "0 至 3" in body and "服务电话公示牌褪色" in body and 'value="9"' in body
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.ASSIGNED


def test_save_draft_through_the_form(client, login, iworld):  # noqa: F811
    insp = drawn_inspection(iworld)
    login(inspector_user_of(insp))
    by_code = items(insp)
    url = reverse("supervision:inspection_record", args=[insp.pk])
    r = client.post(url, {"version": insp.version, "action": "save", f"deduction_{by_code['FW02'].pk}": "0.5"})
    assert r.status_code == 302 and r["Location"] == url
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.ASSIGNED and str(insp.total_score) == "99.50"
    assert 'value="0.50"' in client.get(url).content.decode()


def test_only_assigned_inspectors_open_the_form(client, login, iworld):  # noqa: F811
    insp = drawn_inspection(iworld)
    url = reverse("supervision:inspection_record", args=[insp.pk])
    assigned = set(insp.inspectors.values_list("user_id", flat=True))
    other = next(u for u in iworld.inspector_users if u.pk not in assigned)
    login(other)
    assert client.get(url).status_code == 404
    login(iworld.w.users["district"])  # sees the inspection, may not record it
    assert client.get(url).status_code == 403
    login(iworld.w.users["manager_a"])  # cannot even see it before submission
    assert client.get(url).status_code == 404
    assert client.get(reverse("supervision:inspection_detail", args=[insp.pk])).status_code == 404
    login(inspector_user_of(insp))
    assert client.put(url).status_code == 405
    assert AuditLog.objects.filter(action="denied", object_type="supervision.inspection").count() >= 3


# ---- who sees which inspections --------------------------------------------------------------------------------


@pytest.mark.parametrize("who, sees", [
    ("city", True), ("district", True), ("street", True), ("community", True), ("manager_a", True), ("staff_a", True),
    ("district2", False), ("manager_b", False), ("department", False),
])
def test_inspection_detail_visibility(client, login, iworld, who, sees):  # noqa: F811
    insp = record(drawn_inspection(iworld), deductions={"BJ03": 1}, defects={"BJ03": "散落"})
    order = RectificationOrder.objects.get(inspection=insp)
    login(iworld.w.users[who])
    expected = 200 if sees else 404
    assert client.get(reverse("supervision:inspection_detail", args=[insp.pk])).status_code == expected
    assert client.get(reverse("supervision:order_detail", args=[order.pk])).status_code == expected


def test_list_pages_refuse_roles_without_inspections(client, login, iworld):  # noqa: F811
    for who in ("resident", "committee", "outsider"):
        login(iworld.w.users[who])
        assert client.get(reverse("supervision:inspection_list")).status_code == 403
        assert client.get(reverse("supervision:order_list")).status_code == 403


def test_inspection_list_filters_and_queries_do_not_grow(client, login, iworld):  # noqa: F811
    record(drawn_inspection(iworld), deductions={"BJ03": 1}, defects={"BJ03": "散落"})
    login(iworld.w.users["district"])
    url = reverse("supervision:inspection_list")
    one = _count(client, url)
    _more_inspections(iworld, 3)
    assert _count(client, url) == one
    body = client.get(url, {"status": "rectifying"}).content.decode()
    assert body.count('data-testid="row"') == 4
    assert client.get(url, {"status": "concluded"}).content.decode().count('data-testid="row"') == 0
    assert client.get(url, {"q": "幸福里"}).content.decode().count('data-testid="row"') == 4
    assert client.get(url, {"company": iworld.w.company_b.pk}).content.decode().count('data-testid="row"') == 0
    assert client.get(url, {"date_from": "2999-01-01"}).content.decode().count('data-testid="row"') == 0
    assert client.post(url).status_code == 405
    partial = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="wy-results").content.decode()
    assert partial.lstrip().startswith('<div id="wy-results">')


def test_inspection_export_is_audited(client, login, iworld):  # noqa: F811
    record(drawn_inspection(iworld), deductions={"BJ03": 1})
    login(iworld.w.users["city"])
    r = client.get(reverse("supervision:inspection_list"), {"export": "xlsx"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.values)
    assert rows[0][0] == "小区" and rows[1][0] == iworld.w.estate_a.name and rows[1][8] == 99
    assert AuditLog.objects.filter(action="export", object_type="supervision.inspection").exists()


def test_plan_progress_bar(client, login, iworld):  # noqa: F811
    insp = drawn_inspection(iworld)
    login(iworld.w.users["district"])
    url = reverse("supervision:plan_detail", args=[insp.plan_id])
    assert 'aria-valuenow="0"' in client.get(url).content.decode()
    record(insp)
    assert 'aria-valuenow="100"' in client.get(url).content.decode()


# ---- orders ------------------------------------------------------------------------------------------------------


@pytest.fixture
def with_order(iworld):  # noqa: F811
    insp = record(drawn_inspection(iworld), deductions={"BJ03": 1}, defects={"BJ03": "垃圾桶周边散落"})
    return iworld, insp, RectificationOrder.objects.get(inspection=insp)


def test_company_uploads_evidence_and_the_inspector_closes(client, login, with_order):
    iw, insp, order = with_order
    login(iw.w.users["manager_a"])
    page = client.get(reverse("supervision:order_detail", args=[order.pk])).content.decode()
    assert 'data-testid="evidence-form"' in page and 'data-testid="reinspect-form"' not in page
    url = reverse("supervision:order_submit", args=[order.pk])
    assert client.get(url).status_code == 405
    r = client.post(url, {"version": order.version, "note": "已清理", "files": [png("after.png")]})
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.SUBMITTED
    ev = RectificationEvidence.objects.get(order=order)
    assert client.get(reverse("supervision:order_evidence_file", args=[ev.pk])).status_code == 200
    # The rival company and another district see nothing.
    for who in ("manager_b", "district2"):
        login(iw.w.users[who])
        assert client.get(reverse("supervision:order_evidence_file", args=[ev.pk])).status_code == 404
        assert client.post(reverse("supervision:order_reinspect", args=[order.pk]), {"decision": "close"}).status_code == 404
    # The company may not close its own order.
    login(iw.w.users["manager_a"])
    assert client.post(reverse("supervision:order_reinspect", args=[order.pk]), {"decision": "close"}).status_code == 403
    login(inspector_user_of(insp))
    page = client.get(reverse("supervision:order_detail", args=[order.pk])).content.decode()
    assert 'data-testid="reinspect-form"' in page
    r = client.post(reverse("supervision:order_reinspect", args=[order.pk]), {"decision": "reopen", "note": ""}, follow=True)
    assert "理由" in r.content.decode()
    client.post(reverse("supervision:order_reinspect", args=[order.pk]), {"decision": "close", "note": "已复查",
                                                                           "version": order.version})
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.CLOSED
    assert list(OrderEvent.objects.filter(order=order).values_list("action", flat=True)) == ["issue", "submit", "close"]
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.CONCLUDED


def test_order_list_queries_do_not_grow_and_filters(client, login, with_order):
    iw, insp, order = with_order
    login(iw.w.users["manager_a"])
    url = reverse("supervision:order_list")
    one = _count(client, url)
    _more_inspections(iw, 3)
    assert _count(client, url) == one
    assert client.get(url).content.decode().count('data-testid="row"') == 4
    assert client.get(url, {"q": order.number}).content.decode().count('data-testid="row"') == 1
    assert client.get(url, {"status": "closed"}).content.decode().count('data-testid="row"') == 0
    assert client.get(url, {"plan": insp.plan_id}).content.decode().count('data-testid="row"') == 1
    login(iw.w.users["manager_b"])
    assert client.get(url).content.decode().count('data-testid="row"') == 0


def test_order_export(client, login, with_order):
    iw, insp, order = with_order
    login(iw.w.users["district"])
    r = client.get(reverse("supervision:order_list"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.values)
    assert rows[1][0] == order.number and rows[1][5] == "垃圾桶周边散落"
    assert AuditLog.objects.filter(action="export", object_type="supervision.rectificationorder").exists()


def test_inspection_photos_are_served_to_those_who_see_the_inspection(client, login, iworld):  # noqa: F811
    insp = record(drawn_inspection(iworld), photos={"BJ01": [png()]})
    photo = InspectionPhoto.objects.get(inspection=insp)
    url = reverse("supervision:inspection_photo", args=[photo.pk])
    login(iworld.w.users["street"])
    assert client.get(url).status_code == 200
    login(iworld.w.users["manager_b"])
    assert client.get(url).status_code == 404


# ---- panels on the registry's pages ---------------------------------------------------------------------------------


def test_estate_and_company_pages_show_the_latest_inspection(client, login, with_order):
    iw, insp, order = with_order
    login(iw.w.users["street"])
    estate_url = reverse("registry:estate_detail", args=[iw.w.estate_a.pk])
    body = client.get(estate_url).content.decode()
    assert 'data-testid="inspection-panel"' in body and 'data-testid="latest-score"' in body
    assert "99" in body and "在办整改 1 项" in body
    login(iw.w.users["manager_a"])
    body = client.get(reverse("registry:company_detail", args=[iw.w.company_a.pk])).content.decode()
    assert 'data-testid="latest-score"' in body and "在办整改 1 项" in body
    # The panel's queries do not grow with the inspections.
    login(iw.w.users["street"])
    one = _count(client, estate_url)
    _more_inspections(iw, 3)
    assert _count(client, estate_url) == one
