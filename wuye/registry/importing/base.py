"""What every import kind shares: column definitions, the problem list, cell parsing, reading
the workbook row by row, and the base class of an importer.

An importer works in three steps:

1. ``parse_row`` checks one row on its own (required cells, types, choices, identifiers) and
   keeps a compact record; problems found here are final.
2. ``resolve`` checks the parsed records against the database (references that exist and that
   the uploader may see, duplicates against registered data) and remembers what it found. It
   runs once during validation and again inside the write transaction, so that a conflicting
   write made in between is caught before anything is written.
3. ``write`` inserts everything with bulk inserts and returns the counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, BinaryIO

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import get_language
from openpyxl import load_workbook

from wuye.core.errors import ServiceError
from wuye.core.money import round_half_up

# A report lists every problem up to this many (the count stays exact beyond it).
MAX_REPORTED_PROBLEMS = 100_000
PREVIEW_PROBLEMS = 200


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    help: str = ""
    choices: type[models.TextChoices] | None = None
    sample: Any = ""
    width: int = 16
    # Codes and identifiers are kept as text in the template so that Excel keeps every digit.
    text: bool = False

    @property
    def template_header(self) -> str:
        return f"{self.header}*" if self.required else self.header

    @property
    def allowed(self) -> str:
        if self.choices is None:
            return ""
        return "、".join(str(label) for label in self.choices.labels)


@dataclass(frozen=True)
class Problem:
    row: int | None  # Excel row number; None for a problem with the whole file
    column: str
    message: str

    def as_list(self) -> list:
        return [self.row, self.column, self.message]


class Problems:
    """Every problem found, in the order found; only the first ``MAX_REPORTED_PROBLEMS`` are kept."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.count = 0

    def add(self, row: int | None, column: str, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_REPORTED_PROBLEMS:
            self.items.append(Problem(row, column, message))

    def extend(self, other: Problems) -> None:
        self.count += other.count
        room = MAX_REPORTED_PROBLEMS - len(self.items)
        self.items.extend(other.items[:room])

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.row or 0,))


class FileUnreadable(Exception):
    """The file cannot be read as a workbook of this kind (wrong format, missing columns…)."""

    def __init__(self, problems: Problems):
        super().__init__("文件无法导入")
        self.problems = problems


class CellError(ValueError):
    """A cell's value is not acceptable; the message is shown to the user."""


# ---- cell parsing ---------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: Any) -> str:
    """A cell as text: numbers without a trailing ``.0``; whitespace trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def as_code(value: Any) -> str:
    """An identifier typed into a cell: digits kept exactly, spaces removed."""
    return _SPACES.sub("", as_text(value))


def as_identifier_text(value: Any, *, label: str) -> str:
    """An 18-character identifier (ID number): a numeric cell has already lost digits in Excel."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e15:
        raise CellError(f"{label}被 Excel 存成了数字，末几位已丢失；请将该列设置为“文本”格式后重新填写。")
    return as_code(value).upper()


