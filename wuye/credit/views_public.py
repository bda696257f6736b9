"""Public credit pages (no login; issue 4 §12): a company's credit, the red list and the black list.

The company page reads a fixed handful of rows whatever the company's history (the company with
its stored credit row, the settings, its public events, its star-rated and benchmark estates), so
it stays fast on a city of thousands of companies. It never writes: a company the platform has
not rated yet reads "暂未评级". It never shows drafts, objections, evidence or anybody's personal
data. Its events are the credit app's public list (``selectors.public_events``), the same as the
public portal's company page and the API.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from wuye.core.listing import page_window, paginate

from .models import CreditSettings
from .selectors import (
    public_benchmark_estates,
    public_benchmarks,
    public_black_list,
    public_events,
    public_red_list,
    public_since,
    public_stars,
    stored_credit,
)
from .selectors import (
    public_company as company_of,
)


@require_GET
def public_company(request, pk: int):
    company = company_of(pk)
    if company is None:
        raise Http404("未找到该企业")
    today = timezone.localdate()
    cs = CreditSettings.current()
    return render(request, "credit/public_company.html", {
        "company": company, "credit": stored_credit(company), "cs": cs, "today": today,
        "events": list(public_events(company.pk, today=today, cs=cs)), "stars": public_stars(company.pk),
        "benchmarks": public_benchmarks(company.pk), "since": public_since(today, cs),
    })


def _list_page(request, qs, template: str, extra: dict):
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(company__name__icontains=q)
    page = paginate(request, qs)
    return render(request, template, {"page": page, "rows": list(page.object_list), "window": page_window(page),
                                      "q": q, "query": f"q={q}" if q else "", **extra})


@require_GET
def public_red(request):
    return _list_page(request, public_red_list(), "credit/public_red.html",
                      {"benchmark_estates": public_benchmark_estates()})


@require_GET
def public_black(request):
    return _list_page(request, public_black_list(), "credit/public_black.html", {})
