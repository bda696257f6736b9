"""The handover list's filters, applied in one place (the page and the API list read the same rows)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from . import selectors as sel
from .forms import CaseFilterForm


def filtered_cases(data, user):
    form = CaseFilterForm(data or None, user=user)
    qs = sel.cases_visible_to(user)
    if form.is_valid():
        cd = form.cleaned_data
        if cd.get("q"):
            q = cd["q"].strip()
            qs = qs.filter(Q(estate__name__icontains=q) | Q(developer__name__icontains=q) | Q(company__name__icontains=q))
        if cd.get("step"):
            qs = qs.filter(status=cd["step"])
        if cd.get("district"):
            qs = qs.filter(district=cd["district"])
        overdue = sel.overdue_filing_q(timezone.localdate())
        if cd.get("overdue") == "1":
            qs = qs.filter(overdue)
        elif cd.get("overdue") == "0":
            qs = qs.exclude(overdue)
        if cd.get("early") == "1":
            qs = qs.filter(early_delivery=True)
        elif cd.get("early") == "0":
            qs = qs.filter(early_delivery=False)
    return form, qs
