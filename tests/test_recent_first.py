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
from wuye.core.listing import RecentFirstPaginator

# Days ago of each row: a few this week, more this month and this year, some older, and ties.
AGES = [0, 0, 1, 2, 3, 5, 6, 6, 6, 9, 12, 15, 20, 25, 30, 30, 40, 60, 80, 91, 100, 150, 200, 250, 300,
        365, 400, 500, 600, 700, 700, 800]


@pytest.fixture
def rows(monkeypatch):
    monkeypatch.setattr(listing, "RECENT_FIRST_MIN", 0)
    now = timezone.now()
    users = User.objects.bulk_create(
        User(username=f"rf{i:03d}", password="!", date_joined=now - timedelta(days=age, minutes=i % 3))
        for i, age in enumerate(AGES))
    assert len(users) == len(AGES)
    return User.objects.filter(username__startswith="rf").order_by("-date_joined", "-id").values_list("pk", flat=True)


@pytest.mark.django_db
@pytest.mark.parametrize("per_page", [1, 3, 5, 7, 20, 40])
def test_every_page_is_the_page_of_the_plain_sorted_list(rows, per_page):
    everything = list(rows)
    paginator = RecentFirstPaginator(rows.all(), per_page, field="date_joined")
    assert paginator.count == len(AGES)
    seen = []
    for number in paginator.page_range:
        page = list(paginator.page(number).object_list)
        assert page == everything[(number - 1) * per_page: number * per_page]
        seen += page
    assert seen == everything


@pytest.mark.django_db
def test_a_first_page_found_in_the_last_week_takes_one_query_after_the_count(rows):
    paginator = RecentFirstPaginator(rows.all(), 5, field="date_joined")
    assert paginator.count == len(AGES)
    with CaptureQueriesContext(connection) as q:
        page = paginator.page(1)
    assert len(q.captured_queries) == 1
    assert list(page.object_list) == list(rows)[:5]


@pytest.mark.django_db
def test_a_page_beyond_every_window_is_taken_from_all_rows(rows):
    paginator = RecentFirstPaginator(rows.all(), 10, field="date_joined")
    with CaptureQueriesContext(connection) as q:
        page = paginator.page(4)  # rows 31–32: older than a year
    assert list(page.object_list) == list(rows)[30:]
    assert len(q.captured_queries) == 1 + len(listing.RECENT_WINDOWS) + 1  # count, four windows, all


@pytest.mark.django_db
def test_a_small_list_is_sorted_in_one_go(rows, monkeypatch):
    monkeypatch.setattr(listing, "RECENT_FIRST_MIN", 1000)
    paginator = RecentFirstPaginator(rows.all(), 5, field="date_joined")
    paginator.count  # noqa: B018 - counted first
    want = list(rows)[:5]
    with CaptureQueriesContext(connection) as q:
        assert list(paginator.page(1).object_list) == want
    assert len(q.captured_queries) == 1
    assert "date_joined\" >=" not in q.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_a_list_not_sorted_newest_first_by_the_field_is_refused():
    with pytest.raises(ValueError):
        RecentFirstPaginator(User.objects.order_by("date_joined"), 5, field="date_joined")
    with pytest.raises(ValueError):
        RecentFirstPaginator(User.objects.order_by("-id"), 5, field="date_joined")
