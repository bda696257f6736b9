"""Reads behind the public portal (no login): the city home, search, estate and company pages,
policies and news. Everything here is public information — names, addresses, contracts' terms,
ratings, grades, aggregate complaint figures — never personal data.

Each page reads a fixed handful of rows whatever the size of the city: the estate page one row
per kind of fact plus one aggregate over the estate's complaints of the last 12 months (served by
the ``(estate, created_at)`` index), the company page one page of estates and its public credit
items.

Caching: anonymous GETs of the home, estate and company pages keep their rendered body in the
Django cache for ``WUYE_PUBLIC_CACHE_SECONDS`` (default 60 s). Keys hold the language and a
generation number; ``public_cache_bump()`` (called when an article is published, edited or
withdrawn) moves the generation on, which drops every cached public page at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation

from wuye.core.search import search_q

from .models import Article

GEN_KEY = "public:gen"
DEFAULT_TTL = 60
HOME_ARTICLES = 5
HOME_LIST_ENTRIES = 5


# ---- cache ----------------------------------------------------------------------------------------


def cache_seconds() -> int:
    return int(getattr(settings, "WUYE_PUBLIC_CACHE_SECONDS", DEFAULT_TTL))


def _generation() -> int:
    gen = cache.get(GEN_KEY)
    if gen is None:
        gen = 1
        cache.add(GEN_KEY, gen, None)
    return int(gen)


def public_cache_key(kind: str, *parts) -> str:
    lang = translation.get_language() or settings.LANGUAGE_CODE
    return ":".join(["public", kind, lang, str(_generation()), *(str(p) for p in parts)])


def public_cache_bump() -> None:
    """Drop every cached public page (the generation moves on; old keys expire by themselves)."""
    try:
        cache.incr(GEN_KEY)
    except ValueError:
        cache.set(GEN_KEY, 2, None)


def cached(key: str, build):
    """The cached value of ``key``, or ``build()`` stored for ``cache_seconds()``."""
    ttl = cache_seconds()
    if ttl <= 0:
        return build()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, ttl)
    return value


# ---- search ---------------------------------------------------------------------------------------


def estate_search(q: str) -> QuerySet:
    from wuye.registry.models import Estate

    q = (q or "").strip()[:50]
    if not q:
        return Estate.objects.none()
    return (Estate.objects.filter(search_q(q, text_fields=["name", "address"]))
            .select_related("district", "street", "company").order_by("name", "id"))


def company_search(q: str) -> QuerySet:
    from wuye.registry.models import PropertyCompany

    q = (q or "").strip()[:50]
    if not q:
        return PropertyCompany.objects.none()
    cond = search_q(q, text_fields=["name"])
    if len(q) == 18 and q.isalnum():
        cond |= Q(credit_code=q.upper())
    return PropertyCompany.objects.filter(cond).select_related("credit").order_by("name", "id")


# ---- home ---------------------------------------------------------------------------------------------


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


def city_figures() -> dict[str, int]:
    from wuye.credit.models import CompanyCredit
    from wuye.registry.models import Estate, PropertyCompany
    from wuye.supervision.models import StarRating

    lists = CompanyCredit.objects.aggregate(red=Count("pk", filter=Q(red=True)), black=Count("pk", filter=Q(black=True)))
    return {
        "estates": Estate.objects.count(),
        "companies": PropertyCompany.objects.count(),
        "starred": StarRating.objects.filter(status=StarRating.Status.ACTIVE).count(),
        "red": lists["red"] or 0,
        "black": lists["black"] or 0,
    }


def home_lists() -> dict[str, list]:
    from wuye.credit.selectors import public_black_list, public_red_list

    return {"red": list(public_red_list()[:HOME_LIST_ENTRIES]), "black": list(public_black_list()[:HOME_LIST_ENTRIES])}


# ---- estate ---------------------------------------------------------------------------------------------


@dataclass
class ComplaintFigures:
    total: int
    closed: int
    on_time: int
    rated: int
    satisfied: int
    since: object

    @staticmethod
    def _pct(part: int, whole: int) -> str | None:
        if not whole:
            return None
        value = Fraction(part * 100, whole)
        if value.denominator == 1:
            return str(value.numerator)
        tenths = (value * 10 + Fraction(1, 2)).__floor__()  # half up, exact
        return f"{tenths // 10}.{tenths % 10}"

    @property
    def on_time_rate(self) -> str | None:
        return self._pct(self.on_time, self.closed)

    @property
    def satisfaction_rate(self) -> str | None:
        return self._pct(self.satisfied, self.rated)


def complaint_figures(estate_id: int, *, now=None) -> ComplaintFigures:
    """The estate's complaints filed in the last 12 months, in one aggregate over its index:
    how many (duplicates, withdrawn, confidential clue reports and complaints ruled unreasonable
    left out), on time (closed without ``resolve_overdue``, of those closed) and satisfied
    (satisfied or basically satisfied, of those rated)."""
    from wuye.cases.models import Complaint, Satisfaction, Status

    now = now or timezone.now()
    since = now - timedelta(days=365)
    closed = Q(status=Status.CLOSED)
    row = (Complaint.objects.filter(estate_id=estate_id, created_at__gte=since)
           .exclude(status__in=[Status.DUPLICATE, Status.WITHDRAWN]).exclude(confidential=True)
           .exclude(unreasonable=True)
           .aggregate(total=Count("pk"), closed=Count("pk", filter=closed),
                      on_time=Count("pk", filter=closed & Q(resolve_overdue=False)),
                      rated=Count("pk", filter=~Q(satisfaction="")),
                      satisfied=Count("pk", filter=Q(satisfaction__in=[Satisfaction.SATISFIED,
                                                                         Satisfaction.BASICALLY_SATISFIED]))))
    return ComplaintFigures(since=since, **{k: v or 0 for k, v in row.items()})


def estate_public(pk: int, *, committee: bool = True):
    """The estate with what its page shows, or None. ``committee=False`` skips the registry's
    committee summary (when the governance app's committee panel shows it)."""
    from wuye.credit.models import CompanyCredit
    from wuye.registry.models import Estate, OwnersCommittee, ServiceContract
    from wuye.supervision.models import StarRating

    estate = (Estate.objects.select_related("district", "street", "community", "company", "company__credit")
              .filter(pk=pk).first())
    if estate is None:
        return None
    contract = (ServiceContract.objects.filter(estate_id=estate.pk, is_current=True).select_related("company")
                .first())
    star = StarRating.objects.filter(estate_id=estate.pk, status=StarRating.Status.ACTIVE).first()
    credit = None
    if estate.company_id:
        try:
            credit = estate.company.credit
        except CompanyCredit.DoesNotExist:
            credit = None
    committee_row = None if not committee else (OwnersCommittee.objects.filter(estate_id=estate.pk, is_current=True)
                 .annotate(n_members=Count("members"), n_party=Count("members", filter=Q(members__is_party_member=True)))
                 .order_by("-term_start").first())
    return {"estate": estate, "contract": contract, "star": star, "credit": credit, "committee": committee_row,
            "figures": complaint_figures(estate.pk)}


# ---- company --------------------------------------------------------------------------------------------


def company_public(pk: int):
    from wuye.credit.models import CompanyCredit
    from wuye.registry.models import PropertyCompany

    company = PropertyCompany.objects.select_related("credit").filter(pk=pk).first()
    if company is None:
        return None
    try:
        credit = company.credit
    except CompanyCredit.DoesNotExist:
        credit = None
    return {"company": company, "credit": credit}


def company_estates(company_id: int) -> QuerySet:
    from wuye.registry.models import Estate

    return Estate.objects.filter(company_id=company_id).select_related("district", "street").order_by("name", "id")


def company_events(company_id: int, *, limit: int = 30) -> list:
    """Confirmed credit items of the last year (the credit app's public rule), newest first."""
    from wuye.credit.models import CreditSettings
    from wuye.credit.selectors import public_events

    today = timezone.localdate()
    cs = CreditSettings.current()
    since = today - timedelta(days=365)
    return list(public_events(company_id, today=today, cs=cs).filter(occurred_on__gte=since)[:limit])


# ---- articles ------------------------------------------------------------------------------------------


def article_search(q: str, *, category: str = "") -> QuerySet[Article]:
    """Published articles of ``category`` (all when empty) holding every word of ``q`` (jieba
    tokens, the same match on SQLite and PostgreSQL as the complaint search)."""
    from wuye.cases.search import _lookup_class, query_tokens

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


# ---- articles for the officials who manage them -------------------------------------------------------


def articles_managed_by(user) -> QuerySet[Article]:
    """The city bureau: every article; a district authority: its own district's; others: none."""
    from wuye.accounts.models import Role

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Article.objects.none()
    qs = Article.objects.select_related("author")
    if user.role == Role.CITY:
        return qs
    if user.role == Role.DISTRICT and user.district_id:
        return qs.filter(author__role=Role.DISTRICT, author__district_id=user.district_id)
    return Article.objects.none()
