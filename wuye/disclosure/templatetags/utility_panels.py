"""``{% utility_public_panel estate %}``: the latest published shared-utility allocations of an
estate, for its public page (one query)."""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag
def utility_public_panel(estate):
    from wuye.disclosure.selectors_utilities import latest_public_for_estate

    allocations = latest_public_for_estate(getattr(estate, "pk", estate), limit=3)
    return render_to_string("disclosure/utilities/_public_panel.html", {"allocations": allocations})
