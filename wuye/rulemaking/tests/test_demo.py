"""The demo's rule-making rows (issue 19 item 10): the draft regulation with a closed consultation
and its published summary, and the library; the same rows for the same seed."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import transaction

from wuye.demo.rulemaking import build_demo_rulemaking
from wuye.rulemaking import selectors as sel
from wuye.rulemaking.models import Comment, Draft, NormativeDocument

pytestmark = pytest.mark.django_db
NOW = datetime.fromisoformat("2026-06-15T10:00:00+08:00")


class _Rollback(Exception):
    pass


def _snapshot(world) -> list[tuple]:
    rows = []
    try:
        with transaction.atomic():
            build_demo_rulemaking(scale="small", seed=7, now=NOW, city_id=world.city.pk)
            rows = list(Comment.objects.order_by("draft__title", "created_at", "text", "author_name")
                        .values_list("article", "text", "source", "author_name", "answer", "hidden", "created_at"))
            raise _Rollback
    except _Rollback:
        pass
    return rows


def test_demo_rulemaking(world):
    counts = build_demo_rulemaking(scale="small", seed=7, now=NOW, city_id=world.city.pk)
    assert counts["draft"] == 2 and counts["comment"] > 40
    draft = Draft.objects.get(title__contains="X市物业管理条例")
    assert draft.status == Draft.Status.PUBLISHED and draft.final_text and "采纳" in draft.summary
    assert sel.window_state(draft, NOW) == "after"
    assert sel.unanswered_count(draft) == 0
    assert draft.comments.filter(hidden=True).count() == 2
    assert set(draft.comments.values_list("source", flat=True)) == {"public", "account", "unit"}
    assert {k for k in sel.answer_counts(draft) if sel.answer_counts(draft)[k]} >= {"adopted", "partly", "not_adopted"}
    regulation = NormativeDocument.objects.get(code="WYTL")
    assert regulation.versions.get(version=2).draft == draft
    assert Draft.objects.get(status=Draft.Status.CONSULTING).pk and sel.accepts_comments(
        Draft.objects.get(status=Draft.Status.CONSULTING), NOW)


def test_same_seed_same_rows(world):
    assert _snapshot(world) == _snapshot(world)
