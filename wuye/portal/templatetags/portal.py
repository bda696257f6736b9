"""Links from the workbench and the search results to registry pages."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()

# model label → the registry's URL name prefix
_SLUGS = {
    "registry.estate": "estate",
    "registry.propertycompany": "company",
    "registry.owner": "owner",
    "registry.staff": "staff",
    "registry.building": "building",
    "registry.unit": "unit",
    "registry.ownerscommittee": "committee",
    "registry.parkingspace": "parking",
}


@register.filter
def detail_url(obj) -> str:
    """The registry detail page of a record (a contract's is its estate's)."""
    if obj is None:
        return ""
    label = obj._meta.label_lower
    if label == "registry.servicecontract":
        return reverse("registry:estate_detail", kwargs={"pk": obj.estate_id})
    return reverse(f"registry:{_SLUGS[label]}_detail", kwargs={"pk": obj.pk})


@register.simple_tag
def list_url(name: str, **params) -> str:
    """``{% list_url 'registry:estate_list' management_mode='none' %}`` → /registry/estates/?management_mode=none"""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")
