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


# ---- matching ------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"^w[0-9a-f]{10}$")


def _lookup_class():
    from django.db.models import Lookup

    class AllTokens(Lookup):
        """``search_tokens__all_tokens=[tok, …]``: the text holds every token.

        SQLite (and any other backend): ``LIKE '% tok %'`` per token on the space-padded column.
        PostgreSQL: ``to_tsvector('simple', col) @@ to_tsquery('simple', 'tok1 & tok2')``, served by
        the GIN index of migration 0006, and the same LIKE conditions beside it. Tokens are ASCII words (``w`` + hex), which the ``simple``
        configuration keeps whole and unchanged, so both forms select exactly the same rows.
        """

        lookup_name = "all_tokens"
        prepare_rhs = False
        can_use_none_as_rhs = False

        def as_sql(self, compiler, connection):
            lhs, lhs_params = self.process_lhs(compiler, connection)
            toks = [t for t in self.rhs if _TOKEN_RE.match(t)]
            if not toks:
                return "1 = 0", []
            parts = [f"{lhs} LIKE %s" for _t in toks]
            params: list = []
            for t in toks:
                params += [*lhs_params, f"% {t} %"]
            if connection.vendor == "postgresql":
                # The tsvector condition lets PostgreSQL use the GIN index; the LIKE conditions
                # select the same rows and cost about a microsecond a row, against tens for
                # to_tsvector. When PostgreSQL reads rows in date order instead of from the index
                # (a common word, limited to the last day), or rechecks them, it tests the cheap
                # LIKE first and computes to_tsvector only for the rows that match.
                parts.insert(0, f"to_tsvector('simple'::regconfig, {lhs}) @@ to_tsquery('simple'::regconfig, %s)")
                params = [*lhs_params, " & ".join(toks), *params]
            return "(" + " AND ".join(parts) + ")", params

    return AllTokens


_registered = False


def _register() -> None:
    global _registered
    if _registered:
        return
    from .models import Complaint

    Complaint._meta.get_field("search_tokens").register_lookup(_lookup_class())
    _registered = True


def filter_keywords(qs, q: str, *, path: str = ""):
    """Complaints (or rows related to them through ``path``, e.g. ``"complaint__"`` for tasks)
    whose title or description holds every word of the query ``q``. An empty query, or one with
    no words at all (only punctuation), leaves the queryset as it is."""
    toks = query_tokens(q)
    if not toks:
        return qs
    _register()
    return qs.filter(**{f"{path}search_tokens__all_tokens": toks})
