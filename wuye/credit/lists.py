"""Red and black lists and benchmarks, as sets of ids other apps can ask about (the benchmark
companies, an input of the score's lists, are ``scoring.benchmark_company_ids``)."""

from __future__ import annotations

from .models import Benchmark, CompanyCredit
from .scoring import company_score


def benchmark_estate_ids() -> set[int]:
    return set(Benchmark.objects.filter(kind=Benchmark.Kind.ESTATE, active=True).values_list("estate_id", flat=True))


def black_listed_company_ids() -> set[int]:
    return set(CompanyCredit.objects.filter(black=True).values_list("company_id", flat=True))


def red_listed_company_ids() -> set[int]:
    return set(CompanyCredit.objects.filter(red=True).values_list("company_id", flat=True))


def company_grade(company_id: int) -> str | None:
    """The company's current grade: its stored row, or (never rated yet) the grade its events give
    today, computed without writing anything."""
    row = CompanyCredit.objects.filter(company_id=company_id).only("grade").first()
    if row is None:
        return company_score(company_id)[1]
    return row.grade
