"""Import of units with their owners (房屋及业主).

One row is one unit and (optionally) one of its owners:

- several rows for the same unit (same estate, building and unit number) are its co-owners;
- the same owner — by ID number, or by name and phone when there is no ID number — on several
  rows is one owner holding several units; an owner already registered on the platform is
  matched the same way and reused, never changed;
- buildings that the estate does not have yet are created; unit numbers must be new in their
  building.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from wuye.core.search import initials
from wuye.registry.models import Building, ImportJob, Owner, Ownership, Unit
from wuye.registry.selectors import estates_visible_to
from wuye.registry.services import normalize_phone

from .base import (
    CellError,
    Column,
    Importer,
    Outcome,
    Problems,
    as_code,
    as_decimal,
    as_identifier_text,
    as_int,
    choice_parser,
    chunked,
    insert_many,
    is_blank,
    max_length,
)

UNIT_FIELDS = ("floor", "exclusive_area", "area_source", "built_area", "sale_status")
OWNER_KEYS = ("owner_kind", "phone", "id_number")


@lru_cache(maxsize=65536)
def _initials(name: str) -> str:
    return initials(name)


@lru_cache(maxsize=8192)
def _known_region(prefix: str) -> bool:
    try:
        ric.get_birth_place(prefix + "0" * 12)
    except StdnumError:
        return False
    return True


def resident_id_number(value) -> str:
    """The checks of ``services.normalize_id_number`` (GB 11643-1999: length, check digit, birth
    date, region code), with the region lookup cached so that 100,000 rows stay fast, and a
    message that says which part is wrong."""
    number = as_identifier_text(value, label="证件号码")
    if len(number) != 18 or not number[:-1].isdigit():
        raise CellError("居民身份证号码应为 18 位（前 17 位为数字，末位为数字或 X）。")
    if number[-1] != ric.calc_check_digit(number):
        raise CellError("居民身份证号码末位校验码不正确，请核对。")
    try:
        ric.get_birth_date(number)
    except StdnumError:
        raise CellError("居民身份证号码中的出生日期不正确。") from None
    if not _known_region(number[:6]):
        raise CellError("居民身份证号码前 6 位不是有效的行政区划代码。")
    return number


@dataclass(slots=True)
class UnitRow:
    rowno: int
    estate_ref: tuple  # ("id", 12) or ("name", "幸福里小区", "110101001001")
    building: str
    number: str
    floor: int | None
    exclusive_area: Decimal
    area_source: str
    built_area: Decimal | None
    sale_status: str
    owner_name: str
    owner_kind: str
    phone: str
    id_number: str

    def unit_values(self) -> tuple:
        return (self.floor, self.exclusive_area, self.area_source, self.built_area, self.sale_status)


@dataclass(slots=True)
class NewOwner:
    kind: str
    name: str
    phone: str
    id_number: str


class UnitImporter(Importer):
    kind = ImportJob.Kind.UNITS
    title = "房屋及业主"
    columns = [
        Column("estate_name", "小区名称", sample="幸福里小区", width=18,
               help="与“社区代码”一起确定小区；也可以只填“小区编号”。"),
        Column("community_code", "社区代码", sample="110101001001", text=True, width=16,
               help="小区所属社区的 12 位统计用区划代码。"),
        Column("estate_id", "小区编号", width=10,
               help="平台中的小区编号（小区详情页可见）；填写后可不填小区名称和社区代码。"),
        Column("building", "楼栋", required=True, sample="3号楼", help="楼栋名称；小区尚无此楼栋时自动新增。"),
        Column("number", "房号", required=True, sample="3-1-101", text=True,
               help="同一楼栋内房号不能重复；多行填写同一房屋表示共有人。"),
        Column("floor", "楼层", sample=1, width=8, help="整数，地下层填负数。"),
        Column("exclusive_area", "专有部分面积（m²）", required=True, sample="89.50", width=18,
               help="大于 0 的数字，最多 2 位小数；用于业主共同决定事项的面积计算。"),
        Column("area_source", "面积来源", choices=Unit.AreaSource, sample="不动产登记面积", width=16,
               help="不填默认为“不动产登记面积”。"),
        Column("built_area", "建筑面积（m²）", sample="105.20", width=14, help="数字，最多 2 位小数。"),
        Column("sale_status", "销售状态", choices=Unit.SaleStatus, sample="已交付", help="不填默认为“已交付”。"),
        Column("owner_name", "业主姓名/名称", sample="王秀英", width=16,
               help="不填表示暂无业主（如开发商未售房屋）。"),
        Column("owner_kind", "业主类型", choices=Owner.Kind, sample="自然人", help="不填默认为“自然人”。"),
        Column("phone", "手机号码", sample="13812345678", text=True, width=14, help="7–12 位数字。"),
        Column("id_number", "证件号码", sample="11010519491231002X", text=True, width=22,
               help="自然人填 18 位居民身份证号码（校验末位）；单位可填统一社会信用代码。"
                    "同一证件号码（或无证件号码时同一姓名和手机号码）在多行出现，视为同一业主拥有多套房屋。"),
    ]
    notes = [
        "小区须为您有权管理的小区（区县用户仅限本区县）。",
        "已登记的业主按证件号码（或姓名加手机号码）匹配后直接关联，不修改其原有信息。",
    ]

    def __init__(self, *, user) -> None:
        super().__init__(user=user)
        self.parse_area_source = choice_parser(Unit.AreaSource)
        self.parse_sale_status = choice_parser(Unit.SaleStatus)
        self.parse_owner_kind = choice_parser(Owner.Kind)
        self.records: list[UnitRow] = []
        self.estate_ids: dict[tuple, int] = {}
        self.building_ids: dict[tuple[int, str], int] = {}
        self.owner_ids: dict[tuple, int] = {}
        self.owner_key_of_row: dict[int, tuple] = {}
        self.new_owners: dict[tuple, NewOwner] = {}
        self.units: dict[tuple[int, str, str], UnitRow] = {}

    # ---- step 1: each row on its own ----

    def parse_row(self, rowno, values) -> None:
        start = self.problems.count
        cell = self.cell
        estate_id = cell(rowno, values, "estate_id", lambda v: as_int(v, minimum=1))
        estate_name = cell(rowno, values, "estate_name", default="")
        community_code = cell(rowno, values, "community_code", as_code, default="")
        if estate_id is None and not (estate_name and community_code) and self.problems.count == start:
            if estate_name or community_code:
                missing = "community_code" if estate_name else "estate_name"
                self.error(rowno, missing, "小区名称和社区代码须同时填写（或改填小区编号）。")
            else:
                self.error(rowno, "estate_name", "请填写小区名称和社区代码，或填写小区编号。")
        building = cell(rowno, values, "building", required=True, max_len=max_length(Building, "name"))
        number = cell(rowno, values, "number", as_code, required=True, max_len=max_length(Unit, "number"))
        floor = cell(rowno, values, "floor", lambda v: as_int(v, minimum=-20, maximum=300))
        exclusive_area = cell(rowno, values, "exclusive_area", lambda v: as_decimal(v, positive=True), required=True)
        area_source = cell(rowno, values, "area_source", self.parse_area_source,
                           default=Unit.AreaSource.REGISTERED)
        built_area = cell(rowno, values, "built_area", as_decimal)
        sale_status = cell(rowno, values, "sale_status", self.parse_sale_status,
                           default=Unit.SaleStatus.DELIVERED)

        owner_name = cell(rowno, values, "owner_name", default="", max_len=max_length(Owner, "name"))
        owner_kind = cell(rowno, values, "owner_kind", self.parse_owner_kind, default=Owner.Kind.PERSON)
        phone = cell(rowno, values, "phone", lambda v: normalize_phone(as_code(v)), default="",
                     max_len=max_length(Owner, "phone"))
        id_number = ""
        if not is_blank(values.get("id_number")):
            if owner_kind == Owner.Kind.PERSON:
                id_number = cell(rowno, values, "id_number", resident_id_number, default="")
            else:
                # An organisation's code as the services store it (upper case, no spaces).
                id_number = cell(rowno, values, "id_number",
                                 lambda v: as_identifier_text(v, label="证件号码").upper().replace(" ", ""),
                                 default="", max_len=max_length(Owner, "id_number"))
        if not owner_name and any(not is_blank(values.get(k)) for k in OWNER_KEYS):
            self.error(rowno, "owner_name", "填写了业主信息，须同时填写业主姓名/名称。")

        if self.problems.count == start:
            ref = ("id", estate_id) if estate_id is not None else ("name", estate_name, community_code)
            if estate_id is not None and estate_name and community_code:
                ref = ("id+name", estate_id, estate_name, community_code)
            self.records.append(UnitRow(
                rowno, ref, building, number, floor, exclusive_area, area_source, built_area, sale_status,
                owner_name, owner_kind, phone, id_number,
            ))

    # ---- step 2: against the database ----

    def _resolve_estates(self, problems: Problems) -> dict[tuple, int]:
        visible = estates_visible_to(self.user)
        refs = {r.estate_ref for r in self.records}
        by_id: dict[int, tuple[str, str]] = {}
        ids = sorted({ref[1] for ref in refs if ref[0] in ("id", "id+name")})
        for chunk in chunked(ids):
            for pk, name, code in visible.filter(pk__in=chunk).values_list("id", "name", "community__code"):
                by_id[pk] = (name, code)
        by_name: dict[tuple[str, str], list[int]] = {}
        pairs = {(ref[1], ref[2]) for ref in refs if ref[0] == "name"}
        codes = sorted({code for _name, code in pairs})
        names = sorted({name for name, _code in pairs})
        for code_chunk in chunked(codes, 400):
            for name_chunk in chunked(names, 400):
                rows = visible.filter(community__code__in=code_chunk, name__in=name_chunk)
                for pk, name, code in rows.values_list("id", "name", "community__code"):
                    by_name.setdefault((name, code), []).append(pk)

        resolved: dict[tuple, int] = {}
        reasons: dict[tuple, tuple[str, str]] = {}
        for ref in refs:
            if ref[0] == "name":
                found = by_name.get((ref[1], ref[2]), [])
                if len(found) == 1:
                    resolved[ref] = found[0]
                elif found:
                    reasons[ref] = ("estate_id", "该社区有多个同名小区，请改填小区编号。")
                else:
                    reasons[ref] = ("estate_name", f"找不到社区代码“{ref[2]}”下名为“{ref[1]}”的小区，或该小区不在您的管辖范围内。")
            else:
                found_estate = by_id.get(ref[1])
                if found_estate is None:
                    reasons[ref] = ("estate_id", f"找不到编号为 {ref[1]} 的小区，或该小区不在您的管辖范围内。")
                elif ref[0] == "id+name" and found_estate != (ref[2], ref[3]):
                    reasons[ref] = ("estate_name", f"小区编号 {ref[1]} 与所填小区名称、社区代码不一致。")
                else:
                    resolved[ref] = ref[1]
        for r in self.records:
            if r.estate_ref in reasons:
                key, message = reasons[r.estate_ref]
                problems.add(r.rowno, self.header(key), message)
        return resolved

    def _resolve_units(self, problems: Problems) -> None:
        """Group rows into units; check unit numbers against the file and the database."""
        self.units = {}
        wanted_buildings = {(self.estate_ids[r.estate_ref], r.building) for r in self.records if r.estate_ref in self.estate_ids}
        self.building_ids = {}
        estate_list = sorted({e for e, _b in wanted_buildings})
        for chunk in chunked(estate_list):
            for pk, estate_id, name in Building.objects.filter(estate_id__in=chunk).values_list("id", "estate_id", "name"):
                if (estate_id, name) in wanted_buildings:
                    self.building_ids[(estate_id, name)] = pk
        taken: set[tuple[int, str]] = set()
        for chunk in chunked(sorted(self.building_ids.values())):
            taken.update(Unit.objects.filter(building_id__in=chunk).values_list("building_id", "number"))

        header_of = {f: self.header(f) for f in UNIT_FIELDS}
        for r in self.records:
            estate_id = self.estate_ids.get(r.estate_ref)
            if estate_id is None:
                continue
            key = (estate_id, r.building, r.number)
            first = self.units.get(key)
            if first is None:
                self.units[key] = r
                building_id = self.building_ids.get((estate_id, r.building))
                if building_id is not None and (building_id, r.number) in taken:
                    problems.add(r.rowno, self.header("number"), f"{r.building}已登记房号“{r.number}”，不能重复导入。")
                continue
            differs = [header_of[f] for f, a, b in zip(UNIT_FIELDS, first.unit_values(), r.unit_values(), strict=True) if a != b]
            if differs:
                problems.add(r.rowno, differs[0],
                             f"与第 {first.rowno} 行是同一房屋（共有人），但{'、'.join(differs)}不一致。")

    def _owner_keys(self, problems: Problems) -> None:
        """Decide which rows name the same owner, and which owners are already registered (one
        buyer, one head — 法释〔2009〕7号 第九条: a person on file is linked, not added again)."""
        owned = [r for r in self.records if r.owner_name]
        by_id = self._key_rows(owned, problems)
        registered_by_id, registered_by_name_phone = self._registered(owned, by_id)
        self._match_registered(owned, registered_by_id, registered_by_name_phone, problems)
        self._check_co_owners(owned, problems)

    def _key_rows(self, owned: list[UnitRow], problems: Problems) -> dict[str, UnitRow]:
        """Each row's owner key: its ID number; else its name and phone; else the row alone."""
        self.owner_key_of_row = {}
        by_id: dict[str, UnitRow] = {}
        by_name_phone: dict[tuple[str, str], tuple] = {}
        for r in owned:
            if r.id_number:
                first = by_id.setdefault(r.id_number, r)
                if first is not r and first.owner_name != r.owner_name:
                    problems.add(r.rowno, self.header("id_number"),
                                 f"与第 {first.rowno} 行证件号码相同，但业主姓名/名称不同。")
                if r.phone:
                    by_name_phone.setdefault((r.owner_name, r.phone), ("id", r.id_number))
        for r in owned:
            if r.id_number:
                key = ("id", r.id_number)
            elif r.phone:
                key = by_name_phone.setdefault((r.owner_name, r.phone), ("np", r.owner_name, r.phone))
            else:
                # A name alone does not show that two rows are the same person.
                key = ("row", r.rowno)
            self.owner_key_of_row[r.rowno] = key
        return by_id

    @staticmethod
    def _registered(owned: list[UnitRow], by_id: dict) -> tuple[dict[str, tuple[int, str]], dict[tuple[str, str], int]]:
        """Owners already on the platform: by ID number, or by name and phone."""
        registered_by_id: dict[str, tuple[int, str]] = {}
        for chunk in chunked(sorted(by_id)):
            for pk, number, name in Owner.objects.filter(id_number__in=chunk).values_list("id", "id_number", "name"):
                registered_by_id.setdefault(number, (pk, name))
        names = sorted({r.owner_name for r in owned if not r.id_number and r.phone})
        registered_by_name_phone: dict[tuple[str, str], int] = {}
        for chunk in chunked(names):
            rows = Owner.objects.filter(name__in=chunk).exclude(phone="").values_list("id", "name", "phone")
            for pk, name, phone in rows:
                registered_by_name_phone.setdefault((name, phone), pk)
        return registered_by_id, registered_by_name_phone

    def _match_registered(self, owned: list[UnitRow], registered_by_id: dict, registered_by_name_phone: dict,
                          problems: Problems) -> None:
        self.new_owners = {}
        self.owner_ids = {}
        for r in owned:
            key = self.owner_key_of_row[r.rowno]
            if key in self.owner_ids or key in self.new_owners:
                continue
            found_pk = None
            if key[0] == "id" and key[1] in registered_by_id:
                found_pk, found_name = registered_by_id[key[1]]
                if found_name != r.owner_name:
                    problems.add(r.rowno, self.header("id_number"), "该证件号码已登记在另一姓名/名称的业主名下，请核对。")
            elif key[0] == "np":
                found_pk = registered_by_name_phone.get((key[1], key[2]))
            if found_pk is not None:
                self.owner_ids[key] = found_pk
            else:
                self.new_owners[key] = NewOwner(r.owner_kind, r.owner_name, r.phone, r.id_number)

    def _check_co_owners(self, owned: list[UnitRow], problems: Problems) -> None:
        """Co-owners: the same owner twice on one unit is a mistake."""
        seen: dict[tuple, int] = {}
        for r in owned:
            estate_id = self.estate_ids.get(r.estate_ref)
            if estate_id is None:
                continue
            key = self.owner_key_of_row[r.rowno]
            name_key = key if key[0] != "row" else ("name", r.owner_name)
            first = seen.setdefault((estate_id, r.building, r.number, name_key), r.rowno)
            if first != r.rowno:
                problems.add(r.rowno, self.header("owner_name"), f"与第 {first} 行为同一房屋的同一业主，重复登记。")

    def resolve(self) -> Problems:
        problems = Problems()
        self.estate_ids = self._resolve_estates(problems)
        self._resolve_units(problems)
        self._owner_keys(problems)
        return problems

    # ---- step 3: write ----

    def write(self, *, actor) -> Outcome:
        new_buildings = []
        for estate_id, name in sorted({(e, r.building) for (e, _b, _n), r in self.units.items()}):
            if (estate_id, name) not in self.building_ids:
                new_buildings.append(Building(estate_id=estate_id, name=name))
        Building.objects.bulk_create(new_buildings)
        for b in new_buildings:
            self.building_ids[(b.estate_id, b.name)] = b.pk

        # Units and ownerships are the bulk of a large file: plain multi-row inserts; unit ids are
        # read back through their unique key (building, number).
        insert_many(
            Unit,
            ["estate", "building", "number", "floor", "exclusive_area", "area_source", "built_area", "sale_status"],
            [
                (estate_id, self.building_ids[(estate_id, building)], number, r.floor, r.exclusive_area,
                 r.area_source, r.built_area, r.sale_status)
                for (estate_id, building, number), r in self.units.items()
            ],
        )
        unit_ids: dict[tuple[int, str], int] = {}
        for chunk in chunked(sorted({self.building_ids[(e, b)] for e, b, _n in self.units})):
            for pk, building_id, number in Unit.objects.filter(building_id__in=chunk).values_list("id", "building_id", "number"):
                unit_ids[(building_id, number)] = pk

        owner_keys = list(self.new_owners)
        owners = [
            Owner(kind=o.kind, name=o.name, phone=o.phone, id_number=o.id_number, search_key=_initials(o.name))
            for o in self.new_owners.values()
        ]
        Owner.objects.bulk_create(owners)
        owner_ids = dict(self.owner_ids)
        owner_ids.update({key: o.pk for key, o in zip(owner_keys, owners, strict=True)})

        ownerships = []
        for r in self.records:
            if not r.owner_name:
                continue
            estate_id = self.estate_ids[r.estate_ref]
            building_id = self.building_ids[(estate_id, r.building)]
            ownerships.append((unit_ids[(building_id, r.number)], owner_ids[self.owner_key_of_row[r.rowno]], estate_id))
        insert_many(Ownership, ["unit", "owner", "estate"], ownerships)

        counts = {
            "buildings": len(new_buildings), "units": len(self.units), "owners": len(owners),
            "owners_matched": len(self.owner_ids), "ownerships": len(ownerships),
        }
        summary = (
            f"新增楼栋 {len(new_buildings)} 栋、房屋 {len(self.units)} 套、业主 {len(owners)} 人"
            f"（关联已登记业主 {len(self.owner_ids)} 人）、产权关系 {len(ownerships)} 条"
        )
        return Outcome(counts=counts, summary=summary)
