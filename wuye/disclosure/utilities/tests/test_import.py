"""Excel import of household readings: a good file, a file with bad rows (row-by-row report in
Chinese, nothing written), all-or-nothing, the htmx result, the template download."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from wuye.core.models import AuditLog
from wuye.disclosure.models import HouseholdReading
from wuye.disclosure.utilities import services as svc
from wuye.disclosure.utilities.imports import utility_readings_import

from .test_services import draft, make_building

D = Decimal


def xlsx(rows, header=("楼栋", "房号", "起数", "止数"), name="readings.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def setup(world, n=3):
    b, units = make_building(world, "5号楼", [D("80.00") + i for i in range(n)])
    return draft(world, b), units


def test_good_file(world):
    a, units = setup(world)
    f = xlsx([("5号楼", u.number, 1000, 1100.5 + i) for i, u in enumerate(units)])
    result = utility_readings_import(actor=world.users["manager_a"], allocation=a, upload=f)
    assert result.ok and result.written == 3
    usages = [r.usage for r in HouseholdReading.objects.filter(allocation=a).order_by("unit__number")]
    assert usages == [D("100.50"), D("101.50"), D("102.50")]
    assert AuditLog.objects.filter(action="import", object_type="disclosure.utilityallocation").count() == 1
    # importing again replaces the same units' readings
    f = xlsx([("5号楼", units[0].number, "0", "7")])
    assert utility_readings_import(actor=world.users["manager_a"], allocation=a, upload=f).ok
    assert HouseholdReading.objects.get(allocation=a, unit=units[0]).usage == D("7")
    assert HouseholdReading.objects.filter(allocation=a).count() == 3


def test_bad_rows_report_and_nothing_written(world):
    a, units = setup(world)
    f = xlsx([
        ("5号楼", units[0].number, 1000, 1100),  # fine
        ("5号楼", units[1].number, 1000, 900),  # end < start
        ("5号楼", "9-9-999", 1, 2),  # no such unit
        ("5号楼", units[0].number, 1, 2),  # duplicate of row 2
        ("", units[2].number, "abc", None),  # building missing, not a number, end missing
        ("3号楼", world.unit_a.number, 1, 2),  # outside the allocation's building
    ])
    result = utility_readings_import(actor=world.users["manager_a"], allocation=a, upload=f)
    assert not result.ok and result.written == 0
    got = {(p.row, p.column, p.message) for p in result.problems}
    assert (3, "止数", "止数不能小于起数。") in got
    assert (4, "房号", "在5号楼找不到 5号楼 9-9-999 这套房屋。") in got
    assert (5, "房号", "与第 2 行是同一套房屋。") in got
    assert (6, "楼栋", "必填。") in got and (6, "起数", "应为数字。") in got and (6, "止数", "必填。") in got
    assert any(p.row == 7 for p in result.problems)
    assert "未导入任何读数" in result.message
    assert not HouseholdReading.objects.filter(allocation=a).exists()
    assert not AuditLog.objects.filter(action="import").exists()


def test_wrong_files(world):
    a, _ = setup(world)
    m = world.users["manager_a"]
    r = utility_readings_import(actor=m, allocation=a, upload=SimpleUploadedFile("x.csv", b"a,b"))
    assert not r.ok and "不支持 .csv" in r.problems[0].message
    r = utility_readings_import(actor=m, allocation=a, upload=xlsx([], header=("房号", "读数")))
    assert not r.ok and "缺少列" in r.problems[0].message
    r = utility_readings_import(actor=m, allocation=a, upload=xlsx([]))
    assert not r.ok and "没有读数行" in r.problems[0].message


def test_import_view_htmx_and_plain(world, client, login):
    a, units = setup(world)
    c = login(world.users["manager_a"])
    url = reverse("disclosure:utility_import", args=[a.pk])
    assert c.get(url).status_code == 405
    bad = xlsx([("5号楼", "nope", 1, 2)])
    r = c.post(url, {"file": bad}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "import-problems" in r.content.decode() and "找不到" in r.content.decode()
    good = xlsx([("5号楼", u.number, 0, 10) for u in units])
    r = c.post(url, {"file": good})
    assert r.status_code == 200 and "已导入 3 条分户表读数" in r.content.decode()
    assert HouseholdReading.objects.filter(allocation=a).count() == 3
    r = c.post(url, {})
    assert r.status_code == 400 and "请选择要导入的 .xlsx 文件" in r.content.decode()
    assert login(world.users["manager_b"]).post(url, {"file": xlsx([])}).status_code == 404


def test_import_refused_after_publication(world):
    a, units = setup(world, n=1)
    m = world.users["manager_a"]
    svc.utility_reading_set(actor=m, allocation=a, unit=units[0], start=D("0"), end=D("10"))
    a = svc.utility_allocation_publish(actor=m, allocation=svc.utility_allocation_compute(actor=m, allocation=a))
    try:
        utility_readings_import(actor=m, allocation=a, upload=xlsx([("5号楼", units[0].number, 0, 5)]))
    except Exception as exc:  # ServiceError
        assert "不能再修改" in str(exc)
    else:
        raise AssertionError("import into a published allocation must be refused")
    assert HouseholdReading.objects.get(allocation=a).usage == D("10")


def test_template_download(world, client, login):
    a, units = setup(world)
    r = login(world.users["manager_a"]).get(reverse("disclosure:utility_import_template", args=[a.pk]))
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("楼栋", "房号", "起数", "止数")
    assert [row[1] for row in rows[1:]] == [u.number for u in units]
    assert login(world.users["committee"]).get(reverse("disclosure:utility_import_template", args=[a.pk])).status_code == 403
