"""Excel export: a small streaming xlsx writer (openpyxl write-only mode).

Rows are written one at a time into a temporary file, so memory stays flat whatever the size of
the export; the finished file is streamed to the browser. Cell values that look like formulas
are written as text (no formula injection from user-entered names).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1D4E89")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    number_format: str | None = None


def _cell(ws, value):
    if isinstance(value, datetime):
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        # Excel keeps fractions of a day: a day deadline's 23:59:59.999999 would read as the next
        # day's 00:00. Seconds are what a sheet shows; the microseconds go.
        value = value.replace(microsecond=0)
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, bool):
        return WriteOnlyCell(ws, value=_("是") if value else _("否"))
    if isinstance(value, (int, Decimal)) or value is None:
        return WriteOnlyCell(ws, value=value)
    text = str(value)
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"  # never a formula, even when the text starts with "="
    return cell


def write_xlsx(fileobj, *, sheet_title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> int:
    """Write a one-sheet workbook to ``fileobj``; returns the number of data rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A2"
    header = []
    for col in columns:
        cell = WriteOnlyCell(ws, value=col.header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        header.append(cell)
    ws.append(header)
    formats = [c.number_format for c in columns]
    n = 0
    for row in rows:
        cells = []
        for value, fmt in zip(row, formats, strict=False):
            cell = _cell(ws, value)
            if fmt and not isinstance(value, str):
                cell.number_format = fmt
            cells.append(cell)
        ws.append(cells)
        n += 1
    wb.save(fileobj)
    return n


def xlsx_response(*, filename: str, sheet_title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> FileResponse:
    """An attachment response with the workbook; the temporary file is removed once sent."""
    tmp = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(tmp, sheet_title=sheet_title, columns=columns, rows=rows)
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
