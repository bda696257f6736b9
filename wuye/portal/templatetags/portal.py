"""Links from the workbench and the search results to registry pages."""

from urllib.parse import urlencode

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

# model label → (detail URL name, list URL name)
_PAGES = {
    "registry.estate": ("registry:estate_detail", "registry:estate_list"),
    "registry.propertycompany": ("registry:company_detail", "registry:company_list"),
    "registry.owner": ("registry:owner_detail", "registry:owner_list"),
    "registry.staff": ("registry:staff_detail", "registry:staff_list"),
    "registry.building": ("registry:building_detail", "registry:building_list"),
    "registry.unit": ("registry:unit_detail", "registry:unit_list"),
    "registry.ownerscommittee": ("registry:committee_detail", "registry:committee_list"),
}


@register.filter
def detail_url(obj) -> str:
    """The record's detail page; its list searched for it where a deployment has no detail page."""
    if obj is None:
        return ""
    label = obj._meta.label_lower
    if label == "registry.servicecontract":
        return detail_url(obj.estate)
    detail, listing = _PAGES[label]
    try:
        return reverse(detail, kwargs={"pk": obj.pk})
    except NoReverseMatch:
        name = obj.estate.name if label == "registry.ownerscommittee" else str(obj)
        return reverse(listing) + "?" + urlencode({"q": name})


@register.simple_tag
def list_url(name: str, **params) -> str:
    """``{% list_url 'registry:estate_list' management_mode='none' %}`` → /registry/estates/?management_mode=none"""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")
