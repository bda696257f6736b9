"""A test that commits ends with a flush of every table; the root ``conftest.py`` then puts back
what the database held before the first test, so the rows the data migrations seeded (credit
rules, categories, the working-day calendar…) are still there for the tests that follow, whatever
order the workers run them in — including a test that builds its data before it asks for the
live server."""

from __future__ import annotations

import pytest

from wuye.credit.models import CreditRule
from wuye.registry.models import PropertyCompany
from wuye.territory.models import City

pytestmark = pytest.mark.xdist_group("committing-tests")  # one worker, in file order


@pytest.fixture
def committed_world(transactional_db):
    from wuye.conftest import build_world

    return build_world()


def test_a_committing_test_sees_the_seeded_rows_and_adds_its_own(committed_world):
    assert CreditRule.objects.filter(code="HK01").exists()
    assert PropertyCompany.objects.exists()


def test_the_next_one_finds_the_seeded_rows_and_none_of_the_last_ones(transactional_db):
    assert CreditRule.objects.filter(code="HK01", active=True).exists()
    assert not PropertyCompany.objects.exists() and not City.objects.exists()


def test_data_built_before_the_transactional_fixture_goes_too(world, transactional_db):
    # ``world`` (on ``db``) is set up first here; the flush still takes it
    assert City.objects.exists()


def test_after_them_new_rows_get_new_keys(transactional_db):
    # the loaded rows keep their keys; each table's sequence is past them (PostgreSQL)
    from wuye.cases.models import Category

    assert not City.objects.exists()
    Category.objects.create(code="after-flush", name="清空之后新建")
    assert Category.objects.filter(code="after-flush").exists()
