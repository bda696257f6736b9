"""Unit metrics, monthly rankings and drill-downs (issue §14, rules.md §7): the exact arithmetic.

This module computes figures from counts and nothing else (``compute``, ``figures_of``, the red
list's size, the months); the queries — which rollup rows a user may read, the ranking order and
the composite in SQL, the drill-down's tasks — are in ``selectors_metrics.py``. Everything reads
the rollup table ``UnitMonthStat`` (kept current by the workflow, see ``rollups.py``), never the
complaints: a page computes its figures from at most a few thousand stored rows.

Rates (per unit and month, in percent)
    timely signing   = signed_in_time / assigned
    response         = contacted_in_time / assigned   (resident contacted in time)
    on-time completion = done_in_time / assigned
    resolution       = resolved / callbacks
    satisfaction     = (satisfied + basically_satisfied) / callbacks
    return           = returned / assigned
    reopen           = reopened / assigned
    composite        = (w_resp·response + w_res·resolution + w_sat·satisfaction) / 100
                       with the weights of ``CaseSettings`` (default 30 / 35 / 35, summing to 100).

Exact numbers (DESIGN.md: no floats in anything published)
    Each rate is computed from the integer counts with exact arithmetic and rounded once, half
    up, to one decimal place (``Decimal("85.3")``). The composite is computed from the exact
    ratios (not from the rounded rates) and rounded once the same way. A rate whose denominator
    is 0 is ``None`` and shown as "—".

Which units are ranked (a decision, documented here)
    The composite needs all three of its rates, so it exists only when the unit had at least one
    callback (回访) that month — a callback implies at least one assigned task. Units without a
    callback are listed with "—" and are not ranked. Ranking is by the published (rounded)
    composite, descending; ties go to the unit with more assigned tasks, then by name, then id,
    so the order is total and reproducible. The red list (红榜) is the top ``ranking_size``
    (``CaseSettings``, default 5), the black list (黑榜) the bottom ``ranking_size``, worst first.
    A unit is never on both lists: with fewer than twice ``ranking_size`` ranked units, the upper
    half (rounded up) can be on the red list and the rest on the black list.

Who sees what (``selectors_metrics.unit_stats_visible_to``)
    The city bureau sees every unit; a district authority the units whose rollup row belongs to
    its district (``UnitMonthStat.district``; a company belongs to the district where it serves
    most estates); a street office, community, functional department or property company (manager
    and staff) sees only its own unit's rows and drill-downs. Rankings are for the city bureau and
    the districts. Everybody else sees nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from html import escape

from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from wuye.core.calendar import add_months

from .models import CaseSettings, UnitKind, UnitMonthStat

# Unit kinds that have a monthly ranking, in the order of the tabs.
RANKED_KINDS: tuple[str, ...] = (UnitKind.COMPANY, UnitKind.COMMUNITY, UnitKind.STREET, UnitKind.DEPARTMENT)
# Tabs of the metrics page: the ranked kinds and the district authorities (which handle what a
# developer is responsible for when the district has no housing department).
TAB_KINDS: tuple[str, ...] = (*RANKED_KINDS, UnitKind.DISTRICT)

COUNT_FIELDS: tuple[str, ...] = (
    "assigned", "signed_in_time", "contacted_in_time", "done", "done_in_time", "callbacks", "resolved",
    "satisfied", "basically_satisfied", "dissatisfied", "returned", "reopened", "excluded",
)

RATE_LABELS = {
    "signing": _("按时签收率"),
    "response": _("响应率"),
    "completion": _("按时办结率"),
    "resolution": _("解决率"),
    "satisfaction": _("满意率"),
    "return_rate": _("退单率"),
    "reopen_rate": _("重办率"),
    "composite": _("综合得分"),
}
RATE_HELP = {
    "signing": _("按时签收的派单 ÷ 派单量"),
    "response": _("按时首次联系诉求人的派单 ÷ 派单量"),
    "completion": _("按期办结的派单 ÷ 派单量"),
    "resolution": _("回访为已解决 ÷ 回访量"),
    "satisfaction": _("回访为满意或基本满意 ÷ 回访量"),
    "return_rate": _("申请退单的派单 ÷ 派单量"),
    "reopen_rate": _("被重办的派单 ÷ 派单量"),
    "composite": _("响应率、解决率、满意率按权重加权；无回访的单位不参与排名"),
}

TENTH = Decimal("0.1")


# ---- exact arithmetic -----------------------------------------------------------------------


def ratio(num: int, den: int) -> Fraction | None:
    """num / den exactly; None when there is nothing to divide by."""
    return Fraction(num, den) if den else None


# 0.0 … 100.0 as Decimals, built once: rates and composites land here (a page computes thousands).
_TENTHS = [Decimal(i).scaleb(-1) for i in range(1001)]


def _tenths_decimal(tenths: int) -> Decimal:
    return _TENTHS[tenths] if 0 <= tenths <= 1000 else Decimal(tenths).scaleb(-1)


def percent(value: Fraction | None) -> Decimal | None:
    """A ratio (0..1) as a percentage with one decimal place, rounded half up, exactly."""
    if value is None:
        return None
    return tenths_half_up(value * 100)


def tenths_half_up(value: Fraction) -> Decimal:
    """``value`` rounded half up (away from zero for the positive values used here) to 0.1."""
    scaled = value * 10
    return _tenths_decimal((2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator))


def _pct(num: int, den: int) -> Decimal | None:
    """num/den in percent, one decimal place, half up — integer arithmetic only (the fast path of
    ``percent(ratio(num, den))``)."""
    if not den:
        return None
    return _tenths_decimal((2000 * num + den) // (2 * den))


@dataclass(frozen=True)
class Weights:
    response: int = 30
    resolution: int = 35
    satisfaction: int = 35

    @classmethod
    def current(cls) -> Weights:
        cs = CaseSettings.current()
        return cls(cs.weight_response, cs.weight_resolution, cs.weight_satisfaction)


# ---- one unit-month -------------------------------------------------------------------------


@dataclass
class Figures:
    """The counts of one unit-month (or a total) and the rates computed from them."""

    unit_kind: str
    unit_id: int | None
    unit_name: str
    month: date | None
    district_id: int | None
    counts: dict[str, int]
    composite: Decimal | None = None
    rank: int | None = None
    place: str = ""  # the district, shown beside the names of communities and streets (see views_metrics)

    # The rates, computed when first read: a ranking needs only the composite of thousands of
    # units, a page shows the rates of a few dozen.
    @cached_property
    def signing(self) -> Decimal | None:
        return _pct(self.counts["signed_in_time"], self.counts["assigned"])

    @cached_property
    def response(self) -> Decimal | None:
        return _pct(self.counts["contacted_in_time"], self.counts["assigned"])

    @cached_property
    def completion(self) -> Decimal | None:
        return _pct(self.counts["done_in_time"], self.counts["assigned"])

    @cached_property
    def resolution(self) -> Decimal | None:
        return _pct(self.counts["resolved"], self.counts["callbacks"])

    @cached_property
    def satisfaction(self) -> Decimal | None:
        return _pct(self.counts["satisfied"] + self.counts["basically_satisfied"], self.counts["callbacks"])

    @cached_property
    def return_rate(self) -> Decimal | None:
        return _pct(self.counts["returned"], self.counts["assigned"])

    @cached_property
    def reopen_rate(self) -> Decimal | None:
        return _pct(self.counts["reopened"], self.counts["assigned"])

    def __getattr__(self, name: str):
        # Counts read like attributes in templates: f.assigned, f.callbacks …
        counts = self.__dict__.get("counts")
        if counts is not None and name in counts:
            return counts[name]
        raise AttributeError(name)

    @property
    def ranked(self) -> bool:
        return self.composite is not None

    @property
    def unit_label(self) -> str:
        return str(UnitKind(self.unit_kind).label) if self.unit_kind in UnitKind.values else ""

    @cached_property
    def month_param(self) -> str:
        return month_param(self.month) if self.month else ""

    def rate(self, name: str) -> Decimal | None:
        return getattr(self, name)

    def drill_url(self, metric: str, root: str | None = None) -> str:
        """``/complaints/metrics/<kind>/<unit_id>/<yyyy-mm>/<metric>/`` (the metrics_drill URL,
        built from its prefix: a table row has a dozen links)."""
        return f"{root or _metrics_root()}{self.unit_kind}/{self.unit_id}/{self.month_param}/{metric}/"

    @property
    def drill_url_all(self) -> str:
        return self.drill_url("all")

    @property
    def drill_url_unresolved(self) -> str:
        return self.drill_url("unresolved")

    @property
    def drill_url_dissatisfied(self) -> str:
        return self.drill_url("dissatisfied")

    @property
    def cells(self) -> list[Cell]:
        """The figures of the metrics table's row, in column order, each with its drill-down, its
        text and its table cell (formatted here: a page shows hundreds of figures)."""
        out = []
        root = _metrics_root() if self.unit_id is not None and self.month is not None else ""
        prefix = self.drill_url("", root)[:-1] if root else ""
        texts = _cell_texts()
        title_format, empty_title = texts["title"], texts["empty"]
        for key, is_rate in TABLE_COLUMNS:
            value = getattr(self, key) if is_rate else self.counts[key]
            drill = COLUMN_DRILL[key]
            n = DRILLS[drill].figure(self.counts)
            title = title_format % {"what": texts[drill], "n": n}
            url = f"{prefix}{drill}/" if root else ""
            # The cell's markup is written here, every text escaped: a template would resolve a
            # dozen variables for each of the page's 300 cells.
            if value is None:
                text = "—"
                td = f'<td class="text-end text-nowrap" data-col="{key}"><span class="text-muted" title="{empty_title}">—</span></td>'
            else:
                text = f"{value}%" if is_rate else f"{value:,}"
                low = is_rate and key not in ("return_rate", "reopen_rate") and value < 60  # shown in red
                red = ' class="text-danger"' if low else ""
                td = (f'<td class="text-end text-nowrap" data-col="{key}"><a href="{escape(url)}" title="{escape(title)}"'
                      f"{red}>{escape(text)}</a></td>")
            out.append(Cell(key, value, is_rate, drill, n, title, url, text, mark_safe(td)))  # noqa: S308 - escaped
        return out


_ROOTS: dict[tuple, str] = {}
_TEXTS: dict[str, dict[str, str]] = {}


def _metrics_root() -> str:
    """The metrics pages' URL prefix, reversed once per script prefix and URLconf."""
    key = (get_script_prefix(), get_urlconf())
    root = _ROOTS.get(key)
    if root is None:
        root = _ROOTS[key] = reverse("cases:metrics_index")
    return root


