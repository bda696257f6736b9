"""Excel import of household meter readings (楼栋 / 房号 / 起数 / 止数) for one utility allocation.

All-or-nothing, like the registry imports: every row is checked first (cells, the unit exists in
the allocation's building or estate, no unit twice, end ≥ start); if any row has a problem nothing
is written and the user gets the row-by-row report in Chinese; otherwise every reading is written
in one transaction (``utilities.services.utility_readings_replace``).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from wuye.core.errors import ServiceError
from wuye.disclosure.models import UtilityAllocation
from wuye.registry.importing.base import CellError, Problem, Problems, as_decimal, as_text, is_blank
from wuye.registry.importing.jobs import check_upload

from .selectors import units_in_scope
from .services import utility_readings_replace

HEADERS = ("楼栋", "房号", "起数", "止数")
MAX_ROWS = 20_000


@dataclass
class ImportResult:
    ok: bool
    written: int = 0
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    message: str = ""


def _header_key(value) -> str:
    return as_text(value).replace("*", "").replace(" ", "")


def _open_sheet(upload, problems: Problems):
    """The workbook, or ``None`` with the problem noted."""
    try:
        check_upload(upload)
    except ServiceError as exc:
        problems.add(None, "", "；".join(exc.messages))
        return None
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        problems.add(None, "", _("文件无法作为 Excel 工作簿读取，请用本页提供的模板填写后另存为 .xlsx。"))
        return None
    return wb


def _readings(excel_row: int, cell, problems: Problems) -> dict | None:
    """起数 and 止数 of one row, checked (None when a problem was noted)."""
    readings = {}
    ok = True
    for name in ("起数", "止数"):
        raw = cell(name)
        if is_blank(raw):
            problems.add(excel_row, name, _("必填。"))
            ok = False
            continue
        try:
            readings[name] = as_decimal(raw, places=2, max_digits=14)
        except CellError as exc:
            problems.add(excel_row, name, str(exc))
            ok = False
    if ok and readings["止数"] < readings["起数"]:
        problems.add(excel_row, "止数", _("止数不能小于起数。"))
        ok = False
    return readings if ok else None


def _unit_of(allocation, units: dict, seen: dict, excel_row: int, building: str, number: str,
             problems: Problems) -> int | None:
    """The unit of 楼栋 + 房号 in the allocation's scope, once per file (None when a problem was noted)."""
    found = units.get((building, number))
    if found is None:
        where = allocation.building.name if allocation.building_id else allocation.estate.name
        problems.add(excel_row, "房号", _("在%(where)s找不到 %(b)s %(n)s 这套房屋。") % {
            "where": where, "b": building, "n": number})
        return None
    uid = found[0]
    if uid in seen:
        problems.add(excel_row, "房号", _("与第 %(row)s 行是同一套房屋。") % {"row": seen[uid]})
        return None
    seen[uid] = excel_row
    return uid


def check_rows(allocation: UtilityAllocation, upload) -> tuple[list[tuple[int, Decimal, Decimal]], Problems, int]:
    """Read and check every row; nothing is written here."""
    problems = Problems()
    wb = _open_sheet(upload, problems)
    if wb is None:
        return [], problems, 0
    rows_iter = wb.worksheets[0].iter_rows(values_only=True)
    header = next(rows_iter, None) or ()
    index = {_header_key(v): i for i, v in enumerate(header) if not is_blank(v)}
    missing = [h for h in HEADERS if h not in index]
    if missing:
        problems.add(1, "", _("缺少列：%(cols)s（第一行应为：楼栋、房号、起数、止数）") % {"cols": "、".join(missing)})
        wb.close()
        return [], problems, 0
    units = {(b, n): (uid, ) for uid, b, n in units_in_scope(allocation).values_list("id", "building__name", "number")}
    seen: dict[int, int] = {}
    out: list[tuple[int, Decimal, Decimal]] = []
    count = 0
    for excel_row, values in enumerate(rows_iter, start=2):
        def cell(name, _values=values):
            i = index[name]
            return _values[i] if i < len(_values) else None
        if all(is_blank(v) for v in values):
            continue
        count += 1
        if count > MAX_ROWS:
            problems.add(excel_row, "", _("一次最多导入 %(n)s 行，请拆分后分批导入。") % {"n": MAX_ROWS})
            break
        building, number = as_text(cell("楼栋")), as_text(cell("房号"))
        for name, value in (("楼栋", building), ("房号", number)):
            if not value:
                problems.add(excel_row, name, _("必填。"))
        readings = _readings(excel_row, cell, problems)
        uid = _unit_of(allocation, units, seen, excel_row, building, number, problems) if building and number else None
        if building and number and readings is not None and uid is not None:
            out.append((uid, readings["起数"], readings["止数"]))
    wb.close()
    if count == 0 and not problems:
        problems.add(None, "", _("文件中没有读数行。"))
    return out, problems, count


def utility_readings_import(*, actor, allocation: UtilityAllocation, upload) -> ImportResult:
    """Check the whole file; write every reading or none."""
    rows, problems, count = check_rows(allocation, upload)
    if problems:
        return ImportResult(ok=False, rows=count, problems=problems.sorted(), problem_count=problems.count,
                            message=_("发现 %(n)s 处问题，未导入任何读数。请按下表修改后重新上传。") % {"n": problems.count})
    written = utility_readings_replace(actor=actor, allocation=allocation, rows=rows,
                                       file_name=getattr(upload, "name", "") or "")
    return ImportResult(ok=True, rows=count, written=written,
                        message=_("已导入 %(n)s 条分户表读数，请重新计算公摊。") % {"n": written})


def template_workbook(allocation: UtilityAllocation) -> bytes:
    """A template listing the units in scope (楼栋 and 房号 pre-filled, readings blank)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "分户表读数"
    ws.append(list(HEADERS))
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
    for b, n in units_in_scope(allocation).order_by("building__name", "number").values_list("building__name", "number")[:MAX_ROWS]:
        ws.append([b, n, None, None])
    for col, width in zip("ABCD", (14, 16, 14, 14), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
