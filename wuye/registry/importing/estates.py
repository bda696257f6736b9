"""Import of residential estates (住宅小区) with their current service contract."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from wuye.accounts.models import Role
from wuye.core.search import initials
from wuye.registry.models import Estate, ImportJob, PropertyCompany, ServiceContract
from wuye.registry.selectors import companies_selectable_by
from wuye.registry.services import normalize_credit_code
from wuye.territory.models import Community

from .base import (
    Column,
    Importer,
    Outcome,
    Problems,
    as_choice,
    as_code,
    as_date,
    as_decimal,
    as_int,
    as_text,
    chunked,
    is_blank,
    max_length,
)

COMMUNITY_CODE = re.compile(r"^\d{12}$")
CONTRACT_KEYS = ("start_date", "end_date", "grade", "fee_rate", "filing_number")
NO_COMPANY_MODES = (Estate.ManagementMode.NONE, Estate.ManagementMode.SELF_MANAGED)


@dataclass(slots=True)
class EstateRow:
    rowno: int
    name: str
    address: str
    community: str  # a 12-digit code or a name, as typed
    kind: str
    year_built: int | None
    floor_area: Decimal | None
    management_mode: str
    credit_code: str
    start_date: date | None
    end_date: date | None
    grade: str
    fee_rate: Decimal | None
    filing_number: str


@dataclass(slots=True)
class Place:
    community_id: int
    street_id: int
    district_id: int


def communities_for_import(user):
    """Communities whose estates the user may import: a district officer only their own district's."""
    qs = Community.objects.all()
    if getattr(user, "role", None) == Role.DISTRICT:
        qs = qs.filter(street__district_id=user.district_id)
    return qs


