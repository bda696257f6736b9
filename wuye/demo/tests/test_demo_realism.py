"""The small demo city reads like a real one (issue 14 §14): monthly metrics spread out (no dozens
of units tied at 100.0), a red list that is a small share of companies, benchmark estates that are
not under downgrade review, a passed dismissal vote followed by its exit case, news items that read
as distinct articles, and no duplicate pinned notices."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from wuye.cases.metrics import Weights, figures_of
from wuye.cases.models import UnitMonthStat
from wuye.core import calendar
from wuye.credit.models import Benchmark, CompanyCredit, ExitCase
from wuye.demo.generator import build_demo_city
from wuye.governance.models import Matter, Motion
from wuye.portal.models import Article
from wuye.registry.models import PropertyCompany
from wuye.supervision.stars.models import DowngradeReview

NOW = datetime(2026, 11, 20, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
SEED = 2026


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        calendar.clear_cache()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_demo_city(scale="small", seed=SEED, now=NOW)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            calendar.clear_cache()


@pytest.fixture
def d(demo, db):
    return demo


def test_monthly_composites_spread_out(d):
    """Units with a handful of tasks may have a perfect month now and then; units with a real volume
    seldom do, and no value is shared by a crowd of units."""
    weights = Weights.current()
    months = sorted(set(UnitMonthStat.objects.values_list("month", flat=True)))
    assert len(months) >= 6
    for month in months[-4:-1]:  # the last complete months
        ranked = [f for f in (figures_of(s, weights) for s in UnitMonthStat.objects.filter(month=month)) if f.ranked]
        assert len(ranked) >= 10, month
        perfect = [f for f in ranked if f.composite == 100]
        assert len(perfect) <= len(ranked) // 3, (month, len(perfect), len(ranked))
        busy = [f for f in ranked if f.counts["assigned"] >= 5]
        assert busy, month
        assert sum(f.composite == 100 for f in busy) <= max(1, len(busy) // 5), (month, len(busy))
        ties = Counter(f.composite for f in ranked).most_common(1)[0][1]
        assert ties <= len(ranked) // 3, (month, ties, len(ranked))


def test_the_red_list_is_a_small_share_of_companies(d):
    companies = PropertyCompany.objects.count()
    red = CompanyCredit.objects.filter(red=True).count()
    assert 0 < red <= max(5, companies // 10), (red, companies)
    for kind in Benchmark.Kind.values:  # named benchmarks: at most five of each kind
        assert Benchmark.objects.filter(kind=kind, active=True).count() <= 5, kind


def test_benchmark_estates_are_not_under_downgrade_review(d):
    benchmark_estates = set(Benchmark.objects.filter(kind=Benchmark.Kind.ESTATE, active=True)
                            .values_list("estate_id", flat=True))
    assert benchmark_estates
    reviewed = set(DowngradeReview.objects.filter(status=DowngradeReview.Status.OPEN)
                   .values_list("rating__estate_id", flat=True))
    assert benchmark_estates & reviewed == set()


def test_a_passed_dismissal_vote_is_followed_by_its_exit_case(d):
    passed = [m for m in Motion.objects.filter(matter=Matter.HIRE_OR_FIRE_MANAGER, title__contains="解聘")
              .exclude(final_result=None).select_related("estate") if m.final_result.get("passed")]
    assert passed
    for m in passed:
        case = ExitCase.objects.filter(estate=m.estate, opened_at__gte=m.voting_closes_at).first()
        assert case is not None, m.title
        assert case.company_id == m.estate.company_id
        assert "业主大会" in case.reason


def test_news_items_read_as_distinct_articles(d):
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    titles = list(published.values_list("title", flat=True))
    assert len(titles) == len(set(titles))
    news = list(published.filter(category=Article.Category.NEWS).values_list("body", flat=True))
    assert len(news) >= 3 and len(news) == len(set(news))


def test_no_duplicate_pinned_notices(d):
    pinned = list(Article.objects.filter(pinned=True).values_list("title", flat=True))
    assert pinned and len(pinned) == len(set(pinned))
    assert len(pinned) <= 3
