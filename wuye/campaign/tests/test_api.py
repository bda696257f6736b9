"""The campaign API contract (issue 16 §12): plans, tasks, reports; scope; Chinese 400s."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from wuye.campaign.models import Report, ReportEvent, Task, TaskEvent
from wuye.core.models import AuditLog

pytestmark = pytest.mark.django_db


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def _task(world, **extra):
    body = {"number": "1", "title": "老旧楼院加装封闭设施", "content": "全市完成加装封闭设施",
            "lead": {"kind": "department", "id": world.city_dept.pk},
            "co_units": [{"kind": "district", "id": world.d1.pk}, {"kind": "street", "id": world.s2.pk}],
            "due_date": f"{world.year}-12-31", "rhythm": "month", **extra}
    r = api(world.users["city"]).post(f"/api/v1/plans/{world.plan.pk}/tasks/", body, format="json")
    assert r.status_code == 201, r.content
    return r.json()


def test_plan_create_is_city_only(camp):
    r = api(camp.users["city"]).post("/api/v1/plans/", {"year": 2020, "title": "2020年工作方案"}, format="json")
    assert r.status_code == 201 and r.json()["id"] and r.json()["year"] == 2020
    assert AuditLog.objects.filter(object_type="campaign.plan", object_id=str(r.json()["id"])).exists()
    for who in ("district", "city_dept", "manager_a"):
        assert api(camp.users[who]).post("/api/v1/plans/", {"year": 2020, "title": "x"}, format="json").status_code == 403
    listed = api(camp.users["city"]).get("/api/v1/plans/").json()
    assert {p["year"] for p in listed["results"]} >= {2020, camp.year}


def test_task_create_and_detail(camp):
    t = _task(camp)
    assert t["id"] and t["status"] == "not_started"
    assert t["lead"] == {"kind": "department", "id": camp.city_dept.pk, "name": "市城市管理委员会"}
    assert [u["kind"] for u in t["co_units"]] == ["district", "street"]
    assert t["due_date"] == f"{camp.year}-12-31" and t["reports"] == [] and "progress" not in t
    got = api(camp.users["city"]).get(f"/api/v1/tasks/{t['id']}/").json()
    assert set(got) >= {"id", "status", "lead", "co_units", "due_date", "reports"}
    assert TaskEvent.objects.filter(task_id=t["id"], action="create").count() == 1
    assert AuditLog.objects.filter(object_type="campaign.task", object_id=str(t["id"])).exists()


def test_task_with_target_has_progress(camp):
    t = _task(camp, target={"quantity": 900, "by_district": [{"district": camp.d1.pk, "quota": 500},
                                                            {"district": camp.d2.pk, "quota": 400}]})
    assert t["progress"] == {"done": 0, "quantity": 900, "by_district": [
        {"district": camp.d1.pk, "done": 0, "quota": 500}, {"district": camp.d2.pk, "done": 0, "quota": 400}]}


def test_task_with_platform_indicator(camp):
    t = _task(camp, indicator="inspection_coverage", target={"quantity": 90, "by_district": []})
    assert "progress" in t and t["progress"]["quantity"] == 90
    bad = api(camp.users["city"]).post(f"/api/v1/plans/{camp.plan.pk}/tasks/", {
        "number": "9", "title": "x", "lead": {"kind": "district", "id": camp.d1.pk}, "due_date": f"{camp.year}-12-31",
        "indicator": "no_such_thing"}, format="json")
    assert bad.status_code == 400 and "平台指标" in str(bad.json())


@pytest.mark.parametrize(("body", "text"), [
    ({"lead": None}, "牵头单位"),
    ({"lead": "__drop__"}, "牵头单位"),
    ({"due_date": "2000-12-31"}, "不能早于方案年度"),
    ({"rhythm": "weekly"}, "报送节奏"),
    ({"lead": {"kind": "department", "id": 999999}}, "有效的单位"),
])
def test_task_bad_input_is_chinese_400(camp, body, text):
    payload = {"number": "2", "title": "任务", "lead": {"kind": "district", "id": camp.d1.pk},
               "due_date": f"{camp.year}-12-31", "rhythm": "month"}
    payload.update(body)
    if payload["lead"] == "__drop__":
        del payload["lead"]
    r = api(camp.users["city"]).post(f"/api/v1/plans/{camp.plan.pk}/tasks/", payload, format="json")
    assert r.status_code == 400 and text in r.content.decode()
    assert not Task.objects.filter(number="2").exists()


def test_task_create_not_office(camp):
    _task(camp)  # the district sees the plan through its co-unit share
    r = api(camp.users["district"]).post(f"/api/v1/plans/{camp.plan.pk}/tasks/", {}, format="json")
    assert r.status_code == 403
    r = api(camp.users["manager_a"]).post(f"/api/v1/plans/{camp.plan.pk}/tasks/", {}, format="json")
    assert r.status_code == 404


def test_scope_of_tasks(camp):
    t = _task(camp)
    seen = {who: [x["id"] for x in api(camp.users[who]).get("/api/v1/tasks/").json()["results"]]
            for who in ("city", "city_dept", "gas", "district", "district2", "street", "department", "manager_a")}
    assert seen["city"] == [t["id"]]
    assert seen["city_dept"] == [t["id"]]   # lead
    assert seen["district"] == [t["id"]]    # co-unit
    assert seen["district2"] == [t["id"]]   # its street s2 is a co-unit
    for who in ("gas", "street", "department", "manager_a"):
        assert seen[who] == [], who
        assert api(camp.users[who]).get(f"/api/v1/tasks/{t['id']}/").status_code == 404


def test_report_flow_co_lead_office(camp):
    t = _task(camp)
    month = timezone.localdate().isoformat()[:7]
    # the co-unit (district 1) reports to the lead
    r = api(camp.users["district"]).post(f"/api/v1/tasks/{t['id']}/reports/", {"period": month, "text": "东城区完成30个"},
                                         format="json")
    assert r.status_code == 201, r.content
    co = r.json()
    assert co["role"] == "co" and co["status"] == "submitted"
    # the office cannot accept a co-unit's report; the lead consolidates it
    assert api(camp.users["city"]).post(f"/api/v1/task-reports/{co['id']}/accept/").status_code == 400
    assert api(camp.users["city_dept"]).post(f"/api/v1/task-reports/{co['id']}/consolidate/").status_code == 200
    # the lead reports; the office returns it with a reason, the lead reports again, accepted
    lead = api(camp.users["city_dept"]).post(f"/api/v1/tasks/{t['id']}/reports/", {"period": month, "text": "全市完成30个"},
                                             format="json").json()
    assert lead["role"] == "lead"
    assert api(camp.users["city"]).post(f"/api/v1/task-reports/{lead['id']}/return/", {}, format="json").status_code == 400
    assert api(camp.users["city"]).post(f"/api/v1/task-reports/{lead['id']}/return/", {"reason": "请补充数据"},
                                        format="json").status_code == 200
    detail = api(camp.users["city"]).get(f"/api/v1/tasks/{t['id']}/").json()
    assert detail["status"] == "behind"
    again = api(camp.users["city_dept"]).post(f"/api/v1/tasks/{t['id']}/reports/", {"period": month, "text": "全市完成32个，附明细"},
                                              format="json")
    assert again.status_code == 201 and again.json()["id"] == lead["id"] and again.json()["status"] == "submitted"
    assert api(camp.users["city"]).post(f"/api/v1/task-reports/{lead['id']}/accept/").status_code == 200
    report = Report.objects.get(pk=lead["id"])
    assert report.status == "accepted" and report.text == "全市完成32个，附明细"
    assert list(ReportEvent.objects.filter(report=report).values_list("action", flat=True)) == [
        "submit", "return", "resubmit", "accept"]
    assert "全市完成30个" in ReportEvent.objects.get(report=report, action="resubmit").note  # nothing lost
    assert AuditLog.objects.filter(object_type="campaign.report", object_id=str(report.pk)).count() >= 4
    detail = api(camp.users["city"]).get(f"/api/v1/tasks/{t['id']}/").json()
    assert detail["status"] == "on_track" and len(detail["reports"]) == 2


def test_report_permissions(camp):
    t = _task(camp)
    month = timezone.localdate().isoformat()[:7]
    body = {"period": month, "text": "进展"}
    # not able to see the task: 404
    for who in ("gas", "manager_a", "street", "resident"):
        assert api(camp.users[who]).post(f"/api/v1/tasks/{t['id']}/reports/", body, format="json").status_code == 404
    # sees the task but is not responsible: a Chinese 400
    r = api(camp.users["city"]).post(f"/api/v1/tasks/{t['id']}/reports/", body, format="json")
    assert r.status_code == 400 and "不是该任务的牵头或配合单位" in r.content.decode()
    r = api(camp.users["district2"]).post(f"/api/v1/tasks/{t['id']}/reports/", body, format="json")
    assert r.status_code == 400
    assert not Report.objects.exists()
    # a bad period
    r = api(camp.users["district"]).post(f"/api/v1/tasks/{t['id']}/reports/", {"period": "2020/3", "text": "x"},
                                         format="json")
    assert r.status_code == 400 and "YYYY-MM" in r.content.decode()
    # twice the same period while the first waits: refused
    assert api(camp.users["district"]).post(f"/api/v1/tasks/{t['id']}/reports/", body, format="json").status_code == 201
    r = api(camp.users["district"]).post(f"/api/v1/tasks/{t['id']}/reports/", body, format="json")
    assert r.status_code == 400 and "不能重复报送" in r.content.decode()
    # only the lead consolidates; another co-unit's user gets 404 or 400
    rid = Report.objects.get().pk
    assert api(camp.users["district"]).post(f"/api/v1/task-reports/{rid}/consolidate/").status_code == 400
    assert api(camp.users["gas"]).post(f"/api/v1/task-reports/{rid}/consolidate/").status_code == 404


def test_target_progress_from_reports(camp):
    t = _task(camp, target={"quantity": 100, "by_district": [{"district": camp.d1.pk, "quota": 60},
                                                            {"district": camp.d2.pk, "quota": 40}]})
    month = timezone.localdate().isoformat()[:7]
    rid = api(camp.users["district"]).post(f"/api/v1/tasks/{t['id']}/reports/", {
        "period": month, "text": "完成20个", "quantity_done": 20}, format="json").json()["id"]
    api(camp.users["city_dept"]).post(f"/api/v1/task-reports/{rid}/consolidate/")
    p = api(camp.users["city"]).get(f"/api/v1/tasks/{t['id']}/").json()["progress"]
    assert p["done"] == 20 and p["by_district"][0] == {"district": camp.d1.pk, "done": 20, "quota": 60}
