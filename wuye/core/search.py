"""Chinese and pinyin-initial search.

Each searchable row keeps a ``search_key``: its pinyin initials (``幸福里小区`` → ``xflxq``). A
query that is plain ASCII letters matches initials by prefix; anything else matches the name by
substring. Prefix matches are written as ranges (``>= q AND < q + U+FFFF``) so that a B-tree
index serves them on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re

from django.db.models import Q
from pypinyin import Style, lazy_pinyin

_ASCII = re.compile(r"^[A-Za-z]+$")


def initials(text: str) -> str:
    if not text:
        return ""
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    return "".join(x[0] for x in letters if x).lower()[:64]


def is_initials_query(q: str) -> bool:
    return bool(_ASCII.match(q))


def prefix_q(field: str, value: str) -> Q:
    return Q(**{f"{field}__gte": value, f"{field}__lt": value + "\uffff"})


def search_q(q: str, *, text_fields: list[str], key_field: str = "search_key", prefix_only: bool = False) -> Q:
    """Q object for a search box: pinyin initials by prefix, Chinese by substring (or prefix)."""
    q = (q or "").strip()
    if not q:
        return Q()
    if is_initials_query(q):
        cond = prefix_q(key_field, q.lower())
        for f in text_fields:
            cond |= prefix_q(f, q) if prefix_only else Q(**{f"{f}__icontains": q})
        return cond
    cond = Q()
    for f in text_fields:
        cond |= prefix_q(f, q) if prefix_only else Q(**{f"{f}__icontains": q})
    return cond
