"""Reads and policies of policies and news (issue 5 item 9).

- the public: published articles only (``published_articles``, ``article_search``, ``article_public``);
- who writes: the city bureau (every article) and district authorities (the articles their own
  district's officials wrote) — ``can_publish``, ``can_manage``, ``articles_managed_by``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from wuye.accounts.models import Role
from wuye.cases.search import _lookup_class, query_tokens
from wuye.portal.models import Article

HOME_ARTICLES = 5
PUBLISHER_ROLES = (Role.CITY, Role.DISTRICT)


# ---- policies -------------------------------------------------------------------------------


def can_publish(user) -> bool:
    """The city bureau, and a district authority bound to its district."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in PUBLISHER_ROLES
                and (user.role == Role.CITY or user.district_id))


def can_manage(user, article: Article) -> bool:
    """The city bureau manages every article; a district its own district's."""
    if not can_publish(user):
        return False
    if user.role == Role.CITY:
        return True
    author = article.author
    return author is not None and author.role == Role.DISTRICT and author.district_id == user.district_id


# ---- the public -----------------------------------------------------------------------------


def published_articles() -> QuerySet[Article]:
    return Article.objects.filter(status=Article.Status.PUBLISHED).order_by("-pinned", "-published_at", "-id")


def latest_articles() -> list[tuple[str, str, list[Article]]]:
    """(category, label, up to five newest) per category: one small indexed query each."""
    out = []
    for value, label in Article.Category.choices:
        rows = list(published_articles().filter(category=value)
                    .only("id", "title", "category", "published_at", "pinned", "source")[:HOME_ARTICLES])
        out.append((value, label, rows))
    return out


def article_search(q: str, *, category: str = "") -> QuerySet[Article]:
    """Published articles of ``category`` (all when empty) holding every word of ``q`` (jieba
    tokens, the same match on SQLite and PostgreSQL as the complaint search)."""
    qs = published_articles().defer("body", "search_tokens")
    if category in Article.Category.values:
        qs = qs.filter(category=category)
    toks = query_tokens(q or "")
    if toks:
        _register_lookup(_lookup_class)
        qs = qs.filter(search_tokens__all_tokens=toks)
    return qs


_registered = False


def _register_lookup(factory) -> None:
    global _registered
    if not _registered:
        Article._meta.get_field("search_tokens").register_lookup(factory())
        _registered = True


def article_public(pk) -> Article | None:
    return published_articles().filter(pk=pk).select_related(None).first()


# ---- for the officials who manage them ------------------------------------------------------


def articles_managed_by(user) -> QuerySet[Article]:
    """The city bureau: every article; a district authority: its own district's; others: none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Article.objects.none()
    qs = Article.objects.select_related("author")
    if user.role == Role.CITY:
        return qs
    if user.role == Role.DISTRICT and user.district_id:
        return qs.filter(author__role=Role.DISTRICT, author__district_id=user.district_id)
    return Article.objects.none()


def article_managed_get(user, pk) -> Article | None:
    """One article the user manages, or None (out of scope and missing look the same)."""
    return articles_managed_by(user).filter(pk=pk).first()
