"""The Excel import pages: who may use them, uploading (with Huey in immediate mode), progress
polling, and the error report download."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from wuye.conftest import CREDIT_CODES
from wuye.core.models import AuditAction, AuditLog
from wuye.registry.models import ImportJob, PropertyCompany, Unit

from .import_support import (
    COMPANY_HEADERS,
    UNIT_HEADERS,
    XLSX,
    immediate_huey,  # noqa: F401
    media,  # noqa: F401
    run_import,
    unit_row,
    upload,
    workbook_bytes,
)

pytestmark = pytest.mark.usefixtures("immediate_huey")

NOT_IMPORTERS = ["street", "community", "department", "manager_a", "staff_a", "committee", "resident",
                 "sysadmin", "secadmin", "auditor", "outsider"]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def a_failed_job(user):
    return run_import(user, "units", UNIT_HEADERS, [unit_row(area="abc")])


def urls_of(job) -> list[str]:
    return [
        reverse("registry:import_list"),
        reverse("registry:import_template", args=["units"]),
        reverse("registry:import_detail", args=[job.pk]),
        reverse("registry:import_progress", args=[job.pk]),
        reverse("registry:import_error_report", args=[job.pk]),
    ]


# ---- who may use the pages ------------------------------------------------------------------


@pytest.mark.parametrize("persona", NOT_IMPORTERS)
def test_roles_that_do_not_import_get_404_on_every_page(world, login, persona):
    job = a_failed_job(world.users["city"])
    client = login(world.users[persona])
    denied_before = AuditLog.objects.filter(action=AuditAction.DENIED, object_type="registry.importjob").count()
    for url in urls_of(job):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("registry:import_list"), {"kind": "units", "file": upload(b"x")})
    assert response.status_code == 404
    assert ImportJob.objects.count() == 1
    denied = AuditLog.objects.filter(action=AuditAction.DENIED, object_type="registry.importjob").count()
    assert denied - denied_before == len(urls_of(job)) + 1


def test_anonymous_users_are_sent_to_login(world, client):
    job = a_failed_job(world.users["city"])
    for url in urls_of(job):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url


def test_a_job_and_its_report_are_for_the_uploader_and_the_city_only(world, login):
    job = a_failed_job(world.users["district"])
    report_url = reverse("registry:import_error_report", args=[job.pk])
    detail_url = reverse("registry:import_detail", args=[job.pk])

    for persona in ("district", "city"):
        client = login(world.users[persona])
        response = client.get(report_url)
        assert response.status_code == 200, persona
        assert response["Content-Type"] == XLSX
        assert "attachment" in response["Content-Disposition"]
        wb = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
        rows = list(wb["错误报告"].iter_rows(values_only=True))
        assert rows == [("行号", "列名", "问题"), (2, "专有部分面积（m²）", "应为数字。")]
        assert client.get(detail_url).status_code == 200

    other = login(world.users["district2"])
    assert other.get(report_url).status_code == 404
    assert other.get(detail_url).status_code == 404
    assert AuditLog.objects.filter(action=AuditAction.DENIED, object_type="registry.importjob",
                                   object_id=str(job.pk), actor_username="p_district2").count() == 2


def test_wrong_methods_are_refused(world, login):
    job = a_failed_job(world.users["city"])
    client = login(world.users["city"])
    for url in urls_of(job)[1:]:
        assert client.post(url).status_code == 405, url
    assert client.put(reverse("registry:import_list")).status_code == 405


# ---- templates ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, filename", [("companies", "物业企业"), ("estates", "住宅小区"), ("units", "房屋及业主")])
def test_templates_download_with_chinese_headers(world, login, kind, filename):
    response = login(world.users["district"]).get(reverse("registry:import_template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "filename*=utf-8''" in response["Content-Disposition"]
    wb = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == ["数据", "填写说明"]
    assert wb["填写说明"]["A1"].value == f"{filename}导入模板 · 填写说明"


def test_unknown_template_is_404(world, login):
    assert login(world.users["city"]).get("/registry/imports/templates/parking.xlsx").status_code == 404


# ---- upload ---------------------------------------------------------------------------------


def test_upload_runs_the_import_and_shows_the_result(world, login):
    client = login(world.users["city"])
    data = workbook_bytes(COMPANY_HEADERS, [["和美物业服务有限公司", CREDIT_CODES[2], "周敏", "东城区", "01065550003", "已备案"]])
    response = client.post(reverse("registry:import_list"), {"kind": "companies", "file": upload(data, "企业.xlsx")})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:import_detail", args=[job.pk])
    assert job.status == ImportJob.Status.SUCCEEDED
    assert (job.kind, job.original_name, job.created_by, job.upload_ip) == ("companies", "企业.xlsx", world.users["city"], "127.0.0.1")
    assert PropertyCompany.objects.filter(credit_code=CREDIT_CODES[2]).exists()
    assert AuditLog.objects.filter(action=AuditAction.IMPORT, object_id=str(job.pk)).get().ip == "127.0.0.1"

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "导入成功" in html and "新增物业企业 1 家" in html
    assert 'hx-trigger="every 1s"' not in html  # finished: no more polling


def test_failed_upload_shows_the_problems_on_the_page(world, login):
    client = login(world.users["district"])
    rows = [unit_row(number=f"9-{i}", area="abc") for i in range(250)]
    response = client.post(reverse("registry:import_list"),
                           {"kind": "units", "file": upload(workbook_bytes(UNIT_HEADERS, rows))}, follow=True)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and job.error_count == 250
    assert not Unit.objects.filter(number__startswith="9-").exists()
    html = response.content.decode()
    assert "发现 250 个问题（未写入任何数据）" in html
    assert html.count("<td>应为数字。</td>") == 200
    assert "此处仅显示前 200 个问题" in html
    assert reverse("registry:import_error_report", args=[job.pk]) in html


@pytest.mark.parametrize("name, content, message", [
    ("房屋.xls", b"\xd0\xcf\x11\xe0old excel", "不支持旧版 .xls 格式"),
    ("房屋.csv", "小区名称,楼栋\n".encode(), "不支持 .csv 文件"),
    ("房屋.docx", b"PK\x03\x04", "只能上传 .xlsx 格式的 Excel 文件"),
    ("房屋.xlsx", b"just text renamed", "文件内容不是 .xlsx 格式的 Excel 工作簿"),
])
def test_wrong_file_type_gets_a_clear_chinese_message(world, login, name, content, message):
    client = login(world.users["city"])
    response = client.post(reverse("registry:import_list"), {"kind": "units", "file": upload(content, name)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'value="units" checked' in response.content.decode()  # the form keeps the chosen kind
    assert not ImportJob.objects.exists()


def test_missing_kind_and_file_are_explained(world, login):
    response = login(world.users["city"]).post(reverse("registry:import_list"), {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请选择导入类型。" in html and "请选择要上传的 .xlsx 文件。" in html
    assert not ImportJob.objects.exists()


# ---- progress -------------------------------------------------------------------------------


def test_progress_endpoint_returns_the_jobs_progress(world, login):
    job = ImportJob.objects.create(kind="units", original_name="房屋.xlsx", created_by=world.users["district"],
                                   status=ImportJob.Status.VALIDATING, total_rows=4000, processed_rows=1000)
    client = login(world.users["district"])
    url = reverse("registry:import_progress", args=[job.pk])

    data = json.loads(client.get(url).content)
    assert data == {
        "id": job.pk, "status": "validating", "status_display": "校验中", "total_rows": 4000,
        "processed_rows": 1000, "percent": 25, "error_count": 0, "finished": False, "message": "",
    }

    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert 'aria-valuenow="25"' in html and "width: 25%" in html
    assert "已校验 1000 / 4000 行" in html

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING, processed_rows=4000)
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "正在写入" in html and 'hx-trigger="every 1s"' in html

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.SUCCEEDED, message="新增房屋 4000 套")
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' not in html and "新增房屋 4000 套" in html
    assert json.loads(client.get(url).content)["percent"] == 100


def test_detail_page_of_a_running_job_polls(world, login):
    job = ImportJob.objects.create(kind="estates", original_name="小区.xlsx", created_by=world.users["city"])
    html = login(world.users["city"]).get(reverse("registry:import_detail", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("registry:import_progress", args=[job.pk])}"' in html
    assert 'hx-trigger="every 1s"' in html and "排队等待处理" in html


# ---- the list -------------------------------------------------------------------------------


def test_list_shows_own_jobs_to_a_district_and_all_to_the_city(world, login):
    mine = a_failed_job(world.users["district"])
    theirs = a_failed_job(world.users["district2"])
    html = login(world.users["district"]).get(reverse("registry:import_list")).content.decode()
    assert reverse("registry:import_detail", args=[mine.pk]) in html
    assert reverse("registry:import_detail", args=[theirs.pk]) not in html
    assert "区县用户只能导入本区县的小区和房屋" in html
    html = login(world.users["city"]).get(reverse("registry:import_list")).content.decode()
    assert reverse("registry:import_detail", args=[mine.pk]) in html
    assert reverse("registry:import_detail", args=[theirs.pk]) in html


def test_empty_list_has_a_clear_empty_state(world, login):
    html = login(world.users["district"]).get(reverse("registry:import_list")).content.decode()
    assert "还没有导入记录" in html


def test_list_queries_do_not_grow_with_the_jobs(world, login):
    client = login(world.users["city"])
    url = reverse("registry:import_list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for persona in ("city", "district"):
        a_failed_job(world.users[persona])
    few = queries()
    for _ in range(3):
        for persona in ("city", "district", "district2"):
            ImportJob.objects.create(kind="units", original_name="x.xlsx", created_by=world.users[persona])
    assert queries() == few
