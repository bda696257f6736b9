"""``{% parking_public_panel estate %}``: spaces free to rent (count by kind), the rates, and the
只售不租 warning when a violation is open — for the public estate page. Two queries."""

from __future__ import annotations

from django import template

from wuye.disclosure.parking.selectors import open_violation, parking_rates

register = template.Library()


@register.inclusion_tag("disclosure/parking/_public_panel.html")
def parking_public_panel(estate):
    rates = parking_rates(estate.pk)
    return {"estate": estate, "rates": rates, "available": sum(r["available"] for r in rates),
            "violation": open_violation(estate.pk)}
