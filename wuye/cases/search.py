"""Chinese keyword search over complaint titles and descriptions (issue §13).

Text is cut into words with jieba (search mode, so 垃圾桶 also yields 垃圾). Each word is stored
as a short ASCII token (``w`` + 10 hex digits of its SHA-1), space-separated and space-padded, in
``Complaint.search_tokens``. A query matches complaints holding every token of every query word.
The same tokens and the same match rule are used on SQLite (``LIKE '% w… %'``) and PostgreSQL (a
``tsvector`` over the ASCII tokens with a GIN index), so both return the same complaints.
"""

from __future__ import annotations

import hashlib
import logging
import re

import jieba

jieba.setLogLevel(logging.WARNING)

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def _token(word: str) -> str:
    return "w" + hashlib.sha1(word.lower().encode("utf-8")).hexdigest()[:10]


def words(text: str) -> list[str]:
    """Search words of a text: jieba's search-mode cut, without punctuation and blanks."""
    out = []
    for w in jieba.cut_for_search(text or ""):
        w = _PUNCT.sub("", w)
        if w:
            out.append(w.lower())
    return out


def tokens_for(*texts: str) -> str:
    seen: dict[str, None] = {}
    for text in texts:
        for w in words(text):
            seen.setdefault(_token(w), None)
    return " " + " ".join(seen) + " " if seen else ""


def query_tokens(query: str) -> list[str]:
    """Tokens a query requires: each word of the query as jieba cuts it in precise mode."""
    out: dict[str, None] = {}
    for w in jieba.cut(query or ""):
        w = _PUNCT.sub("", w)
        if w:
            out.setdefault(_token(w.lower()), None)
    return list(out)
