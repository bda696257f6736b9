"""The capped count of the list pages: right on both databases, and on PostgreSQL without reading
the key of every counted row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuye.accounts.models import User
from wuye.core.listing import capped_count


@pytest.mark.django_db
def test_capped_count_counts_up_to_the_cap_and_reads_no_column_on_postgresql():
    for i in range(5):
        User.objects.create_user(username=f"count{i}", password="x")
    qs = User.objects.filter(username__startswith="count")
    with CaptureQueriesContext(connection) as q:
        assert capped_count(qs, 10) == 5
    assert capped_count(qs, 3) == 4  # cap + 1: "3+"
    assert capped_count(qs.distinct(), 10) == 5
    sql = q.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        assert "SELECT  FROM" in sql or "SELECT FROM" in sql, sql
    else:
        assert '"id"' in sql, sql
