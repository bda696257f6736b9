"""Chinese keyword search (issue §13): the same complaints on SQLite (LIKE) and PostgreSQL
(tsvector + GIN). The suite runs on whichever database it is given; CI runs both."""

from __future__ import annotations

import pytest
from django.db import connection

from wuye.cases.models import Complaint, Task
from wuye.cases.search import filter_keywords, query_tokens

from .conftest import act, file

TEXTS = {
    "bin": ("", "垃圾桶没人清理，楼道里全是异味"),
    "lift": ("电梯故障", "2号楼电梯经常停运，老人上下楼很困难"),
    "parking": ("停车收费太高", "地面停车位每月收费 600 元，没有公示收费依据"),
    "both": ("", "电梯间门口堆放垃圾，物业一直不清理"),
    "english": ("WiFi", "Lobby WiFi 坏了，门禁 APP 也打不开"),
}

QUERIES = {
    "垃圾": {"bin", "both"},
    "电梯": {"lift", "both"},
    "停车": {"parking"},
    "电梯 垃圾": {"both"},
    "垃圾电梯": {"both"},
    "清理": {"bin", "both"},
    "收费": {"parking"},
    "wifi": {"english"},
    "WIFI 门禁": {"english"},
    "消防": set(),
    "电梯 消防": set(),
}


@pytest.fixture
def corpus(cworld):
    return {key: file(cworld, title=title, description=desc) for key, (title, desc) in TEXTS.items()}


def _reference(q: str) -> set[int]:
    """The match rule written out in Python: every query token among the complaint's tokens."""
    want = set(query_tokens(q))
    return {c.pk for c in Complaint.objects.all() if want <= set(c.search_tokens.split())}


@pytest.mark.parametrize("q", list(QUERIES))
def test_query_finds_exactly_the_expected_complaints(corpus, q):
    found = set(filter_keywords(Complaint.objects.all(), q).values_list("pk", flat=True))
    assert found == {corpus[k].pk for k in QUERIES[q]}, connection.vendor
    assert found == _reference(q)


def test_electric_lift_does_not_find_parking(corpus):
    found = set(filter_keywords(Complaint.objects.all(), "电梯").values_list("pk", flat=True))
    assert corpus["parking"].pk not in found and corpus["lift"].pk in found


def test_two_words_require_both(corpus):
    one = set(filter_keywords(Complaint.objects.all(), "垃圾").values_list("pk", flat=True))
    two = set(filter_keywords(Complaint.objects.all(), "垃圾 电梯").values_list("pk", flat=True))
    assert two < one and two == {corpus["both"].pk}


@pytest.mark.parametrize("q", ["", "   ", "，。！？", None])
def test_empty_or_punctuation_query_keeps_everything(corpus, q):
    assert filter_keywords(Complaint.objects.all(), q).count() == len(TEXTS)


def test_search_through_a_relation_on_tasks(cworld, corpus):
    u = cworld.users
    for c in corpus.values():
        act(u["city"], c, "dispatch")
    tasks = filter_keywords(Task.objects.all(), "垃圾", path="complaint__")
    assert set(tasks.values_list("complaint_id", flat=True)) == {corpus["bin"].pk, corpus["both"].pk}


def test_combines_with_other_filters(cworld, corpus):
    qs = filter_keywords(Complaint.objects.filter(title=""), "电梯")
    assert list(qs.values_list("pk", flat=True)) == [corpus["both"].pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only")
def test_postgresql_uses_the_gin_expression_with_the_date(corpus):
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'cases_compl_search%%'")
        indexes = dict(cur.fetchall())
    assert list(indexes) == ["cases_compl_search_date_gin"]  # the tokens-only index of 0003 is gone
    assert "gin (to_tsvector('simple'::regconfig, search_tokens), created_at)" in indexes["cases_compl_search_date_gin"]
    sql = str(filter_keywords(Complaint.objects.all(), "垃圾").query)
    assert "to_tsvector('simple'::regconfig" in sql and "@@ to_tsquery" in sql
