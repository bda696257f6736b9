"""Platform indicators a task can be bound to (issue 16 item 3): computed from the platform's own
data, never typed in. Each calls the computation that already exists where the data lives.

The registry is open: another app adds its indicator with ``register_indicator`` when it loads
(issue 17 adds ``enclosures_completed``, counted from accepted enclosure projects of the plan's
year) — ``register_indicator("enclosures_completed", _("老旧楼院加装封闭设施"), Kind.COUNT, fn)``
where ``fn(year, district_ids) -> Value``.

A ``count`` indicator's ``done`` counts things (compared with the target's quantity); a ``rate``
indicator's ``done`` is a percentage with one decimal (compared with the target's percentage).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.cases.metrics import Weights
from wuye.cases.models import UnitMonthStat
from wuye.cases.selectors_metrics import summary, summary_by
from wuye.dashboards.selectors import Scope, coverage, pct
from wuye.disclosure.fees.selectors import fee_counts_by_district
from wuye.disclosure.income.selectors import estates_missing
from wuye.disclosure.models import FeeNotice
from wuye.registry.models import Estate, OwnersCommittee
from wuye.territory.models import District


class Kind(str, Enum):
    COUNT = "count"
    RATE = "rate"


@dataclass
class Value:
    """An indicator's figure for the city (``done``) and by district (``{district_id: done}``)."""

    done: Decimal | int | None
    by_district: dict[int, Decimal | int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Indicator:
    key: str
    label: object
    kind: Kind
    compute: Callable[[int, list[int]], Value]


INDICATORS: dict[str, Indicator] = {}


def register_indicator(key: str, label, kind: Kind, compute: Callable[[int, list[int]], Value]) -> Indicator:
    """Add (or replace) an indicator: ``compute(year, district_ids) -> Value``."""
    ind = Indicator(key, label, Kind(kind), compute)
    INDICATORS[key] = ind
    return ind


def get_indicator(key: str) -> Indicator | None:
    return INDICATORS.get(key or "")


def indicator_choices() -> list[tuple[str, str]]:
    return [(k, str(v.label)) for k, v in INDICATORS.items()]


# ---- the platform's own indicators --------------------------------------------------------------


def _complaint_rate(attr: str):
    """A complaint metric of the year (``wuye.cases.selectors_metrics.summary`` over the rollup)."""

    def compute(year: int, district_ids: list[int]) -> Value:
        rows = UnitMonthStat.objects.filter(month__year=year)
        weights = Weights.current()
        by_district = summary_by(rows.filter(district_id__in=district_ids), weights, "district_id") if district_ids else {}
        empty = summary(rows.none(), weights)  # a district without rows: no rate, as before
        by = {d: getattr(by_district.get(d, empty), attr) for d in district_ids}
        return Value(getattr(summary(rows, weights), attr), by)

    return compute


def _estate_share(served_ids: list[tuple[int, int]], covered_ids: set[int], district_ids: list[int]) -> Value:
    """Share of the served estates ``(id, district_id)`` that are covered, city and by district."""
    total = {d: 0 for d in district_ids}
    hit = {d: 0 for d in district_ids}
    for pk, d in served_ids:
        if d in total:
            total[d] += 1
            hit[d] += pk in covered_ids
    all_total = len(served_ids)
    all_hit = sum(1 for pk, _d in served_ids if pk in covered_ids)
    return Value(pct(all_hit, all_total), {d: pct(hit[d], total[d]) for d in district_ids})


def _income_coverage(year: int, district_ids: list[int]) -> Value:
    """Estates with a company whose common income of ``year`` is disclosed
    (``wuye.disclosure.income.selectors.estates_missing``)."""
    served = list(Estate.objects.filter(company__isnull=False).values_list("pk", "district_id"))
    missing = set(estates_missing(year).values_list("pk", flat=True))
    return _estate_share(served, {pk for pk, _d in served if pk not in missing}, district_ids)


def _fee_coverage(year: int, district_ids: list[int]) -> Value:
    """Estates with a current fee notice (``wuye.disclosure.fees.selectors.fee_counts_by_district``)."""
    estates = Estate.objects.annotate(has_notice=Exists(FeeNotice.objects.filter(estate_id=OuterRef("pk"),
                                                                                 is_current=True)))
    rows = {r["district_id"]: r for r in fee_counts_by_district(estates)}
    total = sum(r["total"] for r in rows.values())
    done = sum(r["published"] for r in rows.values())
    return Value(pct(done, total), {d: pct(rows[d]["published"], rows[d]["total"]) if d in rows else None
                                    for d in district_ids})


def _committee_coverage(year: int, district_ids: list[int]) -> Value:
    """Estates with a sitting owners' committee at the end of ``year`` (or today)."""
    day = min(date(year, 12, 31), timezone.localdate())
    served = list(Estate.objects.values_list("pk", "district_id"))
    covered = set(OwnersCommittee.objects.filter(is_current=True, term_end__gte=day).values_list("estate_id", flat=True))
    return _estate_share(served, covered, district_ids)


def _inspection_coverage(year: int, district_ids: list[int]) -> Value:
    """Served estates inspected in ``year`` (``wuye.dashboards.selectors.coverage``)."""
    scope = Scope(None, "", list(District.objects.order_by("code", "id").values("id", "name")))
    rows = coverage(scope, year)
    served = sum(r["served"] for r in rows)
    inspected = sum(r["inspected"] for r in rows)
    return Value(pct(inspected, served), {r["district_id"]: r["rate"] for r in rows if r["district_id"] in district_ids})


register_indicator("complaint_on_time", _("投诉按时办结率"), Kind.RATE, _complaint_rate("completion"))
register_indicator("satisfaction", _("投诉满意率"), Kind.RATE, _complaint_rate("satisfaction"))
register_indicator("income_disclosure_coverage", _("公共收益公示覆盖率"), Kind.RATE, _income_coverage)
register_indicator("fee_notice_coverage", _("收费公示覆盖率"), Kind.RATE, _fee_coverage)
register_indicator("committee_coverage", _("业主委员会组建率"), Kind.RATE, _committee_coverage)
register_indicator("inspection_coverage", _("检查覆盖率"), Kind.RATE, _inspection_coverage)
