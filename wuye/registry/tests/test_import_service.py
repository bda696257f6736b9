"""The import service: each kind writes what the registry services would, all or nothing, with a
row-by-row Chinese error report, within the uploader's territory, and one audit row per job."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from wuye.conftest import CREDIT_CODES
from wuye.core.audit import audit_verify_chain, snapshot
from wuye.core.models import AuditAction, AuditLog
from wuye.core.search import initials
from wuye.registry import services as rs
from wuye.registry.importing import (
    import_job_create,
    import_job_run,
    import_jobs_fail_stalled,
    template_workbook,
)
from wuye.registry.importing import units as units_module
from wuye.registry.importing.companies import CompanyImporter
from wuye.registry.importing.estates import EstateImporter
from wuye.registry.importing.jobs import _progress
from wuye.registry.importing.units import UnitImporter
from wuye.registry.models import (
    Building,
    Estate,
    ImportJob,
    Owner,
    Ownership,
    PropertyCompany,
    ServiceContract,
    Unit,
)

from .import_support import (
    COMPANY_HEADERS,
    ESTATE_HEADERS,
    ID_1,
    ID_2,
    ID_3,
    UNIT_HEADERS,
    media,  # noqa: F401
    read_report,
    run_import,
    unit_row,
    upload,
    workbook_bytes,
)

pytestmark = pytest.mark.usefixtures("media")

UNREGISTERED_CODE = "91110109MA05TUWX4B"  # valid, but no company has it


def registry_counts() -> dict:
    return {m.__name__: m.objects.count() for m in (PropertyCompany, Estate, ServiceContract, Building, Unit, Owner, Ownership)}


def import_audit_rows():
    return AuditLog.objects.filter(action=AuditAction.IMPORT, object_type="registry.importjob")


# ---- companies ------------------------------------------------------------------------------


def test_companies_import_like_the_service(world):
    city = world.users["city"]
    creates_before = AuditLog.objects.filter(action=AuditAction.CREATE).count()
    job = run_import(city, "companies", COMPANY_HEADERS, [
        ["  和美物业服务有限公司 ", CREDIT_CODES[2].lower(), "周敏", "东城区和平里 1 号", "010-6555 0003", "备案审核中"],
        ["宜居物业管理有限公司", CREDIT_CODES[3], "吴刚", "西城区金融街 9 号", "01065550004", None],
    ])
    assert job.status == ImportJob.Status.SUCCEEDED, job.errors_preview
    assert job.total_rows == job.processed_rows == 2
    assert job.result["counts"] == {"companies": 2}

    hemei = PropertyCompany.objects.get(credit_code=CREDIT_CODES[2])
    assert hemei.name == "和美物业服务有限公司"
    assert hemei.service_phone == "01065550003"
    assert hemei.filing_status == PropertyCompany.FilingStatus.PENDING
    assert hemei.search_key == initials("和美物业服务有限公司")
    assert PropertyCompany.objects.get(credit_code=CREDIT_CODES[3]).filing_status == PropertyCompany.FilingStatus.FILED

    # One IMPORT audit row with the counts, not one CREATE row per company; the chain still verifies.
    row = import_audit_rows().get()
    assert row.actor_username == city.username
    assert row.object_id == str(job.pk)
    assert row.changes["created"] == {"companies": 2}
    assert AuditLog.objects.filter(action=AuditAction.CREATE).count() == creates_before
    assert audit_verify_chain() == []
    # The uploaded workbook (personal data in bulk) is not kept.
    assert not job.file


def test_company_errors_in_several_rows_write_nothing(world):
    before = registry_counts()
    job = run_import(world.users["city"], "companies", COMPANY_HEADERS, [
        ["甲物业有限公司", "91110105MA01ABCD01", "甲", "某地", "01012345678", "已备案"],
        ["乙物业有限公司", CREDIT_CODES[2], "", "某地", "01012345678", "已备案"],
        ["丙物业有限公司", CREDIT_CODES[2], "丙", "某地", "电话号码", "正常"],
        ["丁物业有限公司", CREDIT_CODES[0], "丁", "某地", "01012345678", "已备案"],
    ])
    assert job.status == ImportJob.Status.FAILED
    assert registry_counts() == before
    assert [tuple(p) for p in job.errors_preview] == [
        (2, "统一社会信用代码", "统一社会信用代码校验位不正确，请核对后重新输入。"),
        (3, "法定代表人", "必填，不能为空。"),
        (4, "服务电话", "电话号码格式不正确。"),
        (4, "备案状态", "“正常”不是可选值；可选：已备案、备案审核中、未备案、已注销。"),
        (4, "统一社会信用代码", "与第 3 行的统一社会信用代码重复。"),
        (5, "统一社会信用代码", "该统一社会信用代码已登记，不能重复导入。"),
    ]
    assert job.error_count == 6
    report = read_report(job.error_report)
    assert report[0] == ("行号", "列名", "问题")
    assert report[1:] == [tuple(p) for p in job.errors_preview]
    # The failed job is audited too: one row, saying nothing was written.
    row = import_audit_rows().get()
    assert row.changes["status"] == "failed" and row.changes["errors"] == 6
    assert "未写入任何数据" in row.detail


# ---- estates --------------------------------------------------------------------------------


def test_estates_import_sets_place_contract_and_company(world):
    job = run_import(world.users["district"], "estates", ESTATE_HEADERS, [
        ["和平里小区", "东城区和平里 3 号", "110101001001", "老旧楼院", 1988, "23000.5", "专业化物业服务",
         CREDIT_CODES[1], "2024-01-01", date(2026, 12, 31), "二星级", 1.8, "DC-2024-7"],
        ["多福巷小区", "东城区多福巷 20 号", "多福巷社区", None, None, None, "无物业管理",
         None, None, None, None, None, None],
    ])
    assert job.status == ImportJob.Status.SUCCEEDED, job.errors_preview
    assert job.result["counts"] == {"estates": 2, "contracts": 1}

    hp = Estate.objects.get(name="和平里小区")
    assert (hp.community, hp.street, hp.district) == (world.c1, world.s1, world.d1)
    assert hp.kind == Estate.Kind.OLD_COMPOUND and hp.year_built == 1988
    assert hp.floor_area == Decimal("23000.50")
    assert hp.search_key == initials("和平里小区")
    assert hp.company == world.company_b
    contract = hp.current_contract
    assert (contract.company, contract.start_date, contract.end_date) == (world.company_b, date(2024, 1, 1), date(2026, 12, 31))
    assert contract.contracted_grade == "2" and contract.fee_rate == Decimal("1.80") and contract.filing_number == "DC-2024-7"

    dfx = Estate.objects.get(name="多福巷小区")
    assert dfx.community == world.c1 and dfx.kind == Estate.Kind.COMMERCIAL
    assert dfx.management_mode == Estate.ManagementMode.NONE and dfx.company is None
    assert not dfx.contracts.exists()
    assert import_audit_rows().get().changes["created"] == {"estates": 2, "contracts": 1}


def test_estate_rows_are_checked_against_territory_file_and_registry(world):
    before = registry_counts()
    job = run_import(world.users["district"], "estates", ESTATE_HEADERS, [
        ["新小区", "西城区某路", "110102001001", None, None, None, None, None, None, None, None, None, None],
        ["幸福里小区", "东城区某路", "110101001001", None, None, None, None, None, None, None, None, None, None],
        ["甲小区", "东城区某路", "110101001001", None, 2005, "1.234", None, CREDIT_CODES[0], "2025-01-01", "2024-01-01",
         "三星级", "2.5", None],
        ["甲小区", "东城区某路", "多福巷社区", None, None, None, "业主自治管理", CREDIT_CODES[2], "2024-01-01",
         None, None, None, None],
        ["乙小区", "东城区某路", "999999999999", None, "二〇〇五", None, None, None, None, None, None, "2.00", None],
    ])
    assert job.status == ImportJob.Status.FAILED
    assert registry_counts() == before
    problems = {tuple(p) for p in job.errors_preview}
    assert problems == {
        (2, "所属社区", "社区“110102001001”不在您管辖的区县范围内。"),
        (3, "小区名称", "该社区已登记名为“幸福里小区”的小区，不能重复导入。"),
        (4, "总建筑面积（m²）", "最多保留 2 位小数。"),
        (4, "合同终止日", "合同终止日不能早于起始日。"),
        (5, "合同终止日", "填写了物业企业，须同时填写此项。"),
        (5, "约定服务等级", "填写了物业企业，须同时填写此项。"),
        (5, "物业费标准（元/m²·月）", "填写了物业企业，须同时填写此项。"),
        (5, "管理模式", "管理模式为“业主自治管理”时不应填写物业企业。"),
        (6, "建成年份", "应为整数。"),
        (6, "物业企业统一社会信用代码", "填写了合同信息，须同时填写物业企业统一社会信用代码。"),
    }


def test_city_may_import_estates_anywhere_and_same_name_twice_is_caught(world):
    rs.company_update(actor=world.users["city"], company=world.company_b, filing_status=PropertyCompany.FilingStatus.REVOKED)
    job = run_import(world.users["city"], "estates", ESTATE_HEADERS, [
        ["新小区", "西城区某路", "110102001001", None, None, None, None, None, None, None, None, None, None],
        ["新小区", "西城区某路", "府右街社区", None, None, None, None, None, None, None, None, None, None],
        ["丙小区", "西城区某路", "110102001001", None, None, None, None, UNREGISTERED_CODE, "2024-01-01",
         "2025-01-01", "一星级", "1", None],
        ["丁小区", "西城区某路", "110102001001", None, None, None, None, CREDIT_CODES[1], "2024-01-01",
         "2025-01-01", "一星级", "1", None],
    ])
    assert job.status == ImportJob.Status.FAILED
    problems = {tuple(p)[:2]: p[2] for p in job.errors_preview}
    assert problems[(3, "小区名称")] == "与第 2 行是同一社区的同名小区。"
    assert problems[(5, "物业企业统一社会信用代码")] == "该物业企业已注销，不能作为新的物业服务合同的企业。"
    assert problems[(4, "物业企业统一社会信用代码")] == "平台尚未登记该统一社会信用代码的物业企业，请先导入或登记该企业。"
    ok = run_import(world.users["city"], "estates", ESTATE_HEADERS, [
        ["新小区", "西城区某路", "110102001001", None, None, None, None, None, None, None, None, None, None],
    ])
    assert ok.status == ImportJob.Status.SUCCEEDED
    assert Estate.objects.get(name="新小区").district == world.d2


# ---- units and owners -----------------------------------------------------------------------


def test_units_with_co_owners_and_an_owner_of_several_units(world):
    job = run_import(world.users["district"], "units", UNIT_HEADERS, [
        # 9-101 has two co-owners; 周敏 (by ID number) also owns 9-102; 吴刚 (no ID: name + phone) owns 9-102 and 10-101.
        unit_row(number="9-101", owner="周敏", phone="13900000001", id_number=ID_1),
        unit_row(number="9-101", owner="郑丽", phone="13900000002", id_number=ID_2),
        unit_row(number="9-102", floor=1, area="75.5", owner="周敏", phone="13900000009", id_number=ID_1),
        unit_row(number="9-102", floor=1, area="75.5", owner="吴刚", phone="139-0000-0003"),
        unit_row(building="10号楼", number="10-101", floor=-1, area=50, built=None, sale="开发商未售",
                 source="测绘面积", owner="吴刚", phone="13900000003"),
        # A unit with no owner yet; an existing building (3号楼) gets a new unit.
        unit_row(building="3号楼", number="3-1-102", sale="开发商未售"),
        # An owner already registered (王秀英, by ID number) is linked, not duplicated.
        unit_row(building="3号楼", number="3-1-201", owner="王秀英", id_number="11010519491231002x"),
    ])
    assert job.status == ImportJob.Status.SUCCEEDED, job.errors_preview
    assert job.result["counts"] == {"buildings": 2, "units": 5, "owners": 3, "owners_matched": 1, "ownerships": 6}

    estate = world.estate_a
    b9 = Building.objects.get(estate=estate, name="9号楼")
    u101 = Unit.objects.get(building=b9, number="9-101")
    assert u101.estate == estate and u101.exclusive_area == Decimal("90.00") and u101.built_area == Decimal("110.00")
    assert u101.area_source == Unit.AreaSource.REGISTERED and u101.sale_status == Unit.SaleStatus.DELIVERED
    assert sorted(u101.ownerships.values_list("owner__name", flat=True)) == ["周敏", "郑丽"]

    zhou = Owner.objects.get(id_number=ID_1)
    assert zhou.phone == "13900000001" and zhou.search_key == initials("周敏")
    assert sorted(zhou.ownerships.values_list("unit__number", flat=True)) == ["9-101", "9-102"]
    wu = Owner.objects.get(name="吴刚")
    assert wu.phone == "13900000003" and wu.id_number == ""
    assert sorted(wu.ownerships.values_list("unit__number", flat=True)) == ["10-101", "9-102"]

    u10 = Unit.objects.get(building__name="10号楼", number="10-101")
    assert (u10.floor, u10.exclusive_area, u10.built_area) == (-1, Decimal("50.00"), None)
    assert (u10.area_source, u10.sale_status) == (Unit.AreaSource.SURVEYED, Unit.SaleStatus.UNSOLD)
    assert not Unit.objects.get(number="3-1-102").ownerships.exists()
    assert Unit.objects.get(number="3-1-102").building == world.building_a

    assert Owner.objects.filter(name="王秀英").count() == 1
    assert set(world.owner_a.ownerships.values_list("unit__number", flat=True)) == {"3-1-101", "3-1-201"}
    assert all(o.estate_id == estate.pk for o in Ownership.objects.filter(unit__building__in=[b9]))
    row = import_audit_rows().get()
    assert row.changes["created"]["units"] == 5 and row.actor_username == "p_district"


def test_units_by_estate_id(world):
    headers = ["小区编号", "楼栋", "房号", "专有部分面积（m²）", "业主姓名/名称", "手机号码"]
    job = run_import(world.users["city"], "units", headers, [
        [world.estate_b.pk, "2号楼", "2-101", "66.6", "钱进", "13900000008"],
    ])
    assert job.status == ImportJob.Status.SUCCEEDED, job.errors_preview
    unit = Unit.objects.get(number="2-101")
    assert unit.estate == world.estate_b and unit.building.estate == world.estate_b


def test_unit_errors_in_several_rows_write_nothing_and_are_reported_in_chinese(world):
    before = registry_counts()
    job = run_import(world.users["district"], "units", UNIT_HEADERS, [
        unit_row(number="9-101", area="abc", owner="周敏", id_number=ID_1),
        unit_row(number="9-102", area="88.123"),
        unit_row(number="9-103", owner="郑丽", id_number="110101198001010011"),
        unit_row(estate="不存在小区", number="9-104"),
        unit_row(number="9-105", sale="已入住"),
        unit_row(building="3号楼", number="3-1-101"),
        unit_row(number="9-106", owner="", phone="13900000001"),
        unit_row(number="9-107", area="80"),
        unit_row(number="9-107", area="81", owner="吴刚", phone="13900000003"),
        unit_row(number="9-108", owner="赵六", id_number=ID_3),
        unit_row(number="9-109", owner="孙七", id_number=ID_3),
        unit_row(number="9-110", owner="王秀英", id_number=ID_2, phone="1390000000"),
        unit_row(number="9-111", owner="李八", id_number="11010519491231002X"),
        unit_row(number="9-112", owner="周敏", id_number=ID_1),
        unit_row(number="9-112", owner="周敏", id_number=ID_1),
        unit_row(number="9-113"),
    ])
    assert job.status == ImportJob.Status.FAILED
    assert registry_counts() == before
    assert [tuple(p) for p in job.errors_preview] == [
        (2, "专有部分面积（m²）", "应为数字。"),
        (3, "专有部分面积（m²）", "最多保留 2 位小数。"),
        (4, "证件号码", "居民身份证号码末位校验码不正确，请核对。"),
        (5, "小区名称", "找不到社区代码“110101001001”下名为“不存在小区”的小区，或该小区不在您的管辖范围内。"),
        (6, "销售状态", "“已入住”不是可选值；可选：开发商未售、已售未交付、已交付。"),
        (7, "房号", "3号楼已登记房号“3-1-101”，不能重复导入。"),
        (8, "业主姓名/名称", "填写了业主信息，须同时填写业主姓名/名称。"),
        (10, "专有部分面积（m²）", "与第 9 行是同一房屋（共有人），但专有部分面积（m²）不一致。"),
        (12, "证件号码", "与第 11 行证件号码相同，但业主姓名/名称不同。"),
        (14, "证件号码", "该证件号码已登记在另一姓名/名称的业主名下，请核对。"),
        (16, "业主姓名/名称", "与第 15 行为同一房屋的同一业主，重复登记。"),
    ]
    report = read_report(job.error_report)
    assert report[1:] == [tuple(p) for p in job.errors_preview]


def test_district_officer_cannot_import_units_of_another_district(world):
    before = registry_counts()
    job = run_import(world.users["district"], "units", UNIT_HEADERS, [
        unit_row(number="9-101"),
        unit_row(estate="翠湖花园", code="110102001001", building="1号楼", number="1-2-1802"),
    ])
    assert job.status == ImportJob.Status.FAILED
    assert registry_counts() == before
    assert [tuple(p) for p in job.errors_preview] == [
        (3, "小区名称", "找不到社区代码“110102001001”下名为“翠湖花园”的小区，或该小区不在您的管辖范围内。"),
    ]
    # The same row is fine for the district it belongs to.
    ok = run_import(world.users["district2"], "units", UNIT_HEADERS, [
        unit_row(estate="翠湖花园", code="110102001001", building="1号楼", number="1-2-1802"),
    ])
    assert ok.status == ImportJob.Status.SUCCEEDED
    assert Unit.objects.get(number="1-2-1802").building == world.building_b


# ---- the file as a whole --------------------------------------------------------------------


def test_missing_and_unknown_columns_are_reported_before_any_row(world):
    job = run_import(world.users["city"], "units", ["小区名称", "楼号", "专有部分面积（m²）"], [["幸福里小区", "1", "1"]])
    assert job.status == ImportJob.Status.FAILED
    assert [tuple(p) for p in job.errors_preview] == [
        (1, "楼号", "无法识别的列“楼号”，请使用模板中的列名。"),
        (1, "楼栋", "缺少必填列“楼栋”。"),
        (1, "房号", "缺少必填列“房号”。"),
    ]


def test_a_file_that_is_not_a_workbook_fails_with_a_clear_message(world):
    job = import_job_create(actor=world.users["city"], kind="units", upload=upload(b"PK\x03\x04 not really a zip"))
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors_preview == [[None, "", "文件无法读取：请上传用本平台模板填写、以 .xlsx 格式保存的 Excel 文件。"]]


def test_empty_file_and_row_limit(world, settings):
    job = run_import(world.users["city"], "companies", COMPANY_HEADERS, [])
    assert job.errors_preview == [[None, "", "文件中没有数据行。"]]
    settings.WUYE_IMPORT_MAX_ROWS = 2
    rows = [unit_row(number=f"9-{i}") for i in range(3)]
    job = run_import(world.users["city"], "units", UNIT_HEADERS, rows)
    assert job.status == ImportJob.Status.FAILED
    assert "超过单次导入上限 2 行" in job.errors_preview[0][2]
    assert not Unit.objects.filter(number__startswith="9-").exists()


@pytest.mark.parametrize("importer", [CompanyImporter, EstateImporter, UnitImporter])
def test_template_reads_back_and_its_sample_row_is_refused(world, importer):
    """The downloaded template has Chinese headers, a sample row and a sheet explaining each column;
    uploading it unchanged imports nothing and points at the sample row."""

    data = template_workbook(importer)
    wb = load_workbook(BytesIO(data))
    assert wb.sheetnames == ["数据", "填写说明"]
    headers = [c.value for c in wb["数据"][1]]
    assert headers == [c.template_header for c in importer.columns]
    guide = [r[0] for r in wb["填写说明"].iter_rows(values_only=True)]
    assert all(c.header in guide for c in importer.columns)

    job = import_job_create(actor=world.users["city"], kind=importer.kind, upload=upload(data))
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors_preview == [[2, "", "这是模板中的示例行，请删除后再导入。"]]


def test_a_job_runs_once(world):
    job = import_job_create(actor=world.users["city"], kind="companies", upload=upload(workbook_bytes(COMPANY_HEADERS, [
        ["和美物业服务有限公司", CREDIT_CODES[2], "周敏", "东城区", "01065550003", "已备案"],
    ])))
    assert import_job_run(job_id=job.pk).status == ImportJob.Status.SUCCEEDED
    assert import_job_run(job_id=job.pk) is None
    assert PropertyCompany.objects.filter(credit_code=CREDIT_CODES[2]).count() == 1
    assert import_audit_rows().count() == 1


def test_a_conflicting_write_between_validation_and_write_is_caught(world, monkeypatch):
    """Validation passes, then somebody registers the same unit number before the write: the check
    repeated inside the write transaction refuses the whole file."""

    original = units_module.UnitImporter.resolve
    calls = {"n": 0}

    def resolve_then_race(self):
        calls["n"] += 1
        if calls["n"] == 2:
            rs.unit_create(actor=world.users["city"], building=world.building_a, number="3-9-901",
                           exclusive_area=Decimal("60.00"))
        return original(self)

    monkeypatch.setattr(units_module.UnitImporter, "resolve", resolve_then_race)
    job = run_import(world.users["city"], "units", UNIT_HEADERS, [
        unit_row(building="3号楼", number="3-9-900"),
        unit_row(building="3号楼", number="3-9-901"),
    ])
    assert job.status == ImportJob.Status.FAILED
    assert job.errors_preview == [[3, "房号", "3号楼已登记房号“3-9-901”，不能重复导入。"]]
    assert "已被他人修改" in job.message
    assert not Unit.objects.filter(number="3-9-900").exists()


def test_an_unexpected_error_fails_the_job_and_writes_nothing(world, monkeypatch):
    def broken_write(self, *, actor):
        Building.objects.create(estate=world.estate_a, name="半途楼")
        raise RuntimeError("disk full")

    monkeypatch.setattr(units_module.UnitImporter, "write", broken_write)
    job = run_import(world.users["city"], "units", UNIT_HEADERS, [unit_row()])
    assert job.status == ImportJob.Status.FAILED
    assert "系统错误" in job.errors_preview[0][2]
    assert not Building.objects.filter(name="半途楼").exists()


def test_a_stalled_job_is_given_up_once_and_not_claimed_again(world):
    job = import_job_create(actor=world.users["district"], kind="units",
                            upload=upload(workbook_bytes(UNIT_HEADERS, [unit_row()])))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING)
    assert import_jobs_fail_stalled() == 0  # still fresh
    later = timezone.now() + timedelta(minutes=31)
    assert import_jobs_fail_stalled(now=later) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "处理中断" in job.message
    assert job.errors_preview == [[None, "", "导入处理中断（处理进程停止），未写入任何数据，请重新上传。"]]
    assert not job.file and job.error_report
    assert import_audit_rows().get().changes["status"] == "failed"
    assert import_jobs_fail_stalled(now=later) == 0
    assert import_job_run(job_id=job.pk) is None
    assert not Unit.objects.filter(number="9-101").exists()


def test_imported_records_equal_what_the_services_create(world):
    """Bulk writes skip the per-record services, so compare field by field with records the
    services create from the same input."""

    city = world.users["city"]

    def same(a, b, *, differ: set[str]) -> None:
        left, right = snapshot(a), snapshot(b)
        for key in differ | {"id"}:
            left.pop(key), right.pop(key)
        assert left == right

    by_service = rs.company_create(actor=city, name="对照物业有限公司", credit_code=CREDIT_CODES[2], legal_representative="周敏",
                                   address="东城区和平里 1 号", service_phone="01065550003",
                                   filing_status=PropertyCompany.FilingStatus.UNFILED)
    run_import(city, "companies", COMPANY_HEADERS, [
        ["导入物业有限公司", CREDIT_CODES[3], "周敏", "东城区和平里 1 号", "01065550003", "未备案"],
    ])
    same(by_service, PropertyCompany.objects.get(credit_code=CREDIT_CODES[3]), differ={"name", "credit_code"})

    estate = rs.estate_create(actor=city, name="对照小区", address="东城区某路 1 号", community=world.c1,
                              kind=Estate.Kind.AFFORDABLE, year_built=2010, floor_area=Decimal("1000.50"))
    contract = rs.estate_set_contract(actor=city, estate=estate, company=world.company_a, start_date=date(2024, 1, 1),
                                      end_date=date(2025, 12, 31), contracted_grade="4", fee_rate=Decimal("3.20"),
                                      filing_number="F-1")
    estate.refresh_from_db()
    run_import(city, "estates", ESTATE_HEADERS, [
        ["导入小区", "东城区某路 1 号", "110101001001", "保障性住房", 2010, "1000.50", "专业化物业服务",
         CREDIT_CODES[0], "2024-01-01", "2025-12-31", "四星级", "3.20", "F-1"],
    ])
    imported = Estate.objects.get(name="导入小区")
    same(estate, imported, differ={"name"})
    assert imported.search_key == initials("导入小区")
    same(contract, imported.current_contract, differ={"estate"})

    building = rs.building_create(actor=city, estate=world.estate_a, name="对照楼")
    unit = rs.unit_create(actor=city, building=building, number="1", exclusive_area=Decimal("88.80"), floor=3,
                          built_area=Decimal("100.00"), area_source=Unit.AreaSource.CONTRACT,
                          sale_status=Unit.SaleStatus.SOLD_UNDELIVERED)
    owner = rs.owner_create(actor=city, name="对照业主", phone="13900000001", id_number=ID_1)
    ownership = rs.ownership_create(actor=city, unit=unit, owner=owner)
    run_import(city, "units", UNIT_HEADERS, [
        unit_row(building="导入楼", number="1", floor=3, area="88.80", source="合同约定面积", built="100.00",
                 sale="已售未交付", owner="导入业主", kind="自然人", phone="13900000002", id_number=ID_2),
    ])
    imported_unit = Unit.objects.get(building__name="导入楼")
    same(unit, imported_unit, differ={"building"})
    imported_owner = Owner.objects.get(id_number=ID_2)
    same(owner, imported_owner, differ={"name", "phone", "id_number"})
    assert imported_owner.search_key == initials("导入业主")
    same(ownership, imported_unit.ownerships.get(), differ={"unit", "owner"})
    same(building, imported_unit.building, differ={"name"})


def test_progress_is_a_count_when_the_sheet_does_not_state_its_size(world):
    job = ImportJob.objects.create(kind="units", original_name="x.xlsx", created_by=world.users["city"],
                                   status=ImportJob.Status.VALIDATING)
    _progress(job.pk, None)(2000)
    job.refresh_from_db()
    assert (job.processed_rows, job.total_rows, job.percent) == (2000, 0, 0)
    _progress(job.pk, 8000)(2000)
    job.refresh_from_db()
    assert (job.processed_rows, job.total_rows, job.percent) == (2000, 8000, 25)
