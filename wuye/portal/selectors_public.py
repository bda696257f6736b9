"""Reads behind the public portal (no login): the city home, search, estate and company pages
(policies and news: ``articles/selectors.py``). Everything here is public information — names, addresses, contracts' terms,
ratings, grades, aggregate complaint figures — never personal data.

Each page reads a fixed handful of rows whatever the size of the city: the estate page one row
per kind of fact plus one aggregate over the estate's complaints of the last 12 months (served by
the ``(estate, created_at)`` index), the company page one page of estates and its public credit
items — the credit app's own public list (``wuye.credit.selectors.public_events``), the same as
the credit page and the API.

Caching: anonymous GETs of the home, estate and company pages keep their rendered body in the
Django cache for ``WUYE_PUBLIC_CACHE_SECONDS`` (default 60 s). Keys hold the language and a
generation number; ``public_cache_bump()`` (called when an article is published, edited or
withdrawn) moves the generation on, which drops every cached public page at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation

from wuye.cases.models import Complaint, Satisfaction, Status
from wuye.core.money import percent
from wuye.core.search import search_q
from wuye.credit import selectors as credit
from wuye.registry.models import Estate, OwnersCommittee, PropertyCompany, ServiceContract
from wuye.supervision.models import StarRating

GEN_KEY = "public:gen"
DEFAULT_TTL = 60
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
    q = (q or "").strip()[:50]
    if not q:
        return Estate.objects.none()
    return (Estate.objects.filter(search_q(q, text_fields=["name", "address"]))
            .select_related("district", "street", "company").order_by("name", "id"))


def company_search(q: str) -> QuerySet:
    q = (q or "").strip()[:50]
    if not q:
        return PropertyCompany.objects.none()
    cond = search_q(q, text_fields=["name"])
    if len(q) == 18 and q.isalnum():
        cond |= Q(credit_code=q.upper())
    return PropertyCompany.objects.filter(cond).select_related("credit").order_by("name", "id")


# ---- home ---------------------------------------------------------------------------------------------


def city_figures() -> dict[str, int]:
    lists = credit.public_list_counts()
    return {
        "estates": Estate.objects.count(),
        "companies": PropertyCompany.objects.count(),
        "starred": StarRating.objects.filter(status=StarRating.Status.ACTIVE).count(),
        "red": lists["red"] or 0,
        "black": lists["black"] or 0,
    }


def home_lists() -> dict[str, list]:
    return {"red": list(credit.public_red_list()[:HOME_LIST_ENTRIES]),
            "black": list(credit.public_black_list()[:HOME_LIST_ENTRIES])}


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
        """A percentage with one decimal, half up (``core.money.percent``); "100" not "100.0"."""
        value = percent(part, whole, places=1)
        if value is None:
            return None
        return str(value.to_integral_value()) if value == value.to_integral_value() else str(value)

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
    estate = (Estate.objects.select_related("district", "street", "community", "company", "company__credit")
              .filter(pk=pk).first())
    if estate is None:
        return None
    contract = (ServiceContract.objects.filter(estate_id=estate.pk, is_current=True).select_related("company")
                .first())
    star = StarRating.objects.filter(estate_id=estate.pk, status=StarRating.Status.ACTIVE).first()
    credit_row = credit.stored_credit(estate.company) if estate.company_id else None
    committee_row = None if not committee else (OwnersCommittee.objects.filter(estate_id=estate.pk, is_current=True)
                 .annotate(n_members=Count("members"), n_party=Count("members", filter=Q(members__is_party_member=True)))
                 .order_by("-term_start").first())
    return {"estate": estate, "contract": contract, "star": star, "credit": credit_row, "committee": committee_row,
            "figures": complaint_figures(estate.pk)}


# ---- company --------------------------------------------------------------------------------------------


def company_public(pk: int):
    """The company with its stored credit row (None: not yet rated — a page never computes it)."""
    company = credit.public_company(pk)
    if company is None:
        return None
    return {"company": company, "credit": credit.stored_credit(company)}


def company_estates(company_id: int) -> QuerySet:
    return Estate.objects.filter(company_id=company_id).select_related("district", "street").order_by("name", "id")


def company_events(company_id: int, *, limit: int = 30) -> list:
    """The company's public credit items (newest first): the credit app's own public list — items
    that still count whenever they occurred (rules.md §9: the rule's validity decides) and those
    of the public period — the same the credit page and the API show."""
    return list(credit.public_events(company_id)[:limit])