def _cell_texts() -> dict[str, str]:
    """The table cells' translated texts in the active language (translated once per language:
    a page has 300 cells)."""
    language = get_language() or ""
    texts = _TEXTS.get(language)
    if texts is None:
        texts = _TEXTS[language] = {
            "title": gettext("查看%(what)s的 %(n)s 件"), "empty": escape(gettext("无可计算的数据")),
            **{key: str(d.label) for key, d in DRILLS.items()},
        }
    return texts


@dataclass(frozen=True)
class Cell:
    key: str
    value: Decimal | int | None
    is_rate: bool
    drill: str  # the drill-down the figure links to
    n: int  # how many tasks that drill-down lists
    title: str
    url: str
    text: str
    td: str  # the table cell: the figure linked to its drill-down, or "—"; a rate under 60 % in red


# The columns of the metrics table (the composite has its own, emphasised column).
TABLE_COLUMNS: tuple[tuple[str, bool], ...] = (
    ("assigned", False), ("signing", True), ("response", True), ("completion", True), ("callbacks", False),
    ("resolution", True), ("satisfaction", True), ("return_rate", True), ("reopen_rate", True), ("excluded", False),
)
COLUMN_LABELS = {"assigned": _("派单量"), "callbacks": _("回访量"), "excluded": _("不计入考核"), **RATE_LABELS}


