"""The global search box (the header of every page): estates, companies, owners, staff and
buildings the user may see, each group read through the registry selectors, so a search can never
show another district's or another company's records."""

from __future__ import annotations

import re
from dataclasses import dataclass

import jieba
from django.db.models import Case, IntegerField, Q, Value, When

from wuye.core.search import is_initials_query, prefix_q, search_q
from wuye.registry import selectors as rsel

# ---- global search ----------------------------------------------------------------------------

MAX_QUERY_LENGTH = 50
MAX_TOKENS = 8
GROUP_ROWS = 10
_CJK_ONLY = re.compile(r"^[\u3400-\u9fff]+$")
_WORD = re.compile(r"\w")


def can_search(user) -> bool:
    """The three administrators hold no registry data: for them the search does not exist."""
    return not user.is_admin_role


def search_tokens(query: str) -> list[str]:
    """Split a search box query into words that must all match.

    Words typed apart ("东城区 幸福里") stay apart; a run of four or more Chinese characters is cut
    into words with jieba ("东城区幸福里" → 东城区 / 幸福 / 里), so word order and the words in
    between do not matter. Latin letters are kept whole: they are pinyin initials or codes.
    """
    tokens: list[str] = []
    for chunk in (query or "")[:MAX_QUERY_LENGTH].split():
        if len(chunk) >= 4 and _CJK_ONLY.match(chunk):
            parts = jieba.lcut(chunk)
        else:
            parts = [chunk]
        for p in parts:
            p = p.strip()
            if p and _WORD.search(p) and p not in tokens:
                tokens.append(p)
    return tokens[:MAX_TOKENS]


def _token_q(token: str, *, text_fields: list[str], key_fields: list[str]) -> Q:
    """One word: a substring of a text field, or (Latin letters) a prefix of the pinyin initials."""
    cond = Q(pk__in=[])
    for f in text_fields:
        cond |= Q(**{f"{f}__icontains": token})
    if is_initials_query(token):
        for k in key_fields:
            cond |= prefix_q(k, token.lower())
    return cond


def _all_tokens_q(tokens, *, text_fields, key_fields, own_fields=None, own_keys=None) -> Q:
    """Every word matches one of the fields; with ``own_fields``, at least one word matches the
    record's own name (so "幸福里" does not list every building of 幸福里小区)."""
    cond = Q()
    for t in tokens:
        cond &= _token_q(t, text_fields=text_fields, key_fields=key_fields)
    if own_fields is not None:
        own = Q(pk__in=[])
        for t in tokens:
            own |= _token_q(t, text_fields=own_fields, key_fields=own_keys or [])
        cond &= own
    return cond


@dataclass
class SearchGroup:
    key: str
    rows: list
    more: bool
    note: str = ""


@dataclass
class SearchResults:
    query: str
    tokens: list[str]
    list_query: str
    groups: dict[str, SearchGroup]

    @property
    def total(self) -> int:
        return sum(len(g.rows) for g in self.groups.values())


def _starts_first(tokens: list[str], field: str = "name", key_field: str = "search_key") -> Case:
    """Records whose name begins with the first word come before those that only contain it."""
    first = tokens[0]
    lookup = {f"{key_field}__startswith": first.lower()} if is_initials_query(first) else {f"{field}__startswith": first}
    return Case(When(**lookup, then=Value(0)), default=Value(1), output_field=IntegerField())


def _group(key: str, qs) -> SearchGroup:
    rows = list(qs[: GROUP_ROWS + 1])
    return SearchGroup(key=key, rows=rows[:GROUP_ROWS], more=len(rows) > GROUP_ROWS)


def global_search(user, query: str) -> SearchResults:
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    tokens = search_tokens(query)
    chunks = query.split()
    # The registry lists search for one string: hand them the query, or its longest word.
    list_query = query if len(chunks) <= 1 else max(chunks, key=len)
    groups: dict[str, SearchGroup] = {}
    if not tokens:
        return SearchResults(query, tokens, list_query, groups)

    estates = rsel.estates_visible_to(user).filter(
        _all_tokens_q(
            tokens,
            text_fields=["name", "address", "district__name", "street__name", "community__name"],
            key_fields=["search_key", "district__search_key", "street__search_key", "community__search_key"],
        )
    )
    groups["estates"] = _group(
        "estates", estates.select_related("district", "street", "community", "company").order_by(_starts_first(tokens), "name", "id")
    )

    companies = rsel.companies_visible_to(user).filter(
        _all_tokens_q(tokens, text_fields=["name", "credit_code"], key_fields=["search_key"])
    )
    groups["companies"] = _group("companies", companies.order_by(_starts_first(tokens), "name", "id"))

    # The owners table is the big one: only an indexed prefix of the name or of its initials.
    if len(chunks) == 1:
        owners = rsel.owners_visible_to(user).filter(search_q(chunks[0], text_fields=["name"], prefix_only=True))
        group = _group("owners", owners.order_by("name", "id"))
        homes: dict[int, list] = {}
        if group.rows:
            ownerships = (
                rsel.ownerships_visible_to(user)
                .filter(owner_id__in=[o.pk for o in group.rows])
                .select_related("unit__building", "estate")
                .order_by("estate__name", "unit__number")[:100]
            )
            for o in ownerships:
                homes.setdefault(o.owner_id, []).append(o)
        for owner in group.rows:
            owner.visible_ownerships = homes.get(owner.pk, [])
        groups["owners"] = group
    else:
        groups["owners"] = SearchGroup(key="owners", rows=[], more=False, note="single_word")

    staff = rsel.staff_visible_to(user).filter(
        _all_tokens_q(
            tokens,
            text_fields=["name", "company__name", "estate__name"],
            key_fields=["search_key", "company__search_key", "estate__search_key"],
            own_fields=["name"],
            own_keys=["search_key"],
        )
    )
    groups["staff"] = _group("staff", staff.select_related("company", "estate").order_by(_starts_first(tokens), "name", "id"))

    buildings = rsel.buildings_visible_to(user).filter(
        _all_tokens_q(
            tokens,
            text_fields=["name", "estate__name"],
            key_fields=["estate__search_key"],
            own_fields=["name"],
        )
    )
    groups["buildings"] = _group("buildings", buildings.select_related("estate").order_by("estate__name", "name", "id"))
    return SearchResults(query, tokens, list_query, groups)

