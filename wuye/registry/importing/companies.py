"""Import of property companies (物业企业)."""

from __future__ import annotations

from dataclasses import dataclass

from wuye.core.search import initials
from wuye.registry.models import ImportJob, PropertyCompany
from wuye.registry.services import normalize_credit_code, normalize_phone

from .base import Column, Importer, Outcome, Problems, as_choice, as_code, chunked, max_length


def _credit_code(value) -> str:
    return normalize_credit_code(as_code(value))


def _phone(value) -> str:
    return normalize_phone(as_code(value), "service_phone")


@dataclass(slots=True)
class CompanyRow:
    rowno: int
    name: str
    credit_code: str
    legal_representative: str
    address: str
    service_phone: str
    filing_status: str


class CompanyImporter(Importer):
    kind = ImportJob.Kind.COMPANIES
    title = "物业企业"
    columns = [
        Column("name", "企业名称", required=True, sample="示例物业服务有限公司", width=28,
               help="营业执照上的企业全称。"),
        Column("credit_code", "统一社会信用代码", required=True, sample="91110105MA01ABCD00", text=True, width=22,
               help="18 位，按 GB 32100-2015 校验末位校验码；同一代码只能登记一次。"),
        Column("legal_representative", "法定代表人", required=True, sample="张伟"),
        Column("address", "注册地址", required=True, sample="示范市东城区东华门大街 1 号", width=30),
        Column("service_phone", "服务电话", required=True, sample="010-65550001", text=True,
               help="7–12 位数字，可含区号连接符“-”。"),
        Column("filing_status", "备案状态", choices=PropertyCompany.FilingStatus, sample="已备案",
               help="不填默认为“已备案”。"),
    ]
    notes = ["已登记的统一社会信用代码不能重复导入；修改已登记企业请在“物业企业”页面操作。"]

    def __init__(self, *, user) -> None:
        super().__init__(user=user)
        self.records: list[CompanyRow] = []
        self._codes: dict[str, int] = {}

    def parse_row(self, rowno, values) -> None:
        start = self.problems.count
        name = self.cell(rowno, values, "name", required=True, max_len=max_length(PropertyCompany, "name"))
        code = self.cell(rowno, values, "credit_code", _credit_code, required=True)
        legal = self.cell(rowno, values, "legal_representative", required=True,
                          max_len=max_length(PropertyCompany, "legal_representative"))
        address = self.cell(rowno, values, "address", required=True, max_len=max_length(PropertyCompany, "address"))
        phone = self.cell(rowno, values, "service_phone", _phone, required=True)
        filing = self.cell(rowno, values, "filing_status", lambda v: as_choice(v, PropertyCompany.FilingStatus),
                           default=PropertyCompany.FilingStatus.FILED)
        if code:
            first = self._codes.setdefault(code, rowno)
            if first != rowno:
                self.error(rowno, "credit_code", f"与第 {first} 行的统一社会信用代码重复。")
        if self.problems.count == start:
            self.records.append(CompanyRow(rowno, name, code, legal, address, phone, filing))

    def resolve(self) -> Problems:
        problems = Problems()
        codes = [r.credit_code for r in self.records]
        registered: set[str] = set()
        for chunk in chunked(codes):
            registered.update(PropertyCompany.objects.filter(credit_code__in=chunk).values_list("credit_code", flat=True))
        for record in self.records:
            if record.credit_code in registered:
                problems.add(record.rowno, self.header("credit_code"), "该统一社会信用代码已登记，不能重复导入。")
        return problems

    def write(self, *, actor) -> Outcome:
        companies = [
            PropertyCompany(
                name=r.name, credit_code=r.credit_code, legal_representative=r.legal_representative,
                address=r.address, service_phone=r.service_phone, filing_status=r.filing_status,
                search_key=initials(r.name),
            )
            for r in self.records
        ]
        PropertyCompany.objects.bulk_create(companies)
        return Outcome(counts={"companies": len(companies)}, summary=f"新增物业企业 {len(companies)} 家")

