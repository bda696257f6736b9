"""A test that commits ends with a flush of every table; ``race_db`` puts back what was there, so
the rows the data migrations seeded (credit rules, categories, the working-day calendar…) are
still there for the tests that follow it, whatever order the workers run them in. (A plain
``transactional_db`` test would leave only what post_migrate seeds: every committing test asks
for ``race_db``.)"""

from __future__ import annotations

import pytest

from wuye.credit.models import CreditRule
from wuye.registry.models import PropertyCompany

pytestmark = pytest.mark.xdist_group("committing-tests")  # one worker, in file order


def test_a_committing_test_sees_the_seeded_rows_and_adds_its_own(race_db, transactional_db):
    from wuye.conftest import build_world

    assert CreditRule.objects.filter(code="HK01").exists()
    build_world()
    assert PropertyCompany.objects.exists()


def test_the_next_committing_test_finds_the_seeded_rows_and_none_of_the_last_ones(race_db, transactional_db):
    assert CreditRule.objects.filter(code="HK01", active=True).exists()
    assert not PropertyCompany.objects.exists()



def test_after_a_committing_test_new_rows_get_new_keys(race_db, transactional_db):
    # the loaded rows keep their keys; each table's sequence is past them (PostgreSQL)
    from wuye.cases.models import Category

    Category.objects.create(code="after-flush", name="清空之后新建")
    assert Category.objects.filter(code="after-flush").exists()
