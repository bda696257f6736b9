"""Chinese keyword search over complaint titles and descriptions (issue §13).

A query finds the texts that hold every word of it, wherever the word stands, as a plain
substring search would, but through an index:

- **Text.** Each run of Chinese characters is looked up in jieba's dictionary: every dictionary
  word that occurs anywhere in the run, and every single character, is a search word of the text
  (jieba's DAG of the run). A run of Latin letters or digits is one word. So "4单元楼道灯坏了"
  holds 楼道 and 灯 even though a segmentation would cut it 单元楼 / 道 / 灯坏.
- **Query.** jieba cuts each run of Chinese characters with its dictionary alone (no HMM guesses),
  so every piece is a dictionary word or a single character and thus a search word of any text
  in which it occurs: 楼道灯 → 楼道 + 灯, 垃圾清运 → 垃圾清运.

Each word is stored as a short ASCII token (``w`` + 10 hex digits of its SHA-1), space-separated
and space-padded, in ``search_tokens``. The same tokens and the same match rule are used on
SQLite (``LIKE '% w… %'``) and PostgreSQL (a ``tsvector`` over the ASCII tokens with a GIN
index), so both return the same complaints. Text is NFKC-normalised and lower-cased first
(full-width letters and digits match their ASCII forms).

Texts stored before this rule are re-tokenised by ``cases`` migration 0007.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata

import jieba
from django.db.models import Lookup

from .models import Complaint

jieba.setLogLevel(logging.WARNING)

_RUN = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits of any script
_CJK = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|([^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")


def _token(word: str) -> str:
    return "w" + hashlib.sha1(word.encode("utf-8")).hexdigest()[:10]


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _segments(text: str):
    """(is_chinese, segment) for each run of letters and digits, split where Chinese characters
    meet other letters or digits ("3号楼" → "3", "号楼")."""
    for run in _RUN.findall(_normal(text)):
        for m in _CJK.finditer(run):
            yield (m.group(1) is not None, m.group(0))


def words(text: str) -> list[str]:
    """The search words of a text: for Chinese, every dictionary word and every character found
    anywhere in it; other letters and digits, whole runs."""
    out: dict[str, None] = {}
    jieba.dt.check_initialized()  # loads the dictionary once per process
    for chinese, seg in _segments(text):
        if not chinese:
            out.setdefault(seg, None)
            continue
        for start, ends in jieba.dt.get_DAG(seg).items():
            for end in ends:
                out.setdefault(seg[start:end + 1], None)
    return list(out)


def tokens_for(*texts: str) -> str:
    seen: dict[str, None] = {}
    for text in texts:
        for w in words(text):
            seen.setdefault(_token(w), None)
    return " " + " ".join(seen) + " " if seen else ""


def query_words(query: str) -> list[str]:
    """The words a query requires: Chinese cut by jieba's dictionary alone, other runs whole."""
    out: dict[str, None] = {}
    for chinese, seg in _segments(query):
        for w in (jieba.cut(seg, HMM=False) if chinese else (seg,)):
            if w:
                out.setdefault(w, None)
    return list(out)


def query_tokens(query: str) -> list[str]:
    """Tokens a query requires: one for each of its words."""
    return [_token(w) for w in query_words(query)]


# ---- matching ------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"^w[0-9a-f]{10}$")


def _lookup_class():
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
