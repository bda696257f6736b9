"""Chinese keyword search (issue §13): the same complaints on SQLite (LIKE) and PostgreSQL
(tsvector + GIN). The suite runs on whichever database it is given; CI runs both."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from wuye.cases.models import Complaint, Task
from wuye.cases.search import filter_keywords, query_tokens, tokens_for

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


# ---- a word is found wherever it stands -----------------------------------------------------------


def test_a_word_is_found_whatever_the_segmentation_of_the_text_around_it(cworld):
    # jieba cuts this text 单元楼 / 道 / 灯坏: neither 楼道 nor 灯 is one of its segments.
    c = file(cworld, title="", description="18号楼4单元楼道灯坏了三天，晚上一片漆黑")
    for q in ("楼道灯", "楼道", "灯", "单元楼道灯坏", "4单元", "漆黑 楼道灯"):
        assert set(filter_keywords(Complaint.objects.all(), q).values_list("pk", flat=True)) == {c.pk}, q
    for q in ("楼道灯泡", "走廊灯"):
        assert not filter_keywords(Complaint.objects.all(), q).exists(), q


def test_full_width_letters_and_digits_match_their_ascii_forms(cworld):
    c = file(cworld, title="", description="Ｗｉｆｉ 坏了，３号楼")
    for q in ("wifi", "WIFI", "3号楼"):
        assert set(filter_keywords(Complaint.objects.all(), q).values_list("pk", flat=True)) == {c.pk}, q


CHARS = "楼道灯坏了单元电梯垃圾清运停车收费物业外墙渗水广场舞噪音业主委员会消防通道充电桩公摊水电"


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=CHARS, min_size=1, max_size=40), data=st.data())
def test_every_chinese_substring_of_a_text_finds_it(text, data):
    """The rule the index keeps: a query that occurs in the text (Chinese characters only) asks
    only for tokens the text holds."""
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    assert set(query_tokens(text[start:end])) <= set(tokens_for(text).split())


def test_the_migration_recomputes_the_tokens_of_stored_complaints(cworld):
    import importlib

    from django.apps import apps

    c = file(cworld, title="楼道", description="4单元楼道灯坏了")
    Complaint.objects.filter(pk=c.pk).update(search_tokens=" wdeadbeef00 ")
    migration = importlib.import_module("wuye.cases.migrations.0007_search_words_anywhere")
    migration.retokenise(apps, type("Editor", (), {"connection": connection})())
    c.refresh_from_db()
    assert c.search_tokens == tokens_for("楼道", "4单元楼道灯坏了")
    assert filter_keywords(Complaint.objects.all(), "楼道灯").get() == c