class EstateImporter(Importer):
    kind = ImportJob.Kind.ESTATES
    title = "住宅小区"
    columns = [
        Column("name", "小区名称", required=True, sample="示例花园", width=20,
               help="同一社区内小区名称不能重复。"),
        Column("address", "地址", required=True, sample="示范市东城区多福巷 8 号", width=30),
        Column("community", "所属社区", required=True, sample="110101001001", text=True, width=18,
               help="填写 12 位统计用区划代码（推荐），或社区名称（名称须唯一）。区县用户只能导入本区县的社区。"),
        Column("kind", "小区类型", choices=Estate.Kind, sample="商品住宅", help="不填默认为“商品住宅”。"),
        Column("year_built", "建成年份", sample=2005, help="4 位年份，如 2005。"),
        Column("floor_area", "总建筑面积（m²）", sample="52000.00", width=18, help="数字，最多 2 位小数。"),
        Column("management_mode", "管理模式", choices=Estate.ManagementMode, sample="专业化物业服务", width=20,
               help="不填默认为“专业化物业服务”。"),
        Column("company", "物业企业统一社会信用代码", sample="91110105MA01ABCD00", text=True, width=24,
               help="须为平台已登记且未注销的物业企业。填写后须同时填写合同起止日、约定服务等级和物业费标准；"
                    "管理模式为“无物业管理”或“业主自治管理”时不填。"),
        Column("start_date", "合同起始日", sample="2024-01-01", width=14, help="日期，如 2024-01-01。"),
        Column("end_date", "合同终止日", sample="2026-12-31", width=14, help="不早于合同起始日。"),
        Column("grade", "约定服务等级", choices=ServiceContract.Grade, sample="三星级", width=14),
        Column("fee_rate", "物业费标准（元/m²·月）", sample="2.50", width=20, help="数字，最多 2 位小数。"),
        Column("filing_number", "合同备案号", sample="WY-2024-0001", text=True, width=16),
    ]
    notes = [
        "导入的小区以所填合同为现行物业服务合同，并据此确定小区的物业服务企业。",
        "已登记的小区（同一社区内同名）不能重复导入。",
    ]

    def __init__(self, *, user) -> None:
        super().__init__(user=user)
        self.records: list[EstateRow] = []
        self.places: dict[str, Place] = {}
        self.companies: dict[str, int] = {}

    def parse_row(self, rowno, values) -> None:
        start = self.problems.count
        this_year = timezone.localdate().year
        name = self.cell(rowno, values, "name", required=True, max_len=max_length(Estate, "name"))
        address = self.cell(rowno, values, "address", required=True, max_len=max_length(Estate, "address"))
        community = self.cell(rowno, values, "community", as_code, required=True, max_len=50)
        kind = self.cell(rowno, values, "kind", lambda v: as_choice(v, Estate.Kind), default=Estate.Kind.COMMERCIAL)
        year_built = self.cell(rowno, values, "year_built", lambda v: as_int(v, minimum=1900, maximum=this_year))
        floor_area = self.cell(rowno, values, "floor_area", as_decimal)
        mode = self.cell(rowno, values, "management_mode", lambda v: as_choice(v, Estate.ManagementMode),
                         default=Estate.ManagementMode.PROFESSIONAL)
        credit_code = self.cell(rowno, values, "company", lambda v: normalize_credit_code(as_code(v)), default="")
        start_date = self.cell(rowno, values, "start_date", as_date)
        end_date = self.cell(rowno, values, "end_date", as_date)
        grade = self.cell(rowno, values, "grade", lambda v: as_choice(v, ServiceContract.Grade), default="")
        fee_rate = self.cell(rowno, values, "fee_rate",
                             lambda v: as_decimal(v, max_digits=6))
        filing_number = self.cell(rowno, values, "filing_number", as_text, default="",
                                  max_len=max_length(ServiceContract, "filing_number"))

        has_company = not is_blank(values.get("company"))
        if has_company:
            for key in ("start_date", "end_date", "grade", "fee_rate"):
                if is_blank(values.get(key)):
                    self.error(rowno, key, "填写了物业企业，须同时填写此项。")
            if start_date and end_date and end_date < start_date:
                self.error(rowno, "end_date", "合同终止日不能早于起始日。")
            if mode in NO_COMPANY_MODES:
                self.error(rowno, "management_mode",
                           f"管理模式为“{Estate.ManagementMode(mode).label}”时不应填写物业企业。")
        elif any(not is_blank(values.get(key)) for key in CONTRACT_KEYS):
            self.error(rowno, "company", "填写了合同信息，须同时填写物业企业统一社会信用代码。")

        if self.problems.count == start:
            self.records.append(EstateRow(
                rowno, name, address, community, kind, year_built, floor_area, mode, credit_code,
                start_date, end_date, grade, fee_rate, filing_number,
            ))

    def _resolve_communities(self, problems: Problems) -> None:
        self.places = {}
        allowed = communities_for_import(self.user)
        typed = {r.community for r in self.records}
        codes = sorted(t for t in typed if COMMUNITY_CODE.match(t))
        names = sorted(t for t in typed if not COMMUNITY_CODE.match(t))
        found: dict[str, list[tuple]] = {}
        fields = ("code", "name", "id", "street_id", "street__district_id")
        for chunk in chunked(codes):
            for code, _name, *place in Community.objects.filter(code__in=chunk).values_list(*fields):
                found.setdefault(code, []).append(place)
        for chunk in chunked(names):
            for _code, name, *place in Community.objects.filter(name__in=chunk).values_list(*fields):
                found.setdefault(name, []).append(place)
        in_scope = set(allowed.filter(pk__in=[p[0] for ps in found.values() for p in ps]).values_list("pk", flat=True))
        self._community_problems: dict[str, str] = {}
        for text in typed:
            matches = found.get(text, [])
            if not matches:
                what = "统计用区划代码" if COMMUNITY_CODE.match(text) else "名称"
                self._community_problems[text] = f"找不到{what}为“{text}”的社区。"
            elif len(matches) > 1:
                self._community_problems[text] = f"名称为“{text}”的社区不止一个，请改填 12 位统计用区划代码。"
            elif matches[0][0] not in in_scope:
                self._community_problems[text] = f"社区“{text}”不在您管辖的区县范围内。"
            else:
                self.places[text] = Place(*matches[0])

    def resolve(self) -> Problems:
        problems = Problems()
        self._resolve_communities(problems)

        # The same choice as the contract form: any registered company that is not deregistered.
        codes = sorted({r.credit_code for r in self.records if r.credit_code})
        self.companies = {}
        registered_codes: set[str] = set()
        selectable = companies_selectable_by(self.user)
        for chunk in chunked(codes):
            registered_codes.update(PropertyCompany.objects.filter(credit_code__in=chunk).values_list("credit_code", flat=True))
            self.companies.update(selectable.filter(credit_code__in=chunk).values_list("credit_code", "id"))

        community_ids = sorted({p.community_id for p in self.places.values()})
        names = sorted({r.name for r in self.records})
        registered: set[tuple[int, str]] = set()
        for chunk in chunked(community_ids, 400):
            for name_chunk in chunked(names, 400):
                registered.update(
                    Estate.objects.filter(community_id__in=chunk, name__in=name_chunk).values_list("community_id", "name")
                )

        first_row: dict[tuple[int, str], int] = {}
        for r in self.records:
            place = self.places.get(r.community)
            if place is None:
                problems.add(r.rowno, self.header("community"), self._community_problems[r.community])
            else:
                key = (place.community_id, r.name)
                if key in registered:
                    problems.add(r.rowno, self.header("name"), f"该社区已登记名为“{r.name}”的小区，不能重复导入。")
                first = first_row.setdefault(key, r.rowno)
                if first != r.rowno:
                    problems.add(r.rowno, self.header("name"), f"与第 {first} 行是同一社区的同名小区。")
            if r.credit_code and r.credit_code not in self.companies:
                if r.credit_code in registered_codes:
                    message = "该物业企业已注销，不能作为新的物业服务合同的企业。"
                else:
                    message = "平台尚未登记该统一社会信用代码的物业企业，请先导入或登记该企业。"
                problems.add(r.rowno, self.header("company"), message)
        return problems

    def write(self, *, actor) -> Outcome:
        estates = []
        for r in self.records:
            place = self.places[r.community]
            estates.append(Estate(
                name=r.name, address=r.address, community_id=place.community_id, street_id=place.street_id,
                district_id=place.district_id, kind=r.kind, year_built=r.year_built, floor_area=r.floor_area,
                management_mode=r.management_mode, company_id=self.companies.get(r.credit_code) if r.credit_code else None,
                search_key=initials(r.name),
            ))
        Estate.objects.bulk_create(estates)
        contracts = [
            ServiceContract(
                estate_id=estate.pk, company_id=estate.company_id, start_date=r.start_date, end_date=r.end_date,
                contracted_grade=r.grade, fee_rate=r.fee_rate, filing_number=r.filing_number, is_current=True,
            )
            for r, estate in zip(self.records, estates, strict=True)
            if r.credit_code
        ]
        ServiceContract.objects.bulk_create(contracts)
        return Outcome(
            counts={"estates": len(estates), "contracts": len(contracts)},
            summary=f"新增住宅小区 {len(estates)} 个、物业服务合同 {len(contracts)} 份",
        )
