"""Helpers shared by the Excel import tests: building workbooks and running jobs."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from huey.contrib.djhuey import HUEY
from openpyxl import Workbook, load_workbook

from wuye.registry.importing import import_job_create, import_job_run

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Valid resident ID numbers (GB 11643-1999 check digits), not used by the world's owners.
ID_1 = "110101198001010010"
ID_2 = "110101199002150028"
ID_3 = "110102197511200035"

UNIT_HEADERS = ["小区名称", "社区代码", "楼栋", "房号", "楼层", "专有部分面积（m²）", "面积来源", "建筑面积（m²）",
                "销售状态", "业主姓名/名称", "业主类型", "手机号码", "证件号码"]
COMPANY_HEADERS = ["企业名称", "统一社会信用代码", "法定代表人", "注册地址", "服务电话", "备案状态"]
ESTATE_HEADERS = ["小区名称", "地址", "所属社区", "小区类型", "建成年份", "总建筑面积（m²）", "管理模式",
                  "物业企业统一社会信用代码", "合同起始日", "合同终止日", "约定服务等级", "物业费标准（元/m²·月）", "合同备案号"]


def workbook_bytes(headers: list, rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name: str = "导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def run_import(user, kind: str, headers: list, rows: list[list]):
    """Create a job for ``user`` and run it synchronously, as the Huey task does."""
    job = import_job_create(actor=user, kind=kind, upload=upload(workbook_bytes(headers, rows)))
    return import_job_run(job_id=job.pk)


def unit_row(estate="幸福里小区", code="110101001001", building="9号楼", number="9-101", floor=1, area="90.00",
             source="不动产登记面积", built="110.00", sale="已交付", owner="", kind="", phone="", id_number=""):
    return [estate, code, building, number, floor, area, source, built, sale, owner, kind, phone, id_number]


def read_report(fieldfile) -> list[tuple]:
    with fieldfile.open("rb") as fh:
        wb = load_workbook(fh, read_only=True)
        rows = [tuple(r) for r in wb["错误报告"].iter_rows(values_only=True)]
        wb.close()
    return rows


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def immediate_huey(media):
    """Huey's immediate mode: a task runs inside the request that enqueues it."""

    previous = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = previous
