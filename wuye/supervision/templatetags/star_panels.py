"""The star-rating panel shown on the registry's estate page, and small helpers of the star pages."""

from django import template
from django.template.loader import render_to_string

from wuye.supervision.stars.selectors import estate_star_summary

register = template.Library()

STYLE = {"submitted": "secondary", "gate_failed": "dark", "evaluating": "primary", "notice": "warning",
         "effective": "success", "rejected": "danger", "withdrawn": "light",
         "active": "success", "expired": "secondary", "downgraded": "warning", "revoked": "danger",
         "open": "warning", "kept": "success", "pending": "warning", "upheld": "danger"}


@register.filter
def star_style(status) -> str:
    """Bootstrap colour of an application, rating, review or objection status."""
    return STYLE.get(str(status), "secondary")


@register.simple_tag
def estate_star_panel(estate, user):
    """Current level with its validity, the application in progress (for those who may see it),
    and a link to the history. One query, and one more for a signed-in user."""
    return render_to_string("supervision/_star_panel.html", {"estate": estate, **estate_star_summary(estate, user)})
