"""Inspection panels shown on the registry's estate and company pages: the latest published
inspection results (score, date, defects) and the open rectification orders. Two queries each,
whatever the data. Inspection results are published (双随机、一公开), so whoever may see the
estate or company sees them; links to the records only for those who may open them."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html

from wuye.supervision.inspections.selectors import can_link_inspections, published_inspections
from wuye.supervision.orders.selectors import order_counts

register = template.Library()

RECENT = 5

BADGE_CSS = {
    # standards
    "draft": "text-bg-secondary", "published": "text-bg-success", "retired": "text-bg-light border",
    # plans
    "drawn": "text-bg-info", "in_progress": "text-bg-primary", "done": "text-bg-success", "cancelled": "text-bg-light border",
    # inspections
    "assigned": "text-bg-warning", "submitted": "text-bg-info", "rectifying": "text-bg-primary", "concluded": "text-bg-success",
    # orders
    "open": "text-bg-warning", "closed": "text-bg-success",
}


@register.simple_tag
def sv_badge(status, label):
    return format_html('<span class="badge rounded-pill {}" data-testid="status">{}</span>',
                       BADGE_CSS.get(status, "text-bg-secondary"), label)


def _score_css(score) -> str:
    if score is None:
        return ""
    if score < 70:
        return "text-danger"
    if score >= 95:
        return "text-success"
    return ""


def _panel(rows, counts, user, *, scope: str, obj) -> str:
    for r in rows:
        r.score_css = _score_css(r.total_score)
    return render_to_string("supervision/_inspection_panel.html", {
        "rows": rows, "latest": rows[0] if rows else None, "counts": counts, "scope": scope, "obj": obj,
        "can_link": can_link_inspections(user),
    })


@register.simple_tag
def estate_inspections_panel(estate, user):
    rows = published_inspections(estate=estate, limit=RECENT)
    return _panel(rows, order_counts(estate=estate), user, scope="estate", obj=estate)


@register.simple_tag
def company_inspections_panel(company, user):
    rows = published_inspections(company=company, limit=RECENT)
    return _panel(rows, order_counts(company=company), user, scope="company", obj=company)
