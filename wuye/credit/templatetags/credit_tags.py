"""Small pieces of the credit pages: grade badge, list badges, status badge, signed points."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from wuye.credit.models import CreditEvent
from wuye.credit.workflow import CREATION_LABELS, TRANSITIONS

register = template.Library()

GRADE_CSS = {"AAA": "text-bg-success", "AA": "text-bg-primary", "A": "text-bg-info", "B": "text-bg-warning",
             "C": "text-bg-danger"}
STATUS_CSS = {"draft": "text-bg-secondary", "reviewed": "text-bg-info", "notice": "text-bg-warning",
              "objected": "text-bg-danger", "confirmed": "text-bg-success", "withdrawn": "text-bg-light border"}
KLASS_CSS = {"basic": "text-primary", "good": "text-success", "bad": "text-danger", "veto": "text-danger fw-bold"}


@register.simple_tag
def grade_badge(grade, size: str = ""):
    css = GRADE_CSS.get(str(grade), "text-bg-secondary")
    return format_html('<span class="badge {} {}" data-testid="grade" title="{}">{}</span>', css,
                       "fs-5" if size == "lg" else "", _("信用等级"), grade or "—")


@register.simple_tag
def list_badges(credit):
    if credit is None:
        return ""
    parts = []
    if credit.red:
        parts.append(format_html('<span class="badge text-bg-danger bg-opacity-75" data-testid="red">{}</span>', _("红名单")))
    if credit.black:
        parts.append(format_html('<span class="badge text-bg-dark" data-testid="black">{}</span>', _("黑名单")))
    return format_html(" ".join(["{}"] * len(parts)), *parts) if parts else ""


@register.simple_tag
def event_status(event):
    label = event.get_status_display()
    if event.status == "confirmed" and event.repaired_at:
        return format_html('<span class="badge text-bg-light border">{}</span>', _("已修复"))
    return format_html('<span class="badge {}">{}</span>', STATUS_CSS.get(event.status, "text-bg-secondary"), label)


@register.filter
def signed(value):
    """-5.00 / +3.00 for a credit event's points (bad and veto items negative)."""
    if value is None:
        return "—"
    value = Decimal(value)
    return f"+{value:.2f}" if value > 0 else f"{value:.2f}"


@register.filter
def klass_css(klass):
    return KLASS_CSS.get(str(klass), "")


@register.filter
def log_action(code):
    if code in TRANSITIONS:
        return TRANSITIONS[code].label
    return CREATION_LABELS.get(code, code)


@register.filter
def status_label(code):
    return dict(CreditEvent.Status.choices).get(code, code)
