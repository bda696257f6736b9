"""``{% motion_public_panel estate %}``: the estate's recent owners' votes and their results, for the
public estate page. One query. Results are public (totals only; who voted how never)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from ..models import Motion
from ..selectors_votes import motion_status

register = template.Library()

RECENT = 5


@register.simple_tag
def motion_public_panel(estate, limit: int = RECENT):
    now = timezone.now()
    estate_id = getattr(estate, "pk", estate)
    motions = Motion.objects.filter(estate_id=estate_id, cancelled_at__isnull=True).order_by("-voting_closes_at", "-id")[:limit]
    rows = []
    for m in motions:
        st = motion_status(m, now)
        rows.append({"m": m, "status_label": Motion.Status(st).label, "final": m.final_result})
    return render_to_string("governance/votes/_public_panel.html", {"rows": rows})
