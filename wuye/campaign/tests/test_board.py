"""The board and task pages (issue 16 item 5), the plan's 责任分工表 in and out of Excel (item 3),
the bulletin summary and the reminders of missing reports (item 4)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from wuye.campaign import services as svc
from wuye.campaign.models import Plan, Report, Task, TaskEvent
from wuye.campaign.reminders import remind_sweep
from wuye.campaign.selectors import task_row, task_summary_for_bulletin
from wuye.cases.models import SupervisionLevel
from wuye.cases.units import get_unit
from wuye.core.models import AuditLog
from wuye.notifications.models import Notification

pytestmark = pytest.mark.django_db


def as_(user) -> Client:
    """A client of its own for each persona (the ``login`` fixture shares one)."""
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def _task(camp, number="1", lead=None, **kw):
    kw.setdefault("due_date", date(camp.year, 12, 31))
    return svc.task_create(actor=camp.users["city"], plan=camp.plan, number=number, title=f"任务{number}",
                           lead=lead or get_unit("department", camp.city_dept.pk),
                           co_units=kw.pop("co_units", [get_unit("district", camp.d1.pk)]), **kw)


def test_board_scope_status_and_chart(camp, django_assert_max_num_queries):
    t1 = _task(camp, quantity=100, quotas=[(camp.d1.pk, 60), (camp.d2.pk, 40)])
    _task(camp, "2", lead=get_unit("department", camp.gas.pk), co_units=[])
    client = as_(camp.users["city"])
    page = client.get("/campaign/")
    html = page.content.decode()
    assert page.status_code == 200 and "任务1" in html and "任务2" in html and "district-chart" in html
    assert "市城市管理委员会" in html and "市燃气集团" in html
    # a member unit sees only its own tasks; the district the tasks its units share
    assert "任务2" not in as_(camp.users["city_dept"]).get("/campaign/").content.decode()
    d = as_(camp.users["district"]).get("/campaign/").content.decode()
    assert "任务1" in d and "任务2" not in d
    assert as_(camp.users["resident"]).get("/campaign/").status_code == 403
    # filters: status, search, unit
    client = as_(camp.users["city"])
    assert "任务1" not in client.get("/campaign/?status=done").content.decode()
    assert "任务2" not in client.get("/campaign/?q=任务1").content.decode()
    assert "任务1" not in client.get(f"/campaign/?unit=department:{camp.gas.pk}").content.decode()
    # queries do not grow with the tasks
    for n in range(3, 13):
        _task(camp, str(n), quantity=10, quotas=[(camp.d1.pk, 10)])
    client = as_(camp.users["city"])  # the test client is shared: log the office in again
    client.get("/campaign/")
    with django_assert_max_num_queries(30):
        assert client.get("/campaign/").status_code == 200
    detail = client.get(f"/campaign/tasks/{t1.pk}/")
    assert detail.status_code == 200 and "东城区" in detail.content.decode()


def test_report_return_and_accept_through_pages(camp):
    t = _task(camp)
    month = timezone.localdate().isoformat()[:7]
    lead = as_(camp.users["city_dept"])
    r = lead.post(f"/campaign/tasks/{t.pk}/report/", {"period": month, "text": "本月完成摸底"})
    assert r.status_code == 302
    report = Report.objects.get()
    office = as_(camp.users["city"])
    assert office.post(f"/campaign/reports/{report.pk}/return/", {"reason": ""}).status_code == 302
    assert Report.objects.get().status == "submitted"  # no reason: refused, nothing changed
    office.post(f"/campaign/reports/{report.pk}/return/", {"reason": "请附照片"})
    assert Report.objects.get().status == "returned"
    page = as_(camp.users["city_dept"]).get(f"/campaign/tasks/{t.pk}/").content.decode()
    assert "请附照片" in page and "report-form" in page
    bad = lead.post(f"/campaign/tasks/{t.pk}/report/", {"period": "三月", "text": "补充照片说明"})
    assert bad.status_code == 400 and "补充照片说明" in bad.content.decode()  # kept
    photo = SimpleUploadedFile("现场.jpg", b"jpeg", content_type="image/jpeg")
    lead.post(f"/campaign/tasks/{t.pk}/report/", {"period": month, "text": "已补充照片", "files": [photo]})
    report.refresh_from_db()
    assert report.status == "submitted" and report.attachments.count() == 1
    office.post(f"/campaign/reports/{report.pk}/accept/")
    assert Report.objects.get().status == "accepted"
    # another unit's user cannot act on it
    assert as_(camp.users["gas"]).post(f"/campaign/reports/{report.pk}/accept/").status_code == 404


def test_task_create_page(camp):
    client = as_(camp.users["city"])
    assert client.get(f"/campaign/plans/{camp.plan.pk}/tasks/new/").status_code == 200
    r = client.post(f"/campaign/plans/{camp.plan.pk}/tasks/new/", {
        "number": "7", "title": "物业企业培训", "lead": f"department:{camp.city_dept.pk}",
        "co_units": [f"district:{camp.d1.pk}", f"street:{camp.s2.pk}"], "due_date": "2000-01-01", "rhythm": "quarter"})
    assert r.status_code == 400 and "不能早于方案年度" in r.content.decode() and "物业企业培训" in r.content.decode()
    r = client.post(f"/campaign/plans/{camp.plan.pk}/tasks/new/", {
        "number": "7", "title": "物业企业培训", "lead": f"department:{camp.city_dept.pk}",
        "co_units": [f"district:{camp.d1.pk}"], "due_date": f"{camp.year}-11-30", "rhythm": "quarter"})
    assert r.status_code == 302 and Task.objects.get(number="7").rhythm == "quarter"
    assert as_(camp.users["district"]).get(f"/campaign/plans/{camp.plan.pk}/tasks/new/").status_code == 403


def _sheet(rows) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "任务内容", "牵头单位", "配合单位", "完成时限", "报送节奏", "量化目标", "平台指标"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("责任分工表.xlsx", buf.getvalue())


def test_plan_excel_round_trip(camp):
    client = as_(camp.users["city"])
    bad = client.post(f"/campaign/plans/{camp.plan.pk}/import/", {"file": _sheet([
        ["1", "加装封闭设施", "全市完成900个", "市城市管理委员会", "东城区、西城区", datetime(camp.year, 12, 31), "按月报送", 900, ""],
        ["2", "培训", "", "没有这个单位", "", "2020-13-01", "每周", "", "满意率"],
    ])})
    text = bad.content.decode()
    assert bad.status_code == 400 and "第 3 行" in text and "找不到单位" in text and "报送节奏" in text
    assert not Task.objects.exists()  # all or nothing
    ok = client.post(f"/campaign/plans/{camp.plan.pk}/import/", {"file": _sheet([
        ["1", "加装封闭设施", "全市完成900个", "市城市管理委员会", "东城区、西城区", datetime(camp.year, 12, 31), "按月报送", 900, ""],
        ["2", "物业服务满意度", "", "市燃气集团", "", f"{camp.year}-12-31", "按季度报送", 85, "投诉满意率"],
    ])})
    assert ok.status_code == 302 and Task.objects.count() == 2
    assert Task.objects.get(number="2").indicator == "satisfaction"
    assert AuditLog.objects.filter(action="import", object_type="campaign.plan").exists()
    export = client.get(f"/campaign/plans/{camp.plan.pk}/export/")
    ws = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "重点任务", "任务内容", "牵头单位")
    assert rows[1][3] == "市城市管理委员会" and rows[1][4] == "东城区住房主管部门、西城区住房主管部门"


def test_task_summary_for_bulletin(camp):
    _task(camp, "1")
    t2 = _task(camp, "2")
    _task(camp, "3", lead=get_unit("department", camp.gas.pk), co_units=[])
    past = svc.plan_create(actor=camp.users["city"], year=camp.year - 1, title="去年方案")
    svc.task_create(actor=camp.users["city"], plan=past, number="1", title="去年任务", lead=get_unit("department", camp.gas.pk),
                    due_date=date(camp.year - 1, 6, 30))
    Task.objects.filter(pk=t2.pk).update(completed_at=timezone.now())
    rows = task_summary_for_bulletin(start=date(camp.year, 1, 1), end=date(camp.year, 12, 31))
    assert [r["unit"].name for r in rows] == ["市城市管理委员会", "市燃气集团"]
    urban = rows[0]
    assert urban["tasks"] == 2 and urban["done"] == 1 and urban["unit"].kind == "department"
    assert set(urban) == {"unit", "tasks", "done", "on_track", "behind", "overdue", "not_started"}
    last_year = task_summary_for_bulletin(start=date(camp.year - 1, 1, 1), end=date(camp.year - 1, 12, 31))
    assert last_year[0]["tasks"] == 1 and last_year[0]["overdue"] == 1


def test_missing_reports_are_reminded_then_supervised(camp):
    plan = Plan.objects.create(year=2020, title="2020年工作方案")
    task = svc.task_create(actor=camp.users["city"], plan=plan, number="1", title="加装封闭设施",
                           lead=get_unit("department", camp.city_dept.pk), due_date=date(2020, 12, 31))
    tz = timezone.get_default_timezone()
    # January 2020's report is due 5 working days after 31 January (Spring Festival: 2020-02-07)
    before = datetime(2020, 2, 7, 12, tzinfo=tz)
    assert remind_sweep(before) == {"raised": 0, "cleared": 0}
    first = datetime(2020, 2, 8, 0, 30, tzinfo=tz)
    assert remind_sweep(first)["raised"] == 1
    task.refresh_from_db()
    assert task.supervision_level == SupervisionLevel.REMIND
    assert remind_sweep(first)["raised"] == 0  # twice: nothing more
    later = first + timedelta(hours=3)
    remind_sweep(later)
    task.refresh_from_db()
    assert task.supervision_level == SupervisionLevel.SUPERVISE
    remind_sweep(later + timedelta(days=30))
    task.refresh_from_db()
    assert task.supervision_level == SupervisionLevel.SUPERVISE  # no further than 督办
    assert list(TaskEvent.objects.filter(task=task, action="escalate").values_list("to_status", flat=True)) == ["1", "2"]
    assert AuditLog.objects.filter(object_type="campaign.task", object_id=str(task.pk), actor_username="system").count() == 2
    assert Notification.objects.filter(user=camp.users["city_dept"], subject__contains="督办").exists()
    assert task_row(task, now=later).status == "behind"


def test_board_rows_kept_briefly_and_fresh_after_every_write(camp, django_assert_num_queries):
    """The board keeps its computed rows (``rowcache``): a second view reads no report, and any
    campaign write — a report filed, returned or accepted — shows on the next view."""
    from wuye.campaign.models import TaskStatus
    from wuye.campaign.selectors import board_rows

    t = _task(camp, quantity=10)
    office = camp.users["city"]
    first = board_rows(office)
    assert [r.report_count for r in first] == [0]
    with django_assert_num_queries(2):  # the tasks and their units; no report, quota or milestone
        again = board_rows(office)
    assert [(r.task.pk, r.status, r.report_count) for r in again] == [(r.task.pk, r.status, 0) for r in first]
    month = timezone.localdate().isoformat()[:7]
    report = svc.report_submit(actor=camp.users["city_dept"], task=t, period=month, text="本月完成 10 处",
                               quantity_done=10)
    assert [r.report_count for r in board_rows(office)] == [1]
    svc.report_accept(actor=office, report=report)
    row = board_rows(office)[0]
    assert row.status == TaskStatus.DONE and row.progress.done == 10
    # another scope is its own entry: the district sees the task through its co-unit
    assert [r.status for r in board_rows(camp.users["district"])] == [TaskStatus.DONE]


def test_indicator_values_outlive_a_campaign_write_but_not_an_invalidation(camp, monkeypatch):
    """A task bound to a platform indicator: a report recomputes the rows without computing the
    indicator again over the city's data; ``rowcache.invalidate()`` (an app that moved it) does."""
    from wuye.campaign import indicators, rowcache
    from wuye.campaign.selectors import board_rows

    calls, value = [], {"done": 7}

    def compute(year, district_ids):
        calls.append((year, tuple(district_ids)))
        return indicators.Value(value["done"], {})

    monkeypatch.setitem(indicators.INDICATORS, "counted", indicators.Indicator("counted", "计数", indicators.Kind.COUNT, compute))
    t = _task(camp, quantity=10, indicator="counted")
    office = camp.users["city"]
    assert board_rows(office)[0].progress.done == 7 and len(calls) == 1
    month = timezone.localdate().isoformat()[:7]
    svc.report_submit(actor=camp.users["city_dept"], task=t, period=month, text="本月完成", quantity_done=3)
    assert [r.report_count for r in board_rows(office)] == [1]  # the rows are new…
    assert len(calls) == 1  # …the indicator's value is kept
    rowcache.invalidate()
    assert board_rows(office)[0].progress.done == 7 and len(calls) == 2
    # the periodic job computes it afresh (each minute): the board reads what it kept
    from wuye.campaign import tasks
    from wuye.campaign.selectors import refresh_indicators

    value["done"] = 9
    assert refresh_indicators() == 1 and len(calls) == 3
    rowcache.bump()  # as after a report
    assert board_rows(office)[0].progress.done == 9 and len(calls) == 3
    assert tasks.campaign_indicators_refresh.call_local() == 1 and len(calls) == 4