def as_decimal(value: Any, *, places: int = 2, minimum: Decimal | None = Decimal("0"),
               max_digits: int = 12, positive: bool = False) -> Decimal:
    if isinstance(value, bool):
        raise CellError("应为数字。")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # repr() is the shortest text that reads back as the same double: 89.55 → "89.55".
        number = Decimal(repr(value))
    else:
        text = as_text(value).replace(",", "").replace("，", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError("应为数字。") from None
    if not number.is_finite():
        raise CellError("应为数字。")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise CellError(f"最多保留 {places} 位小数。")
    if positive and number <= 0:
        raise CellError("应大于 0。")
    if minimum is not None and number < minimum:
        raise CellError(f"不能小于 {minimum}。")
    number = round_half_up(number, places)  # at most ``places`` decimals already: only pads
    if len(number.as_tuple().digits) > max_digits:
        raise CellError("数值过大。")
    return number


def as_int(value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool):
        raise CellError("应为整数。")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError("应为整数。")
        number = int(value)
    else:
        text = as_text(value)
        if not re.fullmatch(r"[-+]?\d+", text):
            raise CellError("应为整数。")
        number = int(text)
    if minimum is not None and number < minimum:
        raise CellError(f"不能小于 {minimum}。")
    if maximum is not None and number > maximum:
        raise CellError(f"不能大于 {maximum}。")
    return number


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = as_text(value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError("日期格式不正确，应填写为 2024-01-31 这样的日期。")


@lru_cache(maxsize=128)
def _labels(choices: type[models.TextChoices], language: str | None) -> dict[str, str]:
    return {str(label): value for value, label in choices.choices}


def choice_parser(choices: type[models.TextChoices]) -> Callable[[Any], str]:
    """A parser for a choice written as its Chinese label (as in the template's drop-down)."""
    labels = _labels(choices, get_language())
    allowed = "、".join(labels)

    def parse(value: Any) -> str:
        text = as_text(value)
        try:
            return labels[text]
        except KeyError:
            raise CellError(f"“{text}”不是可选值；可选：{allowed}。") from None

    return parse


def as_choice(value: Any, choices: type[models.TextChoices]) -> str:
    return choice_parser(choices)(value)


def service_message(error: ServiceError) -> str:
    """The Chinese message of a ServiceError raised by a registry normaliser."""
    if hasattr(error, "message_dict"):
        return "；".join(m for messages in error.message_dict.values() for m in messages)
    return "；".join(error.messages)


def max_length(model: type[models.Model], field_name: str) -> int:
    return model._meta.get_field(field_name).max_length


def chunked(items: list, size: int | None = None) -> Iterator[list]:
    """Slices small enough for an ``IN (...)`` list on every supported database."""
    if size is None:
        size = 900 if connection.vendor == "sqlite" else 10_000
    for start in range(0, len(items), size):
        yield items[start:start + size]


def insert_many(model: type[models.Model], fields: list[str], rows: list[tuple]) -> None:
    """INSERT many rows with ``executemany``: the plain values of ``fields`` in each tuple, plus
    ``created_at``/``updated_at`` set to now. For large imports where the ORM's per-object
    ``bulk_create`` is the bottleneck; use it only for rows whose primary keys are not needed
    (or are read back through a unique key)."""
    meta = model._meta
    now = meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    columns = [meta.get_field(f).column for f in fields] + ["created_at", "updated_at"]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for chunk in chunked(rows, 5000):
            cursor.executemany(sql, [(*row, now, now) for row in chunk])


# ---- reading the workbook -------------------------------------------------------------------


def _normalise_header(text: Any) -> str:
    return _SPACES.sub("", as_text(text)).rstrip("*＊")


@dataclass
class Sheet:
    """The data rows of the first worksheet, with the columns found in its header row."""

    rows: Iterator[tuple[int, dict[str, Any]]]
    estimated_rows: int | None


def _header_positions(header: tuple, columns: list[Column], problems: Problems) -> list[tuple[int, str]]:
    """(position, column key) of each known column of the header row; unknown, repeated and
    missing required columns are added to ``problems``."""
    by_header = {c.header: c for c in columns}
    positions: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, raw in enumerate(header):
        name = _normalise_header(raw)
        if not name:
            continue
        column = by_header.get(name)
        if column is None:
            problems.add(1, name, f"无法识别的列“{name}”，请使用模板中的列名。")
        elif column.key in seen:
            problems.add(1, name, f"列“{name}”重复出现。")
        else:
            seen.add(column.key)
            positions.append((index, column.key))
    for column in columns:
        if column.required and column.key not in seen:
            problems.add(1, column.header, f"缺少必填列“{column.header}”。")
    return positions


def _data_rows(iterator, positions: list[tuple[int, str]], max_rows: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """The non-blank rows after the header, as {column key: value}, numbered as Excel shows them."""
    count = 0
    for rowno, values in enumerate(iterator, start=2):
        if rowno > 2 * max_rows + 1:
            # Blank rows cost time too: a sheet of endless empty rows is refused, not read.
            raise FileUnreadable(_too_many(max_rows))
        if values is None or all(is_blank(v) for v in values):
            continue
        count += 1
        if count > max_rows:
            raise FileUnreadable(_too_many(max_rows))
        size = len(values)
        yield rowno, {key: (values[i] if i < size else None) for i, key in positions}


def _refuse(workbook, problems: Problems, rowno: int | None, text: str) -> FileUnreadable:
    workbook.close()
    problems.add(rowno, "", text)
    return FileUnreadable(problems)


def open_sheet(fileobj: BinaryIO, columns: list[Column], *, max_rows: int) -> tuple[Any, Sheet]:
    """Open the workbook read-only and check its header row; returns (workbook, sheet)."""
    problems = Problems()
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # openpyxl raises zip, XML and key errors for files that are not xlsx
        problems.add(None, "", "文件无法读取：请上传用本平台模板填写、以 .xlsx 格式保存的 Excel 文件。")
        raise FileUnreadable(problems) from None
    worksheet = workbook.worksheets[0]
    iterator = worksheet.iter_rows(values_only=True)
    header = next(iterator, None)
    if header is None or all(is_blank(v) for v in header):
        raise _refuse(workbook, problems, 1, "第一行应为列名（请使用本平台的导入模板）。")
    positions = _header_positions(header, columns, problems)
    if problems:
        workbook.close()
        raise FileUnreadable(problems)
    estimated = worksheet.max_row - 1 if worksheet.max_row and worksheet.max_row > 1 else None
    if estimated is not None and estimated > max_rows:
        raise _refuse(workbook, problems, None, f"文件共 {estimated} 行，超过单次导入上限 {max_rows} 行，请拆分后分批导入。")
    return workbook, Sheet(rows=_data_rows(iterator, positions, max_rows), estimated_rows=estimated)


def _too_many(max_rows: int) -> Problems:
    problems = Problems()
    problems.add(None, "", f"数据超过单次导入上限 {max_rows} 行，请拆分后分批导入。")
    return problems


# ---- importers ------------------------------------------------------------------------------


@dataclass
class Outcome:
    counts: dict[str, int] = field(default_factory=dict)
    summary: str = ""


class Importer:
    """Base class of the three import kinds. Subclasses define ``kind``, ``title``, ``columns``
    and the three steps."""

    kind: str = ""
    title: str = ""
    columns: list[Column] = []
    notes: list[str] = []

    def __init__(self, *, user) -> None:
        self.user = user
        self.problems = Problems()
        self.rows_seen = 0
        self._headers = {c.key: c.header for c in self.columns}
        self._sample = self._sample_signature()

    # -- helpers for subclasses --

    def header(self, key: str) -> str:
        return self._headers[key]

    def error(self, rowno: int | None, key: str, message: str) -> None:
        self.problems.add(rowno, self._headers.get(key, key), message)

    def cell(self, rowno: int, values: dict[str, Any], key: str, parse: Callable[[Any], Any] | None = None,
             *, required: bool = False, default: Any = None, max_len: int | None = None) -> Any:
        """Parse one cell, recording a problem (and returning ``default``) when it is not acceptable."""
        raw = values.get(key)
        if is_blank(raw):
            if required:
                self.error(rowno, key, "必填，不能为空。")
            return default
        try:
            value = parse(raw) if parse is not None else as_text(raw)
        except CellError as exc:
            self.error(rowno, key, str(exc))
            return default
        except ServiceError as exc:
            self.error(rowno, key, service_message(exc))
            return default
        if max_len is not None and isinstance(value, str) and len(value) > max_len:
            self.error(rowno, key, f"不能超过 {max_len} 个字。")
            return default
        return value

    def _sample_signature(self) -> tuple:
        return tuple(as_text(c.sample) for c in self.columns)

    def is_sample_row(self, values: dict[str, Any]) -> bool:
        first = self.columns[0]
        if as_text(values.get(first.key)) != self._sample[0]:
            return False
        return tuple(as_text(values.get(c.key)) for c in self.columns) == self._sample

    # -- the three steps --

    def parse_row(self, rowno: int, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def resolve(self) -> Problems:
        raise NotImplementedError

    def write(self, *, actor) -> Outcome:
        raise NotImplementedError

    # -- driving --

    def parse(self, rows: Iterable[tuple[int, dict[str, Any]]], *, progress: Callable[[int], None] | None = None,
              every: int = 2000) -> None:
        for rowno, values in rows:
            self.rows_seen += 1
            if self.is_sample_row(values):
                self.problems.add(rowno, "", "这是模板中的示例行，请删除后再导入。")
            else:
                self.parse_row(rowno, values)
            if progress is not None and self.rows_seen % every == 0:
                progress(self.rows_seen)
        if self.rows_seen == 0:
            self.problems.add(None, "", "文件中没有数据行。")
