"""Public credit pages (no login; issue 4 §12): a company's credit, the red list and the black list.

The company page reads a fixed handful of rows whatever the company's history (the company with
its credit row, the settings, its public events, its star-rated and benchmark estates), so it
stays fast on a city of thousands of companies. It never shows drafts, objections, evidence or
anybody's personal data.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from wuye.core.listing import page_window, paginate

from .models import Benchmark, CompanyCredit, CreditSettings
from .scoring import live_q
from .selectors import public_black_list, public_events, public_red_list, public_since


@require_GET
def public_company(request, pk: int):
    from wuye.registry.models import PropertyCompany
    from wuye.supervision.models import StarRating

    from .scoring import credit_recompute

    company = PropertyCompany.objects.select_related("credit").filter(pk=pk).first()
    if company is None:
        raise Http404("未找到该企业")
    today = timezone.localdate()
    try:
        credit = company.credit
    except CompanyCredit.DoesNotExist:
        credit = credit_recompute(company.pk, today=today)
    cs = CreditSettings.current()
    events = list(_with_counting(public_events(company.pk, today=today, cs=cs), today))
    stars = list(StarRating.objects.filter(company_id=company.pk, status=StarRating.Status.ACTIVE)
                 .select_related("estate").order_by("-level", "estate__name"))
    benchmarks = list(Benchmark.objects.filter(active=True).filter(Q(company_id=company.pk) | Q(estate__company_id=company.pk))
                      .select_related("estate").order_by("-designated_on"))
    return render(request, "credit/public_company.html", {
        "company": company, "credit": credit, "events": events, "stars": stars, "benchmarks": benchmarks,
        "cs": cs, "since": public_since(today, cs), "today": today,
    })


def _with_counting(qs, today):
    from django.db.models import BooleanField, Case, Value, When

    return qs.annotate(counting=Case(When(live_q(today), then=Value(True)), default=Value(False),
                                     output_field=BooleanField()))


def _list_page(request, qs, template: str, extra: dict):
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(company__name__icontains=q)
    page = paginate(request, qs)
    return render(request, template, {"page": page, "rows": list(page.object_list), "window": page_window(page),
                                      "q": q, "query": f"q={q}" if q else "", **extra})


@require_GET
def public_red(request):
    estates = list(Benchmark.objects.filter(active=True, kind=Benchmark.Kind.ESTATE)
                   .select_related("estate", "estate__company", "estate__district").order_by("-designated_on")[:100])
    return _list_page(request, public_red_list(), "credit/public_red.html", {"benchmark_estates": estates})


@require_GET
def public_black(request):
    return _list_page(request, public_black_list(), "credit/public_black.html", {})