def test_complaint_indicators_by_district_in_one_grouped_query(camp, django_assert_num_queries):
    """The on-time and satisfaction indicators read the rollup once for the city and once grouped
    by district; each district's figure equals its own summary, a district without rows has none."""
    from wuye.campaign.indicators import INDICATORS
    from wuye.cases.metrics import Weights
    from wuye.cases.models import UnitMonthStat
    from wuye.cases.selectors_metrics import summary

    month = date(camp.year, 3, 1)
    UnitMonthStat.objects.bulk_create([
        UnitMonthStat(month=month, unit_kind="company", unit_id=i, unit_name=f"企业{i}", district=d, assigned=10,
                      done=n, done_in_time=n - 1, callbacks=n, resolved=n - 2, satisfied=n - 3)
        for i, (d, n) in enumerate([(camp.d1, 10), (camp.d1, 8), (camp.d2, 6)], start=1)
    ])
    weights = Weights.current()
    rows = UnitMonthStat.objects.filter(month__year=camp.year)
    for key, attr in (("complaint_on_time", "completion"), ("satisfaction", "satisfaction")):
        d3 = camp.d2.pk + 1000  # a district without rows
        with django_assert_num_queries(3):  # the weights, the grouped districts, the city
            value = INDICATORS[key].compute(camp.year, [camp.d1.pk, camp.d2.pk, d3])
        assert value.done == getattr(summary(rows, weights), attr)
        assert value.by_district[camp.d1.pk] == getattr(summary(rows.filter(district=camp.d1), weights), attr)
        assert value.by_district[camp.d2.pk] == getattr(summary(rows.filter(district=camp.d2), weights), attr)
        assert value.by_district[d3] is None
        assert value.by_district[camp.d1.pk] != value.by_district[camp.d2.pk]
