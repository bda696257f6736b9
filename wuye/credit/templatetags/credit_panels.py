"""The credit panel shown on the registry's company page (owned by the credit part)."""

from django import template

register = template.Library()


@register.simple_tag
def company_credit_panel(company, user):
    return ""
