"""The workbooks users download: an empty template per kind, and the error report of a job."""

from __future__ import annotations

import io
from functools import lru_cache

from django.utils.translation import get_language
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .base import Importer, Problem

HEADER_FONT = Font(bold=True, color="FFFFFF")
REQUIRED_FILL = PatternFill("solid", fgColor="1D4E89")
OPTIONAL_FILL = PatternFill("solid", fgColor="6B7A90")
SAMPLE_FONT = Font(italic=True, color="8A94A6")
TEMPLATE_ROWS = 5000  # rows given drop-down lists for choice columns


def template_workbook(importer_cls: type[Importer]) -> bytes:
    """Sheet 1 “数据”: the header row and one sample row; sheet 2 “填写说明”: every column explained."""
    return _template_workbook(importer_cls, get_language())


@lru_cache(maxsize=16)
def _template_workbook(importer_cls: type[Importer], language: str | None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    for index, column in enumerate(importer_cls.columns, start=1):
        letter = get_column_letter(index)
        head = ws.cell(row=1, column=index, value=column.template_header)
        head.font = HEADER_FONT
        head.fill = REQUIRED_FILL if column.required else OPTIONAL_FILL
        head.alignment = Alignment(horizontal="center", vertical="center")
        sample = ws.cell(row=2, column=index, value=column.sample if column.sample != "" else None)
        sample.font = SAMPLE_FONT
        ws.column_dimensions[letter].width = column.width
        if column.text:
            # The whole column is text, so Excel keeps every digit of codes and ID numbers typed later.
            ws.column_dimensions[letter].number_format = "@"
            sample.number_format = "@"
            if sample.value is not None:
                sample.value = str(sample.value)
        if column.choices is not None:
            allowed = ",".join(str(label) for label in column.choices.labels)
            validation = DataValidation(type="list", formula1=f'"{allowed}"', allow_blank=True,
                                        showErrorMessage=True, errorTitle="不是可选值",
                                        error=f"请从下拉列表中选择：{column.allowed}")
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(validation)
    ws.freeze_panes = "A2"

    guide = wb.create_sheet("填写说明")
    guide.append([f"{importer_cls.title}导入模板 · 填写说明"])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append(["1. 在“数据”工作表中从第 2 行起每行填写一条记录；第 2 行为示例，填写前请删除。"])
    guide.append(["2. 列名带 * 的为必填项；列名请勿修改，列的顺序可以调整，不需要的选填列可以删除。"])
    guide.append(["3. 导入为“全部成功或全部不导入”：只要有一处问题，平台不写入任何数据，"
                  "并给出逐行的错误报告（行号、列名、问题），修改后重新上传即可。"])
    for number, note in enumerate(importer_cls.notes, start=4):
        guide.append([f"{number}. {note}"])
    guide.append([])
    header_row = guide.max_row + 1
    guide.append(["列名", "是否必填", "说明", "可选值"])
    for cell in guide[header_row]:
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL
    for column in importer_cls.columns:
        guide.append([column.header, "必填" if column.required else "选填", column.help, column.allowed])
    for letter, width in zip("ABCD", (24, 10, 70, 48), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def error_report_workbook(problems: list[Problem], *, title: str, total: int, file_name: str) -> bytes:
    """One row per problem: 行号, 列名, 问题."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("错误报告")
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 80
    ws.append(["行号", "列名", "问题"])
    for p in problems:
        ws.append([p.row if p.row is not None else "整个文件", p.column, p.message])
    info = wb.create_sheet("说明")
    info.append(["导入类型", title])
    info.append(["文件名", file_name])
    info.append(["问题总数", total])
    if total > len(problems):
        info.append(["说明", f"问题过多，仅列出前 {len(problems)} 个。"])
    info.append(["处理结果", "文件中存在问题，未写入任何数据。请按本报告逐行修改后重新上传整个文件。"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
