"""``{% income_public_panel estate %}``: the estate's latest published common-income reports, for
the public estate page. One query (two at most), whatever the data; links to the public pages."""

from __future__ import annotations

from django import template

from wuye.disclosure.income.selectors import reports_public

register = template.Library()

SHOWN = 3


@register.inclusion_tag("disclosure/income/_public_panel.html")
def income_public_panel(estate):
    reports = list(reports_public().filter(estate_id=estate.pk).order_by("-period_end", "-id")
                   .only("pk", "period_start", "period_end", "gross", "costs", "net", "use", "public_from",
                         "public_until", "total_area")[:SHOWN])
    return {"estate": estate, "reports": reports}
