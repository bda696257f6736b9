"""``/overview/``: the supervision and credit overview for the city bureau and the district
authorities (issue 4 §13): inspection coverage, average scores, stars, credit grades, the red and
black lists, rectification orders — charts, tables, and an Excel export of every table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from wuye.core.access import refuse
from wuye.core.audit import audit_record
from wuye.core.calendar import local_text
from wuye.core.excel import Column, xlsx_response
from wuye.core.models import AuditAction
from wuye.credit.models import CompanyCredit

from . import selectors as F


def _year(request, years: list[int], today) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    return year if year in years else today.year


def _s(value) -> str | None:
    return None if value is None else str(value)


@require_safe
@login_required
def index(request):
    """The overview page: one query per table, whatever the size of the city."""
    scope = F.overview_scope(request.user, request.GET.get("district"))
    today = timezone.localdate()
    now = timezone.now()
    years = F.years_available(scope, today)
    year = _year(request, years, today)
    months = F.months_of(year, today)
    coverage = F.coverage(scope, year)
    scores = F.scores(scope, year, months)
    stars = F.stars(scope)
    grades, credit_totals = F.grades(scope)
    red = list(F.red_list(scope))
    black = list(F.black_list(scope))
    benchmarks = list(F.benchmark_estates(scope))
    orders = F.orders(scope, year, now)
    coverage_total = F.total_row(coverage, ("served", "inspected"))
    coverage_total["rate"] = F.pct(coverage_total["inspected"], coverage_total["served"])
    orders_total = F.total_row(orders, ("issued", "closed", "open", "submitted", "overdue"))
    n_inspections = sum(r["count"] for r in scores)
    score_total = None
    if n_inspections:
        score_total = F.dec1(sum((r["average"] * r["count"] for r in scores if r["count"]), Decimal("0")) / n_inspections)
    chart = {
        "coverage": {"names": [r["name"] for r in coverage], "rates": [_s(r["rate"]) for r in coverage],
                     "label": _("检查覆盖率")},
        "scores": {"months": [_("%(m)s月") % {"m": m} for m in months],
                   "series": [{"name": r["name"], "values": [_s(v) for v in r["months"]]} for r in scores if r["count"]]},
        "stars": [{"name": r["label"], "value": r["count"]} for r in stars if r["count"]],
        "grades": {"names": [r["grade"] for r in grades], "values": [r["count"] for r in grades], "label": _("企业数")},
        "orders": {"names": [r["name"] for r in orders],
                   "series": [{"name": _("逾期未整改"), "values": [r["overdue"] for r in orders]},
                              {"name": _("整改期限内"), "values": [r["open"] + r["submitted"] - r["overdue"] for r in orders]}]},
    }
    for row in red + black:
        row.url = F.company_url(row.company_id)
    query = {"year": year, **({"district": scope.district_id} if scope.choices and scope.district_id else {})}
    return render(request, "dashboards/index.html", {
        "scope": scope,
        "year": year,
        "years": years,
        "months": months,
        "query": "&".join(f"{k}={v}" for k, v in query.items()),
        "coverage": coverage,
        "coverage_total": coverage_total,
        "scores": scores,
        "score_total": score_total,
        "n_inspections": n_inspections,
        "stars": stars,
        "stars_total": sum(r["count"] for r in stars),
        "grades": grades,
        "credit": credit_totals,
        "red": red,
        "black": black,
        "benchmarks": benchmarks,
        "orders": orders,
        "orders_total": orders_total,
        "chart": chart,
        "has_scores": bool(chart["scores"]["series"]),
        "has_orders": any(r["issued"] or r["open"] or r["submitted"] for r in orders),
        "list_size": F.LIST_SIZE,
    })


# ---- Excel exports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    title: str
    columns: Callable[[list[int]], list[Column]]
    rows: Callable  # (scope, year, months, now) -> (count, iterable of rows)


def _coverage_rows(scope, year, months, now):
    rows = F.coverage(scope, year)
    return len(rows), [(r["name"], r["served"], r["inspected"], r["rate"]) for r in rows]


def _score_rows(scope, year, months, now):
    rows = F.scores(scope, year, months)
    return len(rows), [(r["name"], *r["months"], r["average"], r["count"]) for r in rows]


def _star_rows(scope, year, months, now):
    rows = F.stars(scope)
    return len(rows), [(r["label"], r["count"]) for r in rows]


def _grade_rows(scope, year, months, now):
    rows, totals = F.grades(scope)
    out = [(r["grade"], r["count"]) for r in rows] + [(_("未评级（无有效信用信息）"), totals["unrated"])]
    return len(out), out


def _credit_row(c: CompanyCredit) -> tuple:
    return (c.company.name, c.company.credit_code, c.score, c.grade, c.basic, c.good, c.bad, c.veto, c.computed_at)


def _red_rows(scope, year, months, now):
    qs = F.red_list(scope, limit=None)
    return qs.count(), (_credit_row(c) for c in qs.iterator(chunk_size=2000))


def _black_rows(scope, year, months, now):
    qs = F.black_list(scope, limit=None)
    return qs.count(), (_credit_row(c) for c in qs.iterator(chunk_size=2000))


def _benchmark_rows(scope, year, months, now):
    qs = F.benchmark_estates(scope, limit=None)
    return qs.count(), ((b.estate.name, b.estate.district.name, b.estate.company.name if b.estate.company_id else "",
                         b.designated_on, b.reason) for b in qs.iterator(chunk_size=2000))


def _order_rows(scope, year, months, now):
    rows = F.orders(scope, year, now)
    return len(rows), [(r["name"], r["issued"], r["closed"], r["open"], r["submitted"], r["overdue"]) for r in rows]


def _credit_columns(months):
    return [Column(_("企业名称"), 36), Column(_("统一社会信用代码"), 22), Column(_("信用总分"), 10, "0.00"),
            Column(_("信用等级"), 10), Column(_("基础信用分"), 10, "0.00"), Column(_("良好信用分"), 10, "0.00"),
            Column(_("不良信用扣分"), 12, "0.00"), Column(_("一票否决"), 10), Column(_("计算时间"), 18)]


TABLES = {
    "coverage": Table(gettext_lazy("检查覆盖率"), lambda months: [
        Column(_("区县"), 18), Column(_("有物业服务企业的小区数"), 20), Column(_("本年度已检查小区数"), 18),
        Column(_("覆盖率（%）"), 12, "0.0")], _coverage_rows),
    "scores": Table(gettext_lazy("检查平均得分"), lambda months: [
        Column(_("区县"), 18), *[Column(_("%(m)s月") % {"m": m}, 8, "0.0") for m in months],
        Column(_("全年平均"), 10, "0.0"), Column(_("检查次数"), 10)], _score_rows),
    "stars": Table(gettext_lazy("星级分布"), lambda months: [Column(_("星级"), 12), Column(_("有效星级小区数"), 16)],
                   _star_rows),
    "grades": Table(gettext_lazy("信用等级分布"), lambda months: [Column(_("信用等级"), 24), Column(_("企业数"), 10)],
                    _grade_rows),
    "red": Table(gettext_lazy("信用红名单"), _credit_columns, _red_rows),
    "black": Table(gettext_lazy("信用黑名单"), _credit_columns, _black_rows),
    "benchmarks": Table(gettext_lazy("标杆小区"), lambda months: [
        Column(_("小区"), 24), Column(_("区县"), 14), Column(_("物业服务企业"), 32), Column(_("命名日期"), 12),
        Column(_("评选理由"), 50)], _benchmark_rows),
    "orders": Table(gettext_lazy("整改通知"), lambda months: [
        Column(_("区县"), 18), Column(_("本年度下达"), 12), Column(_("本年度销号"), 12), Column(_("待整改"), 10),
        Column(_("待复查"), 10), Column(_("逾期未整改"), 12)], _order_rows),
}


@require_safe
@login_required
def export(request, table: str):
    """``/overview/export/<table>/``: one table of the overview as an Excel file (audited)."""
    scope = F.overview_scope(request.user, request.GET.get("district"))
    spec = TABLES.get(table)
    if spec is None:
        refuse(user=request.user, model=CompanyCredit, pk=table, reason="没有这张统计表")
    today = timezone.localdate()
    now = timezone.now()
    year = _year(request, F.years_available(scope, today), today)
    months = F.months_of(year, today)
    n, rows = spec.rows(scope, year, months, now)
    with translation.override(settings.LANGUAGE_CODE):  # audit rows read the same whatever the user's language
        title = str(spec.title)
        label = str(scope.label)
    audit_record(
        action=AuditAction.EXPORT, actor=request.user, object_type="dashboards.overview", object_id=table,
        object_repr=f"监管总览·{title}", detail=f"导出{title} {n} 行；范围：{label}；年度：{year}",
    )
    shown = str(spec.title)
    stamp = local_text(now, "%Y%m%d-%H%M")
    return xlsx_response(filename=f"{shown}-{scope.label}-{year}-{stamp}.xlsx", sheet_title=shown,
                         columns=spec.columns(months), rows=rows)
