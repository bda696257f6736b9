"""``{% fee_notice_panel estate %}``: the current fee notice (or the "not published" flag) for the
public estate page. Two queries (the notice, its items) whatever the estate."""

from __future__ import annotations

from django import template

from wuye.disclosure.fees.selectors import fee_notice_current
from wuye.disclosure.fees.services import HOTLINE

register = template.Library()


@register.inclusion_tag("disclosure/fees/_panel.html")
def fee_notice_panel(estate):
    notice = fee_notice_current(estate.pk)
    return {"estate": estate, "notice": notice, "items": list(notice.items.all()) if notice else [],
            "hotline": HOTLINE}
