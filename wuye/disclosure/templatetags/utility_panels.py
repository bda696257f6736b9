"""``{% utility_public_panel estate %}``: the latest published shared-utility allocations of an
estate, for its public page (one query)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.template.loader import render_to_string

from wuye.core.money import money
from wuye.disclosure.utilities.selectors import latest_public_for_estate

register = template.Library()


@register.simple_tag
def utility_public_panel(estate):
    allocations = latest_public_for_estate(getattr(estate, "pk", estate), limit=3)
    return render_to_string("disclosure/utilities/_public_panel.html", {"allocations": allocations})


@register.filter
def yuan(value):
    """Money with thousands separators and 2 places, rounded half up: 1234.5 → "1,234.50"."""
    try:
        return f"{money(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return value


@register.filter
def qty(value):
    """A reading or quantity: 12480.00 → "12,480", 750.5 → "750.50", 7.767 → "7.767"."""
    try:
        d = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    if d == d.to_integral_value():
        return f"{int(d):,}"
    places = max(2, -d.normalize().as_tuple().exponent)
    return f"{d:,.{places}f}"


@register.filter
def price(value):
    """A unit price without trailing zeros: 0.5200 → "0.52"."""
    try:
        return f"{Decimal(value).normalize():f}"
    except (InvalidOperation, TypeError, ValueError):
        return value
