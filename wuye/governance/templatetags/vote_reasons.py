"""``{% ballot_blocked_reason motion as reason %}``: why no ballot can be cast now ("" while voting
runs), for the motion page's disabled vote buttons (issue 14 §4; ``votes.selectors``)."""

from __future__ import annotations

from django import template

from wuye.governance.votes.selectors import ballot_blocked_reason as _reason

register = template.Library()


@register.simple_tag
def ballot_blocked_reason(motion) -> str:
    return _reason(motion)
