"""The rectification-order list's filters, applied in one place (the page, its export and the
workbench's to-do counts)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from . import selectors as sel
from .forms import OrderFilterForm
from .workflow import OPEN_ORDER_STATUSES


def filtered_orders(data, user):
    """The rectification orders of the list page for these query parameters: the list, its export
    and the workbench's to-do counts read the same rows."""
    form = OrderFilterForm(data or None, user=user)
    qs = sel.orders_visible_to(user)
    if form.is_valid():
        cd = form.cleaned_data
        if cd.get("q"):
            qs = qs.filter(Q(number__icontains=cd["q"]) | Q(estate__name__icontains=cd["q"]) | Q(company__name__icontains=cd["q"]))
        if cd.get("plan"):
            qs = qs.filter(inspection__plan_id=cd["plan"])
        if cd.get("district"):
            qs = qs.filter(district=cd["district"])
        if cd.get("status") == "overdue":
            qs = qs.filter(status__in=OPEN_ORDER_STATUSES, deadline__lt=timezone.now())
        elif cd.get("status"):
            qs = qs.filter(status=cd["status"])
        if cd.get("company"):
            qs = qs.filter(company_id=cd["company"])
        if cd.get("date_from"):
            qs = qs.filter(created_at__date__gte=cd["date_from"])
        if cd.get("date_to"):
            qs = qs.filter(created_at__date__lte=cd["date_to"])
    return form, qs
