"""The star-rating panel shown on the registry's estate page, and small helpers of the star pages."""

from django import template
from django.template.loader import render_to_string

register = template.Library()

STYLE = {"submitted": "secondary", "gate_failed": "dark", "evaluating": "primary", "notice": "warning",
         "effective": "success", "rejected": "danger", "withdrawn": "light",
         "active": "success", "expired": "secondary", "downgraded": "warning", "revoked": "danger",
         "open": "warning", "kept": "success", "pending": "warning", "upheld": "danger"}


@register.filter
def star_style(status) -> str:
    """Bootstrap colour of an application, rating, review or objection status."""
    return STYLE.get(str(status), "secondary")


@register.simple_tag
def estate_star_panel(estate, user):
    """Current level with its validity, the application in progress (for those who may see it),
    and a link to the history. One query, and one more for a signed-in user."""
    from django.db.models import Case, IntegerField, Value, When

    from wuye.supervision.models import StarApplication, StarRating
    from wuye.supervision.selectors_stars import applications_visible_to
    from wuye.supervision.workflow_stars import IN_PROGRESS

    latest = (StarRating.objects.filter(estate_id=estate.pk)
              .order_by(Case(When(status=StarRating.Status.ACTIVE, then=Value(0)), default=Value(1),
                             output_field=IntegerField()), "-valid_from", "-id").first())
    current = latest if latest is not None and latest.status == StarRating.Status.ACTIVE else None
    last_ended = latest if current is None else None
    in_progress = None
    if getattr(user, "is_authenticated", False):
        in_progress = (applications_visible_to(user).filter(estate_id=estate.pk, status__in=sorted(IN_PROGRESS))
                       .order_by("-created_at").first())
    return render_to_string("supervision/_star_panel.html", {
        "estate": estate, "current": current, "last_ended": last_ended, "in_progress": in_progress,
        "notice": in_progress is not None and in_progress.status == StarApplication.Status.NOTICE,
    })
