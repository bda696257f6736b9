"""``{% motion_public_panel estate %}``: the estate's recent owners' votes and their results, for the
public estate page. One query. Results are public (totals only; who voted how never)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from wuye.governance.models import Motion
from wuye.governance.votes.selectors import motion_status, recent_public_motions

register = template.Library()

RECENT = 5


@register.simple_tag
def motion_public_panel(estate, limit: int = RECENT):
    now = timezone.now()
    estate_id = getattr(estate, "pk", estate)
    motions = recent_public_motions(estate_id, limit=limit)
    rows = []
    for m in motions:
        st = motion_status(m, now)
        rows.append({"m": m, "status_label": Motion.Status(st).label, "final": m.final_result})
    return render_to_string("governance/votes/_public_panel.html", {"rows": rows})
