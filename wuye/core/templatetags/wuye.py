"""Template helpers of the console: sortable column headers, masked personal data with an audited
"显示" button, and small formatting filters. ``{% load wuye %}``."""

from __future__ import annotations

from django import template
from django.middleware.csrf import get_token
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from wuye.core.history import SENSITIVE

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, target: str = "#wy-results"):
    """A column header that sorts by ``key`` (a second click reverses the order)."""
    request = context["request"]
    sort = context.get("sort")
    active = sort is not None and sort.key == key
    params = request.GET.copy()
    for name in ("page", "export"):
        params.pop(name, None)
    params["sort"] = f"-{key}" if active and not sort.descending else key
    if active:
        icon = "bi-sort-down" if sort.descending else "bi-sort-up"
        state = _("降序") if sort.descending else _("升序")
    else:
        icon, state = "bi-arrow-down-up text-body-tertiary", _("点击排序")
    url = f"?{params.urlencode()}"
    return format_html(
        '<a class="wy-sort text-reset text-decoration-none" href="{}" hx-get="{}" hx-target="{}" hx-swap="outerHTML" '
        'hx-push-url="true" title="{}" aria-sort="{}">{} <i class="bi {}"></i></a>',
        url, url, target, state, ("descending" if sort.descending else "ascending") if active else "none", label, icon,
    )


@register.simple_tag(takes_context=True)
def masked(context, obj, field: str):
    """A phone or ID number masked (``138****5678``); users allowed to reveal it get a button that
    POSTs to ``<app>:reveal`` (an audited, one-value reveal) and swaps in the clear value."""
    value = getattr(obj, field, "") or ""
    if not value:
        return "—"
    masker = SENSITIVE.get(field, lambda v: v)
    shown = format_html('<span class="wy-masked">{}</span>', masker(str(value)))
    if not context.get("can_reveal"):
        return format_html('<span class="wy-reveal">{}</span>', shown)
    try:
        url = reverse(f"{obj._meta.app_label}:reveal", args=[obj._meta.model_name, obj.pk, field])
    except NoReverseMatch:
        return format_html('<span class="wy-reveal">{}</span>', shown)
    request = context["request"]
    return format_html(
        '<span class="wy-reveal">{}<form class="d-inline" method="post" action="{}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button type="submit" class="btn btn-link btn-sm p-0 ms-1 align-baseline text-decoration-none" '
        'hx-post="{}" hx-target="closest .wy-reveal" hx-swap="outerHTML" title="{}" data-testid="reveal">'
        '<i class="bi bi-eye"></i> {}</button></form></span>',
        shown, url, get_token(request), url, _("显示完整信息（本次查看将记入审计日志）"), _("显示"),
    )


@register.filter
def dash(value):
    """``—`` for an empty value."""
    return "—" if value in (None, "") else value


@register.filter
def yesno_badge(value):
    if value:
        return format_html('<span class="badge rounded-pill text-bg-success-subtle text-success-emphasis">{}</span>', _("是"))
    return format_html('<span class="badge rounded-pill text-bg-light text-secondary">{}</span>', _("否"))