def compute(counts: dict[str, int], weights: Weights, *, unit_kind: str = "", unit_id: int | None = None,
            unit_name: str = "", month: date | None = None, district_id: int | None = None) -> Figures:
    """Rates and composite from the counts of one unit-month (or a sum of them)."""
    c = {k: int(counts.get(k) or 0) for k in COUNT_FIELDS}
    return figures_of_counts(c, weights, unit_kind, unit_id, unit_name, month, district_id)


def figures_of_counts(c: dict[str, int], weights: Weights, unit_kind: str, unit_id: int | None, unit_name: str,
             month: date | None, district_id: int | None) -> Figures:
    """``compute`` for counts that are already a dict of every count field as ints."""
    assigned, callbacks = c["assigned"], c["callbacks"]
    good = c["satisfied"] + c["basically_satisfied"]
    composite = None
    if assigned and callbacks:
        # (w·rate%)/100 with rate% = 100·ratio is w·ratio, so the composite in tenths of a percent
        # is 10·Σ wᵢ·nᵢ/dᵢ over the common denominator assigned·callbacks, rounded half up once.
        num = 10 * (weights.response * c["contacted_in_time"] * callbacks
                    + (weights.resolution * c["resolved"] + weights.satisfaction * good) * assigned)
        den = assigned * callbacks
        composite = _tenths_decimal((2 * num + den) // (2 * den))
    return Figures(unit_kind=unit_kind, unit_id=unit_id, unit_name=unit_name, month=month, district_id=district_id,
                   counts=c, composite=composite)


def figures_of(stat: UnitMonthStat | dict, weights: Weights) -> Figures:
    """Figures of one rollup row (a model instance or a ``values()`` dict)."""
    get = stat.get if isinstance(stat, dict) else (lambda k, d=None: getattr(stat, k, d))
    return compute(
        {k: get(k) for k in COUNT_FIELDS}, weights, unit_kind=get("unit_kind"), unit_id=get("unit_id"),
        unit_name=get("unit_name") or "", month=get("month"), district_id=get("district_id"),
    )


ROW_FIELDS = ("id", "month", "unit_kind", "unit_id", "unit_name", "district_id", *COUNT_FIELDS)


# The counts behind the response, resolution and satisfaction rates and the composite.
COMPOSITE_FIELDS = ("assigned", "contacted_in_time", "callbacks", "resolved", "satisfied", "basically_satisfied")


def figures_of_row(row, weights: Weights, rank=None) -> Figures:
    month, unit_kind, unit_id, unit_name, district_id = row[:5]
    f = figures_of_counts(dict(zip(COUNT_FIELDS, row[5:5 + len(COUNT_FIELDS)], strict=True)), weights, unit_kind, unit_id,
                 unit_name or "", month, district_id)
    f.rank = rank if f.composite is not None else None
    return f


def figures_of_page(rows: Iterable[tuple], weights: Weights) -> list[Figures]:
    return [figures_of_row(row, weights, row[-1]) for row in rows]


@dataclass
class Ranking:
    kind: str
    count: int = 0  # units ranked
    unranked: int = 0
    red: list[Figures] = field(default_factory=list)
    black: list[Figures] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(UnitKind(self.kind).label)


def red_count(n: int, size: int) -> int:
    """How many of ``n`` ranked units make the red list: ``size``, but never more than the upper
    half (rounded up) when there are fewer than twice ``size`` — a unit is never on both lists."""
    return min(size, (n + 1) // 2) if n < 2 * size else size


# ---- months -------------------------------------------------------------------------------


def month_param(m: date) -> str:
    return f"{m:%Y-%m}"


def parse_month(value) -> date | None:
    """"2026-10" → date(2026, 10, 1); anything else → None."""
    try:
        year, month = str(value).split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return date(int(year), int(month), 1)
    except (TypeError, ValueError):
        return None


def last_complete_month(today: date) -> date:
    return add_months(today.replace(day=1), -1)


def default_month(available: list[date], today: date) -> date:
    """The last complete month when it has data; else the newest month with data; else the last
    complete month (an empty page that says so)."""
    last = last_complete_month(today)
    if last in available or not available:
        return last
    older = [m for m in available if m <= last]
    return older[0] if older else available[0]


# ---- drill-down ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Drill:
    label: object
    q: Q
    figure: Callable[[dict[str, int]], int]
    help: object = ""


COUNTED = Q(excluded=False)

# Each drill-down lists the tasks of one unit-month behind one figure; ``q`` repeats the filter
# of the rollup's count (rollups.COUNTS), so the list has exactly as many rows as the figure.
DRILLS: dict[str, Drill] = {
    "all": Drill(_("派单量"), COUNTED, lambda c: c["assigned"], _("计入考核的全部派单")),
    "signed_in_time": Drill(_("按时签收"), COUNTED & Q(signed_in_time=True), lambda c: c["signed_in_time"]),
    "signed_late": Drill(_("未按时签收"), COUNTED & ~Q(signed_in_time=True),
                         lambda c: c["assigned"] - c["signed_in_time"], _("超期签收或尚未签收")),
    "contacted_in_time": Drill(_("按时联系"), COUNTED & Q(contacted_in_time=True), lambda c: c["contacted_in_time"]),
    "contacted_late": Drill(_("未按时联系"), COUNTED & ~Q(contacted_in_time=True),
                            lambda c: c["assigned"] - c["contacted_in_time"], _("超期首次联系或尚未联系（含协办任务）")),
    "done": Drill(_("已办结"), COUNTED & Q(done_in_time__isnull=False), lambda c: c["done"]),
    "done_in_time": Drill(_("按期办结"), COUNTED & Q(done_in_time=True), lambda c: c["done_in_time"]),
    "done_late": Drill(_("未按期办结"), COUNTED & ~Q(done_in_time=True),
                       lambda c: c["assigned"] - c["done_in_time"], _("超期答复或尚未办结")),
    "callbacks": Drill(_("回访量"), COUNTED & Q(resolved__isnull=False), lambda c: c["callbacks"]),
    "resolved": Drill(_("已解决"), COUNTED & Q(resolved=True), lambda c: c["resolved"]),
    "unresolved": Drill(_("未解决"), COUNTED & Q(resolved=False), lambda c: c["callbacks"] - c["resolved"]),
    "satisfied": Drill(_("满意"), COUNTED & Q(satisfaction="satisfied"), lambda c: c["satisfied"]),
    "basically_satisfied": Drill(_("基本满意"), COUNTED & Q(satisfaction="basically_satisfied"),
                                 lambda c: c["basically_satisfied"]),
    "dissatisfied": Drill(_("不满意"), COUNTED & Q(satisfaction="dissatisfied"), lambda c: c["dissatisfied"]),
    "returned": Drill(_("退单"), COUNTED & Q(returned=True), lambda c: c["returned"]),
    "reopened": Drill(_("重办"), COUNTED & Q(reopened=True), lambda c: c["reopened"]),
    "excluded": Drill(_("不计入考核"), Q(excluded=True), lambda c: c["excluded"], _("经复核认定为不合理诉求")),
}

# The drill-down each column of the metrics table links to: the tasks that count against a rate.
COLUMN_DRILL = {
    "assigned": "all",
    "signing": "signed_late",
    "response": "contacted_late",
    "completion": "done_late",
    "callbacks": "callbacks",
    "resolution": "unresolved",
    "satisfaction": "dissatisfied",
    "return_rate": "returned",
    "reopen_rate": "reopened",
    "composite": "all",
    "excluded": "excluded",
}

# Drill-down tabs, grouped as on the page.
DRILL_GROUPS = (
    ("all", "excluded"),
    ("signed_in_time", "signed_late", "contacted_in_time", "contacted_late", "done", "done_in_time", "done_late"),
    ("callbacks", "resolved", "unresolved", "satisfied", "basically_satisfied", "dissatisfied"),
    ("returned", "reopened"),
)
assert {k for g in DRILL_GROUPS for k in g} == set(DRILLS)


def drill_figure(stat: UnitMonthStat, metric: str) -> int:
    return DRILLS[metric].figure({k: getattr(stat, k) for k in COUNT_FIELDS})
