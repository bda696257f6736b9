"""The credit panel shown on the registry's company page (owned by the credit part): score, grade,
lists and recent events, with links to the public credit page and (for those who act on it) the
events list."""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag
def company_credit_panel(company, user):
    from wuye.credit.models import CompanyCredit, CreditEvent
    from wuye.credit.scoring import credit_recompute
    from wuye.credit.selectors import events_visible_to

    credit = CompanyCredit.objects.filter(company_id=company.pk).first() or credit_recompute(company.pk)
    visible = events_visible_to(user).filter(company_id=company.pk)
    events = list(visible.exclude(status=CreditEvent.Status.WITHDRAWN).select_related("rule")
                  .order_by("-occurred_on", "-id")[:5])
    return render_to_string("credit/_company_panel.html", {
        "company": company, "credit": credit, "events": events,
        "can_see_events": getattr(user, "role", None) in ("city", "district", "company_manager", "company_staff"),
        "can_record": getattr(user, "role", None) in ("city", "district"),
    })
