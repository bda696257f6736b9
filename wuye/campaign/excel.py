"""The 责任分工表 (division-of-responsibility table) of a yearly plan, in and out of Excel
(issue 16 item 3). One sheet, one row per key task, the columns of the usual layout:

序号 | 重点任务 | 任务内容 | 牵头单位 | 配合单位 | 完成时限 | 报送节奏 | 量化目标 | 平台指标

Units are written by name (配合单位 separated by "、"); on import each name must match exactly one
unit of the picker (``selectors.picker_units``). Import is all-or-nothing: every row is checked
first, and the errors are reported row by row (``services.plan_import``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from wuye.cases.units import Unit
from wuye.core.excel import Column

from .indicators import INDICATORS
from .models import Rhythm

HEADERS = [gettext_lazy("序号"), gettext_lazy("重点任务"), gettext_lazy("任务内容"), gettext_lazy("牵头单位"),
           gettext_lazy("配合单位"), gettext_lazy("完成时限"), gettext_lazy("报送节奏"), gettext_lazy("量化目标"),
           gettext_lazy("平台指标")]
WIDTHS = [6, 30, 50, 22, 40, 12, 10, 10, 20]
SEP = "、"


def columns() -> list[Column]:
    return [Column(str(h), w) for h, w in zip(HEADERS, WIDTHS, strict=True)]


def export_rows(rows) -> list[list]:
    """The sheet's rows from ``selectors.task_rows``."""
    out = []
    for r in rows:
        t = r.task
        ind = INDICATORS.get(t.indicator)
        out.append([t.number, t.title, t.content, t.lead_name, SEP.join(u.name for u in r.co_units), t.due_date,
                    str(Rhythm(t.rhythm).label), t.target_quantity, str(ind.label) if ind else ""])
    return out


@dataclass
class ImportRow:
    line: int
    number: str
    title: str
    content: str
    lead: Unit | None
    co_units: list[Unit]
    due_date: date | None
    rhythm: str
    quantity: int | None
    indicator: str
    errors: list[str] = field(default_factory=list)


def _text(v) -> str:
    return "" if v is None else str(v).strip()


def _date(v):
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    text = _text(v).replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse(fileobj, units: list[dict]) -> list[ImportRow]:
    """Read the sheet; each row with its errors (an empty list when it is fine)."""
    by_name: dict[str, list[Unit]] = {}
    for u in units:
        for name in {u["name"], u.get("short") or u["name"]}:
            by_name.setdefault(name, []).append(Unit(u["kind"], u["id"], u["name"]))
    rhythms = {str(label): value for value, label in Rhythm.choices} | {v: v for v in Rhythm.values}
    indicators = {str(i.label): k for k, i in INDICATORS.items()} | {k: k for k in INDICATORS}
    try:
        ws = load_workbook(fileobj, read_only=True, data_only=True).worksheets[0]
    except Exception:  # noqa: BLE001 — any unreadable upload gets the same message
        return [ImportRow(0, "", "", "", None, [], None, "", None, "", [_("无法读取该文件，请上传 .xlsx 格式的责任分工表")])]

    def unit(name: str, errors: list[str]) -> Unit | None:
        found = by_name.get(name, [])
        if len(found) != 1:
            errors.append(_("找不到单位“%(n)s”") % {"n": name} if not found else _("单位“%(n)s”重名，请在系统中修改后再导入") % {"n": name})
            return None
        return found[0]

    out = []
    for i, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        values = list(values) + [None] * (9 - len(values))
        if not any(_text(v) for v in values[:9]):
            continue
        errors: list[str] = []
        lead_name = _text(values[3])
        lead = unit(lead_name, errors) if lead_name else None
        if not lead_name:
            errors.append(_("缺少牵头单位"))
        co = [u for u in (unit(n.strip(), errors) for n in _text(values[4]).replace("，", SEP).replace(",", SEP).split(SEP)
                          if n.strip()) if u]
        due = _date(values[5])
        if due is None:
            errors.append(_("完成时限应为日期（如 2020-12-31）"))
        rhythm = rhythms.get(_text(values[6]) or Rhythm.MONTH)
        if rhythm is None:
            errors.append(_("报送节奏应为 按月报送、按季度报送 或 按节点报送"))
        qty_text = _text(values[7])
        quantity = int(float(qty_text)) if qty_text.replace(".", "", 1).isdigit() else None
        if qty_text and quantity is None:
            errors.append(_("量化目标应为数字"))
        indicator = indicators.get(_text(values[8]), None) if _text(values[8]) else ""
        if indicator is None:
            errors.append(_("没有这个平台指标：%(k)s") % {"k": _text(values[8])})
        out.append(ImportRow(i, _text(values[0]), _text(values[1]), _text(values[2]), lead, co, due,
                             rhythm or Rhythm.MONTH, quantity, indicator or "", errors))
    return out
