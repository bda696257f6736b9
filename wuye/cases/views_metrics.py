"""Unit metrics pages (issue §14): the monthly table with charts, the red and black lists, and the
drill-down from every figure to the tasks behind it. Figures come from the rollup table only
(``metrics.py`` computes, ``selectors_metrics.py`` reads); who sees which units is decided by ``selectors_metrics.unit_stats_visible_to``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from wuye.core.access import refuse
from wuye.core.listing import Sort, page_window, paginate

from . import metrics as M
from . import selectors_metrics as MS
from .models import CaseSettings, UnitKind, UnitMonthStat
from .selectors import complaints_visible_to, districts_by_code, reporter_name_for

TABLE_PAGE_SIZE = 30
CHART_TOP = 20
TREND_MONTHS = 12


def _refuse(request) -> None:
    refuse(user=request.user, model=UnitMonthStat, pk="", reason="无权查看接诉即办考核数据")


def _district_filter(request, scope):
    """The city bureau may narrow the figures to one district (``?district=<id>``)."""
    if not MS.chooses_district(request.user):
        return scope, None, []
    districts = districts_by_code()
    try:
        wanted = int(request.GET.get("district") or 0)
    except ValueError:
        wanted = 0
    chosen = next((d for d in districts if d["id"] == wanted), None)
    if chosen is not None:
        scope = scope.filter(district_id=chosen["id"])
    return scope, chosen, districts


# Communities and streets are often named alike in different districts (several 利民社区).
PLACED_KINDS = (UnitKind.COMMUNITY, UnitKind.STREET)


def _with_places(rows, districts) -> None:
    """The city desk, looking at the whole city, sees the district of each community and street
    beside its name (``districts``: the district picker's rows, already read)."""
    names = {d["id"]: d["name"] for d in districts}
    for f in rows:
        if f.unit_kind in PLACED_KINDS:
            f.place = names.get(f.district_id, "")


def _month(request, scope):
    available = MS.months_with_data(scope)
    month = M.parse_month(request.GET.get("month")) or M.default_month(available, timezone.localdate())
    return month, available


def _weights(cs: CaseSettings) -> M.Weights:
    return M.Weights(cs.weight_response, cs.weight_resolution, cs.weight_satisfaction)


def _scope_label(user, district) -> str:
    scope = MS.metrics_scope(user)
    if scope == "city":
        return district["name"] if district else _("全市")
    if scope == "district":
        return str(user.district)
    return user.unit_label


def _sort(request, default: str) -> Sort:
    raw = request.GET.get("sort") or default
    key = raw.lstrip("-")
    if key not in MS.SORT_KEYS:
        raw, key = default, default.lstrip("-")
    return Sort(key, raw.startswith("-"))


def _query_without(request, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@require_safe
@login_required
def index(request):
    """``/complaints/metrics/``: the units of one kind in one month, every rate, the composite."""
    user = request.user
    if not MS.can_see_metrics(user):
        _refuse(request)
    officials = MS.can_see_rankings(user)
    scope, district, districts = _district_filter(request, MS.unit_stats_visible_to(user))
    month, available = _month(request, scope)
    if officials:
        kind = request.GET.get("kind") if request.GET.get("kind") in M.TAB_KINDS else UnitKind.COMPANY
    else:
        kind = scope.values_list("unit_kind", flat=True).first() or ""
    cs = CaseSettings.current()
    weights = _weights(cs)

    of_kind = scope.filter(month=month, unit_kind=kind) if kind else scope.none()
    sort = _sort(request, "-composite")
    # One query gives the kind's total line and the number of rows the paginator would count.
    sums = of_kind.aggregate(_n=Count("id"), **{k: Sum(k) for k in M.COUNT_FIELDS})
    paginator = Paginator(MS.table(of_kind, weights, sort.key, sort.descending), TABLE_PAGE_SIZE)
    paginator.count = n = sums.pop("_n")
    page = paginator.get_page(request.GET.get("page"))
    rows = M.figures_of_page(page.object_list, weights)
    if district is None:
        _with_places(rows, districts)
    context = {
        "month": month,
        "month_param": M.month_param(month),
        "kind": kind,
        "kind_label": UnitKind(kind).label if kind else "",
        "rows": rows,
        "page": page,
        "window": page_window(page),
        "sort": sort,
        "query": _query_without(request, "page"),
        "kind_total": M.compute(sums, weights, unit_name=_("合计")) if n > 1 else None,
        "officials": officials,
        "rate_labels": M.RATE_LABELS,
        "rate_help": M.RATE_HELP,
        "column_drill": M.COLUMN_DRILL,
        "headers": [(key, M.COLUMN_LABELS[key], M.RATE_HELP.get(key, "")) for key, _r in M.TABLE_COLUMNS],
    }
    if request.htmx and not request.htmx.boosted and request.htmx.target == "wy-results":
        return render(request, "cases/metrics/_table.html", context)

    month_rows = scope.filter(month=month)
    kind_counts = dict(
        month_rows.filter(unit_kind__in=M.TAB_KINDS).values_list("unit_kind").annotate(n=Count("id")).order_by()
    )
    position = None
    if not officials and kind:
        # A unit sees where it stands among all units of its kind in the city that month (its
        # place only, not the others' figures).
        if rows:
            position = MS.city_position(month, kind, weights, rows[0])
    trend_months = [M.add_months(month, -i) for i in range(TREND_MONTHS - 1, -1, -1)]
    trend = MS.monthly_series(scope, weights, trend_months, M.COMPOSITE_FIELDS)  # the charts' rates only
    top = MS.top(of_kind, weights, CHART_TOP) if officials else []
    context.update({
        "available": available,
        "month_choices": _month_choices(available, month),
        "prev_month": M.add_months(month, -1),
        "next_month": M.add_months(month, 1) if M.add_months(month, 1) <= timezone.localdate() else None,
        "tabs": [(k, UnitKind(k).label, kind_counts.get(k, 0)) for k in M.TAB_KINDS] if officials else [],
        "district": district,
        "districts": districts,
        "scope_label": _scope_label(user, district),
        "summary": MS.summary(month_rows, weights, name=_("合计")),
        "weights": weights,
        "ranking_size": cs.ranking_size,
        "tab_query": _query_without(request, "page", "kind", "sort"),
        "keep_fields": [("kind", kind)] if officials else [],
        # Officials compare units (the top 20 by composite); a unit sees its own composite by month.
        "bar_chart": {
            "names": [f.unit_name for f in top],
            "values": [str(f.composite) for f in top],
            "label": str(_("综合得分")),
        } if officials else {
            "names": [f"{m:%Y-%m}" for m in trend_months] if any(f.ranked for f in trend) else [],
            "values": [_s(f.composite) for f in trend],
            "label": str(_("综合得分")),
        },
        "trend_chart": {
            "months": [f"{m:%Y-%m}" for m in trend_months],
            "series": [
                {"name": str(M.RATE_LABELS["satisfaction"]), "values": [_s(f.satisfaction) for f in trend]},
                {"name": str(M.RATE_LABELS["resolution"]), "values": [_s(f.resolution) for f in trend]},
                {"name": str(M.RATE_LABELS["response"]), "values": [_s(f.response) for f in trend]},
            ],
        },
        "position": position,
        "trend_has_data": any(f.counts["callbacks"] for f in trend),
    })
    return render(request, "cases/metrics/index.html", context)


def _s(value) -> str | None:
    return None if value is None else str(value)


def _month_choices(available, month):
    """The months offered in the picker: those with data, and the one shown."""
    months = sorted({*available, month}, reverse=True)
    return [(M.month_param(m), m) for m in months]


@require_safe
@login_required
def ranking(request):
    """``/complaints/metrics/ranking/``: red and black lists per kind of unit for one month."""
    user = request.user
    if not MS.can_see_rankings(user):
        _refuse(request)
    scope, district, districts = _district_filter(request, MS.unit_stats_visible_to(user))
    month, available = _month(request, scope)
    cs = CaseSettings.current()
    weights = _weights(cs)
    rankings = MS.rankings(scope.filter(month=month), weights, cs.ranking_size)
    if district is None:
        _with_places([f for r in rankings for f in (*r.red, *r.black)], districts)
    return render(request, "cases/metrics/ranking.html", {
        "month": month,
        "month_param": M.month_param(month),
        "month_choices": _month_choices(available, month),
        "available": available,
        "prev_month": M.add_months(month, -1),
        "next_month": M.add_months(month, 1) if M.add_months(month, 1) <= timezone.localdate() else None,
        "rankings": rankings,
        "ranking_size": cs.ranking_size,
        "weights": weights,
        "district": district,
        "districts": districts,
        "scope_label": _scope_label(user, district),
        "column_drill": M.COLUMN_DRILL,
    })


def complaint_url(pk: int) -> str:
    """The complaint's page (``cases:page_detail`` once the officers' pages exist)."""
    try:
        return reverse("cases:page_detail", args=[pk])
    except NoReverseMatch:
        return f"/complaints/{pk}/"


@require_safe
@login_required
def drill(request, kind: str, unit_id: int, month: str, metric: str):
    """``/complaints/metrics/<kind>/<unit_id>/<yyyy-mm>/<metric>/``: the tasks of one unit-month
    behind one figure. The list has as many rows as the rollup figure shown above it."""
    user = request.user
    if not MS.can_see_metrics(user):
        _refuse(request)
    m = M.parse_month(month)
    stat = None
    if kind in UnitKind.values and m is not None and metric in M.DRILLS:
        stat = MS.unit_stats_visible_to(user).filter(unit_kind=kind, unit_id=unit_id, month=m).first()
    if stat is None:
        refuse(user=user, model=UnitMonthStat, pk=f"{kind}:{unit_id}:{month}", reason="超出数据权限范围或记录不存在")
    cs = CaseSettings.current()
    figures = M.figures_of(stat, _weights(cs))
    tasks = (
        MS.drill_tasks(stat, metric)
        .select_related("complaint", "complaint__category", "complaint__estate")
        .order_by("dispatched_at", "id")
    )
    page = paginate(request, tasks)
    ids = [t.complaint_id for t in page.object_list]
    visible = set(complaints_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    rows = []
    for t in page.object_list:
        c = t.complaint
        shown = c.pk in visible
        rows.append({
            "task": t,
            "c": c,
            "url": complaint_url(c.pk) if shown else "",
            # Clue reports (涉黑涉恶) stay sealed for anybody who may not open them.
            "sealed": c.confidential and not shown,
            "reporter": reporter_name_for(user, c) if c.reporter_name else "",
        })
    counts = figures.counts
    groups = [[(key, M.DRILLS[key].label, M.DRILLS[key].figure(counts)) for key in group] for group in M.DRILL_GROUPS]
    drill_def = M.DRILLS[metric]
    query = _query_without(request, "page")
    context = {
        "stat": stat,
        "figures": figures,
        "metric": metric,
        "drill": drill_def,
        "figure": drill_def.figure(counts),
        "groups": groups,
        "rows": rows,
        "page": page,
        "window": page_window(page),
        "query": query,
        "month_param": M.month_param(stat.month),
        "kind_label": UnitKind(stat.unit_kind).label,
        "officials": MS.can_see_rankings(user),
        "rate_labels": M.RATE_LABELS,
    }
    if request.htmx and not request.htmx.boosted and request.htmx.target == "wy-results":
        return render(request, "cases/metrics/_drill_rows.html", context)
    return render(request, "cases/metrics/drill.html", context)
