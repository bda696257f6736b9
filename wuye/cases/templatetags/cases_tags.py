"""Badges and deadline cells of the complaint tables, rendered in Python.

They are drawn once per row of lists of up to a hundred complaints; as template tags written with
``format_html`` they cost a small fraction of an ``{% include %}`` with its ``if`` chains.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from wuye.core.calendar import SHORT, local_text

register = template.Library()

STATUS_CSS = {
    "submitted": "text-bg-secondary",
    "accepted": "text-bg-info",
    "dispatched": "text-bg-warning",
    "signed": "text-bg-primary",
    "in_progress": "text-bg-primary",
    "return_review": "bg-warning-subtle text-warning-emphasis border border-warning-subtle",
    "reply_review": "bg-warning-subtle text-warning-emphasis border border-warning-subtle",
    "replied": "bg-info-subtle text-info-emphasis border border-info-subtle",
    "evaluated": "text-bg-danger",
    "closed": "text-bg-success",
}
OTHER = "text-bg-light border text-secondary"


@register.simple_tag
def status_badge(status, label):
    return format_html('<span class="badge rounded-pill {}" data-testid="status">{}</span>',
                       STATUS_CSS.get(status, OTHER), label)


@register.simple_tag
def level_badge(level, label):
    if not level:
        return ""
    strong = level >= 3
    return format_html(
        '<span class="badge rounded-pill {}" data-testid="level" title="{}"><i class="bi {}"></i> {}</span>',
        "text-bg-danger" if strong else "bg-danger-subtle text-danger-emphasis border border-danger-subtle",
        _("督办等级"), "bi-flag-fill" if strong else "bi-flag", label,
    )


@register.simple_tag
def deadline_cell(d, prefix=""):
    """``d``: views_pages.Deadline; red when passed, orange within the warning window."""
    if not d or not d.due:
        return mark_safe('<span class="text-muted">—</span>')
    head = format_html('<span class="text-muted fw-normal">{}</span> ', prefix) if prefix else ""
    tail = ""
    if d.text:
        icon = {"overdue": '<i class="bi bi-exclamation-triangle-fill"></i> ', "warn": '<i class="bi bi-alarm"></i> '}.get(d.state, "")
        tail = format_html('<div class="small">{}{}</div>', mark_safe(icon), d.text)
    return format_html('<div class="{}" data-state="{}"><span class="text-nowrap">{}{}</span>{}</div>',
                       d.css, d.state, head, local_text(d.due, SHORT), tail)
