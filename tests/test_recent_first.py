"""Pages of a list sorted newest first, looked for in recent windows first (RecentFirstPaginator):
every page is exactly the page of the plain sorted list, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wuye.accounts.models import User
from wuye.core import listing
from wuye.core.listing import CappedPaginator, RecentFirstPaginator

# Days ago of each row: a few this week, more this month and this year, some older, and ties.
AGES = [0, 0, 1, 2, 3, 5, 6, 6, 6, 9, 12, 15, 20, 25, 30, 30, 40, 60, 80, 91, 100, 150, 200, 250, 300,
        365, 400, 500, 600, 700, 700, 800]


@pytest.fixture
def rows(monkeypatch):
    monkeypatch.setattr(listing, "RECENT_FIRST_MIN", 10)
    now = timezone.now()
    users = User.objects.bulk_create(
        User(username=f"rf{i:03d}", password="!", date_joined=now - timedelta(days=age, minutes=i % 3))
        for i, age in enumerate(AGES))
    assert len(users) == len(AGES)
    return User.objects.filter(username__startswith="rf").order_by("-date_joined", "-id").values_list("pk", flat=True)


@pytest.mark.django_db
@pytest.mark.parametrize("per_page", [1, 3, 5, 7, 20, 40])
@pytest.mark.parametrize("windows", [listing.RECENT_WINDOWS, (timedelta(days=3), timedelta(days=30))])
def test_every_page_is_the_page_of_the_plain_sorted_list(rows, per_page, windows):
    everything = list(rows)
    paginator = RecentFirstPaginator(rows.all(), per_page, field="date_joined", windows=windows)
    assert paginator.count == len(AGES) and not paginator.capped
    seen = []
    for number in paginator.page_range:
        page = list(paginator.page(number).object_list)
        assert page == everything[(number - 1) * per_page: number * per_page]
        seen += page
    assert seen == everything


@pytest.mark.django_db
def test_the_page_is_taken_in_the_first_window_that_holds_it(rows):
    paginator = RecentFirstPaginator(rows.all(), 5, field="date_joined")
    with CaptureQueriesContext(connection) as q:
        assert paginator.count == len(AGES)
    assert len(q.captured_queries) == 3  # the last day (2 rows), the last week (9), then all rows
    with CaptureQueriesContext(connection) as q:
        page = paginator.page(1)  # rows 1–5: the last day holds 2, the last week 9 (both counted)
    assert len(q.captured_queries) == 1 and '"date_joined" >=' in q.captured_queries[0]["sql"]
    assert list(page.object_list) == list(rows)[:5]
    with CaptureQueriesContext(connection) as q:
        page = paginator.page(3)  # rows 11–15: not in the last week (counted), so among all rows
    assert len(q.captured_queries) == 1 and '"date_joined" >=' not in q.captured_queries[0]["sql"]
    assert list(page.object_list) == list(rows)[10:15]


@pytest.mark.django_db
def test_a_day_past_the_cap_ends_the_count(rows):
    paginator = RecentFirstPaginator(rows.all(), 1, field="date_joined", cap=1)
    with CaptureQueriesContext(connection) as q:
        assert paginator.count == 1
    assert paginator.capped and len(q.captured_queries) == 1  # the last day holds 2 > 1
    with CaptureQueriesContext(connection) as q:
        paginator.page(1)
    assert '"date_joined" >=' in q.captured_queries[0]["sql"]  # a capped list is cut in windows
    plain = CappedPaginator(rows.all(), 1, cap=1)  # the same as any capped list
    assert plain.count == 1 and plain.capped
    assert list(paginator.page(1).object_list) == list(plain.page(1).object_list) == list(rows)[:1]


@pytest.mark.django_db
def test_a_short_list_is_sorted_in_one_go(rows, monkeypatch):
    monkeypatch.setattr(listing, "RECENT_FIRST_MIN", 100)
    paginator = RecentFirstPaginator(rows.all(), 5, field="date_joined")
    paginator.count  # noqa: B018 - counted first
    want = list(rows)[:5]
    with CaptureQueriesContext(connection) as q:
        assert list(paginator.page(1).object_list) == want
    assert len(q.captured_queries) == 1 and '"date_joined" >=' not in q.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_a_list_not_sorted_newest_first_by_the_field_is_refused():
    with pytest.raises(ValueError):
        RecentFirstPaginator(User.objects.order_by("date_joined"), 5, field="date_joined")
    with pytest.raises(ValueError):
        RecentFirstPaginator(User.objects.order_by("-id"), 5, field="date_joined")
