"""The year's one number (issue 17 §6): ``enclosures_completed`` — old compounds enclosed, counted
from the district's acceptances of enclosure projects alone (``selectors.enclosures_accepted``),
never typed in. Registered on the campaign's indicator registry when the app loads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.campaign.indicators import Kind, Value, register_indicator

KEY = "enclosures_completed"


def enclosures_completed(year: int, district_ids: list[int]) -> Value:
    """Accepted enclosure projects whose ``accepted_on`` falls in ``year``: the city and each district."""
    from .selectors import enclosures_accepted

    total, by = enclosures_accepted(year, district_ids)
    return Value(total, by)


register_indicator(KEY, _("老旧楼院加装封闭设施"), Kind.COUNT, enclosures_completed)
