"""Monthly complaint metrics → credit items (issue 4 §8; rules.md §7 and §9).

On the first days of each month, every property company's figures of the previous month
(``wuye.cases.models.UnitMonthStat``, read with ``wuye.cases.metrics.figures_of`` and the current
weights) give:

- ``TS01`` 月度接诉即办考核优秀 when the composite is at least ``EXCELLENT`` and the company had at
  least ``MIN_ASSIGNED`` complaints dispatched to it (a company with two complaints is not
  "excellent" by accident);
- ``TS02`` 月度接诉即办考核不合格 when the composite is below ``FAILING`` (a composite exists only with
  at least one callback, see ``cases/metrics.py``).

Each item is keyed ``metrics:<YYYY-MM>:company:<id>``: running the feed twice records once.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.cases.metrics import Weights, figures_of
from wuye.cases.models import UnitKind, UnitMonthStat
from wuye.registry.models import PropertyCompany

from .auto import credit_event_auto
from .services import credit_refresh

EXCELLENT = Decimal("95")
FAILING = Decimal("60")
MIN_ASSIGNED = 5


def previous_month(today: date) -> date:
    first = today.replace(day=1)
    return (first.replace(year=first.year - 1, month=12) if first.month == 1 else first.replace(month=first.month - 1))


def metrics_source_key(month: date, company_id: int) -> str:
    return f"metrics:{month:%Y-%m}:company:{company_id}"


def credit_metrics_feed(*, month: date | None = None, today: date | None = None) -> dict:
    """Record TS01 / TS02 for ``month`` (default: the month before ``today``). Returns counts."""
    today = today or timezone.localdate()
    month = (month or previous_month(today)).replace(day=1)
    last_day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    weights = Weights.current()
    stats = list(UnitMonthStat.objects.filter(month=month, unit_kind=UnitKind.COMPANY))
    companies = PropertyCompany.objects.in_bulk([s.unit_id for s in stats])
    out = {"month": f"{month:%Y-%m}", "excellent": 0, "failing": 0}
    touched = set()
    for stat in stats:
        company = companies.get(stat.unit_id)
        if company is None:
            continue
        f = figures_of(stat, weights)
        if f.composite is None:
            continue
        if f.composite >= EXCELLENT and f.counts["assigned"] >= MIN_ASSIGNED:
            code, kind = "TS01", "excellent"
            text = _("%(month)s 接诉即办综合得分 %(score)s 分（派单 %(n)s 件），考核优秀")
        elif f.composite < FAILING:
            code, kind = "TS02", "failing"
            text = _("%(month)s 接诉即办综合得分 %(score)s 分（派单 %(n)s 件），考核不合格")
        else:
            continue
        description = text % {"month": f"{month:%Y-%m}", "score": f.composite, "n": f.counts["assigned"]}
        event = credit_event_auto(
            company=company, rule_code=code, source_key=metrics_source_key(month, company.pk), occurred_on=last_day,
            description=description, district=stat.district_id,
            source_url=f"/complaints/metrics/company/{company.pk}/{month:%Y-%m}/all/",
            evidence=_("平台接诉即办月度考核数据"),
        )
        if event is not None:
            out[kind] += 1
            touched.add(company.pk)
    for company_id in touched:
        credit_refresh(company_id=company_id, today=today)
    return out
