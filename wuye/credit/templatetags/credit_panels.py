"""The credit panel shown on the registry's company page (owned by the credit part): score, grade,
lists and recent events, with links to the public credit page and (for those who act on it) the
events list. It reads the stored credit row (none yet reads "暂未评级"): a page never writes."""

from django import template
from django.template.loader import render_to_string

from wuye.credit.selectors import can_use_credit, company_credit, company_panel_events, is_official

register = template.Library()


@register.simple_tag
def company_credit_panel(company, user):
    return render_to_string("credit/_company_panel.html", {
        "company": company, "credit": company_credit(company.pk), "events": company_panel_events(user, company.pk),
        "can_see_events": can_use_credit(user), "can_record": is_official(user),
    })
