"""Inspection panels shown on the registry's estate and company pages (owned by the inspections part)."""

from django import template

register = template.Library()


@register.simple_tag
def estate_inspections_panel(estate, user):
    return ""


@register.simple_tag
def company_inspections_panel(company, user):
    return ""
