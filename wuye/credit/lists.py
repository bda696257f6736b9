"""Red and black lists and benchmarks, as sets of ids other apps can ask about."""

from __future__ import annotations

from .models import Benchmark, CompanyCredit


def benchmark_company_ids() -> set[int]:
    return set(Benchmark.objects.filter(kind=Benchmark.Kind.COMPANY, active=True).values_list("company_id", flat=True))


def benchmark_estate_ids() -> set[int]:
    return set(Benchmark.objects.filter(kind=Benchmark.Kind.ESTATE, active=True).values_list("estate_id", flat=True))


def black_listed_company_ids() -> set[int]:
    return set(CompanyCredit.objects.filter(black=True).values_list("company_id", flat=True))


def red_listed_company_ids() -> set[int]:
    return set(CompanyCredit.objects.filter(red=True).values_list("company_id", flat=True))


def company_grade(company_id: int) -> str | None:
    """The company's current grade, computing it if it was never computed."""
    from .scoring import credit_recompute

    row = CompanyCredit.objects.filter(company_id=company_id).only("grade").first()
    if row is None:
        row = credit_recompute(company_id)
    return row.grade
