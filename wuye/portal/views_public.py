"""The public portal (issue 5 item 8): no login needed.

``public:home`` the city home, ``public:search`` estates and companies, ``public:estate`` and
``public:company`` one page each, ``public:articles`` / ``public:article`` policies and news.

The home, estate and company pages keep their rendered body in the cache (see
``selectors_public``: ``WUYE_PUBLIC_CACHE_SECONDS``, default 60 s, key with language and
generation); the page around it (header, language switch with its CSRF token) is rendered per
request and reads nothing from the database for an anonymous visitor, so a cache hit runs no
query at all.
"""

from __future__ import annotations

import importlib.util

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from wuye.core.listing import page_window, paginate

from . import selectors_public as sel
from .articles.selectors import article_public, article_search, latest_articles
from .models import Article

PAGE_SIZE = 20
ESTATE_PAGE_SIZE = 20

# The estate page's panels, built in other apps: (key, module of the tag library). A panel is
# included (``portal/public/panels/<key>.html``) only once its library exists.
PANELS = [
    ("fee", "wuye.disclosure.templatetags.fee_panels"),
    ("income", "wuye.disclosure.templatetags.income_panels"),
    ("utility", "wuye.disclosure.templatetags.utility_panels"),
    ("parking", "wuye.disclosure.templatetags.parking_panels"),
    ("committee", "wuye.governance.templatetags.committee_panels"),
    ("motion", "wuye.governance.templatetags.vote_panels"),
]


def available_panels() -> dict[str, bool]:
    out = {}
    for key, module in PANELS:
        try:
            out[key] = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            out[key] = False
    return out


def _cached_page(request, *, key: str, build, template: str = "portal/public/page.html", extra=None):
    page = sel.cached(key, build)
    return render(request, template, {**page, **(extra or {})})


def _positive_int(value, default: int = 1) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return default
    return n if 0 < n < 100_000 else default


# ---- home -----------------------------------------------------------------------------------------


@require_safe
def home(request):
    def build():
        ctx = {"figures": sel.city_figures(), "lists": sel.home_lists(), "articles": latest_articles()}
        return {"title": _("公开信息"), "body": render_to_string("portal/public/_home.html", ctx)}

    return _cached_page(request, key=sel.public_cache_key("home"), build=build, extra={"is_home": True})


# ---- search ------------------------------------------------------------------------------------------


@require_safe
def search(request):
    q = (request.GET.get("q") or "").strip()[:50]
    kind = "company" if request.GET.get("kind") == "company" else "estate"
    estates = sel.estate_search(q)
    companies = sel.company_search(q)
    page = paginate(request, companies if kind == "company" else estates, per_page=PAGE_SIZE)
    other_count = (estates if kind == "company" else companies).order_by().values("pk")[:1000].count() if q else 0
    query = urlencode({"q": q, "kind": kind} if q else {"kind": kind})
    return render(request, "portal/public/search.html", {
        "q": q, "kind": kind, "page": page, "rows": list(page.object_list), "window": page_window(page),
        "query": query, "other_count": other_count,
    })


# ---- estate ------------------------------------------------------------------------------------------


@require_safe
def estate(request, pk: int):
    def build():
        panels = available_panels()
        data = sel.estate_public(pk, committee=not panels["committee"])
        if data is None:
            return {"missing": True}
        ctx = {**data, "panels": panels}
        return {"title": data["estate"].name, "estate_pk": pk, "breadcrumb": data["estate"].name,
                "body": render_to_string("portal/public/_estate.html", ctx)}

    page = sel.cached(sel.public_cache_key("estate", pk), build)
    if page.get("missing"):
        raise Http404(_("未找到该小区"))
    return render(request, "portal/public/page.html", page)


# ---- company ----------------------------------------------------------------------------------------


@require_safe
def company(request, pk: int):
    number = _positive_int(request.GET.get("page"))

    def build():
        data = sel.company_public(pk)
        if data is None:
            return {"missing": True}
        page = paginate(_Req(number), sel.company_estates(pk), per_page=ESTATE_PAGE_SIZE)
        ctx = {**data, "page": page, "estates": list(page.object_list), "window": page_window(page),
               "events": sel.company_events(pk)}
        return {"title": data["company"].name, "breadcrumb": data["company"].name,
                "body": render_to_string("portal/public/_company.html", ctx)}

    page = sel.cached(sel.public_cache_key("company", pk, number), build)
    if page.get("missing"):
        raise Http404(_("未找到该企业"))
    return render(request, "portal/public/page.html", page)


class _Req:
    """Just enough of a request for ``paginate`` (the page number, already checked)."""

    def __init__(self, number: int):
        self.GET = {"page": str(number)}


# ---- policies and news ------------------------------------------------------------------------------


@require_safe
def articles(request):
    q = (request.GET.get("q") or "").strip()[:50]
    category = request.GET.get("category") or ""
    if category not in Article.Category.values:
        category = ""
    page = paginate(request, article_search(q, category=category), per_page=PAGE_SIZE)
    query = urlencode({k: v for k, v in (("q", q), ("category", category)) if v})
    return render(request, "portal/public/articles.html", {
        "q": q, "category": category, "categories": Article.Category.choices, "page": page,
        "rows": list(page.object_list), "window": page_window(page), "query": query,
    })


@require_safe
def article(request, pk: int):
    obj = article_public(pk)
    if obj is None:
        raise Http404(_("未找到该文章，或已撤下"))
    return render(request, "portal/public/article.html", {"article": obj})
