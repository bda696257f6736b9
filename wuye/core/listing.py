"""Pagination and sorting shared by every list page.

Counts are capped: a list never counts past ``cap`` rows (``SELECT COUNT(*) FROM (… LIMIT cap+1)``),
so the total stays fast on tables of millions of rows; above the cap the page shows "10,000+"
and asks the user to narrow the filter.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

PAGE_SIZE = 20
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page=PAGE_SIZE, *, cap: int = COUNT_CAP, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        n = capped_count(self.object_list, self.cap)
        self.capped = n > self.cap
        return min(n, self.cap)


def capped_count(qs: QuerySet, cap: int) -> int:
    """Number of rows, counting at most ``cap + 1`` of them."""
    return qs.order_by().values("pk")[: cap + 1].count()


def paginate(request, qs: QuerySet, *, per_page: int = PAGE_SIZE, cap: int = COUNT_CAP):
    paginator = CappedPaginator(qs, per_page, cap=cap)
    return paginator.get_page(request.GET.get("page"))


def page_window(page, *, around: int = 2) -> list[int | None]:
    """Page numbers to show: first, last and a window around the current page (None = gap)."""
    last = page.paginator.num_pages
    wanted = {1, last, *range(page.number - around, page.number + around + 1)}
    out: list[int | None] = []
    prev = 0
    for n in sorted(x for x in wanted if 1 <= x <= last):
        if n - prev > 1:
            out.append(None)
        out.append(n)
        prev = n
    return out


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key


def apply_sort(request, qs: QuerySet, allowed: dict[str, tuple[str, ...]], default: str) -> tuple[QuerySet, Sort]:
    """Order by ``?sort=key`` or ``?sort=-key`` when the key is allowed (an unknown key falls back)."""
    raw = request.GET.get("sort") or default
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    if key not in allowed:
        descending = default.startswith("-")
        key = default.lstrip("-")
    fields = allowed[key]
    if descending:
        fields = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)
    return qs.order_by(*fields), Sort(key, descending)
