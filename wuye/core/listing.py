"""Pagination and sorting shared by every list page.

Counts are capped: a list never counts past ``cap`` rows (``SELECT COUNT(*) FROM (… LIMIT cap+1)``),
so the total stays fast on tables of millions of rows; above the cap the page shows "10,000+"
and asks the user to narrow the filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet, Value
from django.utils import timezone
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
    limited = qs.order_by()
    if connections[qs.db].vendor == "postgresql" and not (qs.query.distinct or qs.query.combinator):
        # Django leaves the unused constant out of the inner select ("SELECT FROM … LIMIT n"), which
        # PostgreSQL accepts: with no column to read, it can count from an index alone (an
        # index-only scan, or a bitmap scan that skips all-visible pages) instead of visiting
        # every row for its key. tests/test_capped_count.py pins the statement.
        return limited.annotate(counted=Value(1)).values("counted")[: cap + 1].count()
    return limited.values("pk")[: cap + 1].count()


def paginate(request, qs: QuerySet, *, per_page: int = PAGE_SIZE, cap: int = COUNT_CAP):
    paginator = CappedPaginator(qs, per_page, cap=cap)
    return paginator.get_page(request.GET.get("page"))


# The windows a list sorted newest first by a date is first cut in (see ``RecentFirstPaginator``).
RECENT_WINDOWS = (timedelta(days=1), timedelta(days=7))
# Below this many rows a list is sorted in one go: reading all of them is cheap.
RECENT_FIRST_MIN = 1_000
# A keyword search counts at most this many complaints ("1,000+"): 50 pages, and a count that
# stays short for the commonest words.
SEARCH_COUNT_CAP = 1_000


class RecentFirstPaginator(CappedPaginator):
    """A capped paginator for a list sorted newest first by a date field, whose filter matches
    many rows that no index returns in date order. A common word of a keyword search matches
    tens of thousands of complaints: the search index returns them in no order, so PostgreSQL
    would read every match to sort them.

    - **Count.** The rows of the last day, then of the last week, are counted first; when they
      alone pass the cap, the list is "cap+" and is not counted further. Otherwise all rows are
      counted (capped).
    - **Page.** A list of at least ``RECENT_FIRST_MIN`` rows (or past the cap) is cut within the last day, then the
      last week, and only then among all rows: the first window that holds the page's last row
      gives the page. Every row inside a window is newer than every row outside it, so that page
      is exactly the page of all rows.

    With an index that serves the filter and the date together (the complaint search index of
    ``cases`` migration 0006) a day or a week reads only its own matches.
    """

    def __init__(self, object_list, per_page=PAGE_SIZE, *, field: str, cap: int = COUNT_CAP,
                 windows: tuple[timedelta, ...] = RECENT_WINDOWS, **kwargs):
        order = list(object_list.query.order_by)
        if not order or order[0] != f"-{field}":
            raise ValueError(f"RecentFirstPaginator needs a list sorted by -{field} first, not {order}")
        super().__init__(object_list, per_page, cap=cap, **kwargs)
        self.field = field
        self.now = timezone.now()
        self.windows = [self.now - w for w in windows]  # the start of each window
        self.window_counts: dict[datetime, int] = {}  # rows since a start (capped at cap + 1)

    def _since(self, since: datetime) -> QuerySet:
        return self.object_list.filter(**{f"{self.field}__gte": since})

    @cached_property
    def count(self) -> int:
        for since in self.windows:
            n = self.window_counts[since] = capped_count(self._since(since), self.cap)
            if n > self.cap:
                self.capped = True
                return self.cap
        n = capped_count(self.object_list, self.cap)
        self.capped = n > self.cap
        return min(n, self.cap)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.rows(bottom, top), number, self)

    def rows(self, bottom: int, top: int) -> list:
        if top <= bottom:
            return []
        if self.count >= RECENT_FIRST_MIN or self.capped:
            for since in self.windows:
                known = self.window_counts.get(since)
                if known is not None and known < top:
                    continue  # counted: too few rows in this window
                found = list(self._since(since)[bottom:top])
                if len(found) == top - bottom:
                    return found
        return list(self.object_list[bottom:top])


def paginate_ids(request, qs: QuerySet, *, related: tuple[str, ...] = (), per_page: int = PAGE_SIZE,
                 cap: int = COUNT_CAP, recent_first: str | None = None):
    """``paginate`` that sorts and slices the ids only, then loads the page's rows by id.

    When a filter matches many rows that no index returns in order (a common word of a keyword
    search matches tens of thousands of complaints), PostgreSQL otherwise joins every match to
    the tables the page shows before sorting them; sorting bare ids and joining 30 rows afterwards
    is several times cheaper. The rows are loaded through the same (scoped, filtered) queryset,
    with ``related`` joined in.

    ``recent_first``: the date field the list is sorted by, newest first; the list is then counted
    and cut into pages within recent windows first (``RecentFirstPaginator``).
    """
    ids_qs = qs.values_list("pk", flat=True)
    if recent_first:
        page = RecentFirstPaginator(ids_qs, per_page, field=recent_first, cap=cap).get_page(request.GET.get("page"))
    else:
        page = paginate(request, ids_qs, per_page=per_page, cap=cap)
    ids = list(page.object_list)
    by_id = {obj.pk: obj for obj in qs.order_by().filter(pk__in=ids).select_related(*related)} if ids else {}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    return page


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


def query_string(data, *drop: str) -> str:
    """A list's filters as a query string for its page links and exports: without the page number,
    the export switch, the ``drop`` keys and empty values."""
    q = data.copy()
    for key in ("page", "export", *drop):
        q.pop(key, None)
    for key in [k for k, v in q.lists() if not any(v)]:
        q.pop(key)
    return q.urlencode()
