"""Bulletin numbers under concurrent issue (issue 16 item 14): eight drafts issued at the same
moment from eight connections get 1…8 — no gap, no repeat — and the same draft issued twice at once
is issued once, the other told in Chinese. PostgreSQL only: it needs real row locks (the counter
row is locked with ``select_for_update``)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from wuye.campaign.bulletins import services as svc
from wuye.campaign.bulletins.models import Bulletin, NumberCounter
from wuye.conftest import build_world
from wuye.core.testing import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two connections with row locks (PostgreSQL)"),
]


@pytest.fixture
def ready(transactional_db):
    w = build_world()
    city = w.users["city"]

    def make():
        b = svc.bulletin_draft(actor=city, kind="monthly", period_start=date(2026, 11, 1), period_end=date(2026, 11, 30))
        svc.recipients_set(actor=city, bulletin=b, main=[f"district:{w.d1.pk}"], copy=[])
        return b.pk

    return city, make


def _issue(city, pk):
    def call():
        return svc.bulletin_issue(actor=city, bulletin=Bulletin.objects.get(pk=pk), issue_date=date(2027, 3, 5)).number
    return call


def test_concurrent_issues_are_numbered_without_gaps_or_repeats(ready):
    city, make = ready
    pks = [make() for _ in range(8)]
    results = race(*[_issue(city, pk) for pk in pks])
    assert all(kind == "ok" for kind, _value in results), results
    numbers = sorted(Bulletin.objects.filter(pk__in=pks).values_list("seq", flat=True))
    assert numbers == list(range(1, 9))
    assert {value for _kind, value in results} == {f"X房物〔2027〕{n}号" for n in range(1, 9)}
    assert NumberCounter.objects.get(year=2027).last == 8


def test_the_same_draft_issued_twice_at_once_is_issued_once(ready):
    city, make = ready
    pk = make()
    seen = [Bulletin.objects.get(pk=pk), Bulletin.objects.get(pk=pk)]  # both read the draft before either issues
    results = race(*[lambda b=b: svc.bulletin_issue(actor=city, bulletin=b, issue_date=date(2027, 3, 5)).number
                     for b in seen])
    assert sorted(kind for kind, _ in results) == ["ok", "refused"]
    refused = next(value for kind, value in results if kind == "refused")
    assert "已被他人处理" in str(refused) or "已印发" in str(refused)
    assert Bulletin.objects.get(pk=pk).seq == 1 and NumberCounter.objects.get(year=2027).last == 1
    # The next draft takes 2: the refused issue gave nothing away.
    other = make()
    assert _issue(city, other)() == "X房物〔2027〕2号"
