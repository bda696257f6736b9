"""Every page a role can use is reachable from its menu in at most two clicks (issue 14 §3).

For each persona the walk derives the pages the role can open — every URL pattern without a path
parameter that answers the role with a full HTML page (200), leaving out the public pages anyone can
open, APIs, exports and fragments — then follows the side navigation (one click) and the links on
each page it lands on (the second click), and checks that every page the role can open was reached.
The committee's menu in particular has its own pages (公共收益确认, 水电公摊, 业主大会表决, 业委会).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from wuye.conftest import build_world

ROLES = ["city", "district", "street", "community", "department", "manager_a", "staff_a", "committee", "resident",
         "sysadmin", "secadmin", "auditor"]

# Not pages a person opens from a menu: machine interfaces, files, the admin site, the login pages.
SKIP_PREFIXES = ("/api/", "/admin/", "/static/", "/media/", "/open311/", "/accounts/login", "/accounts/logout",
                 "/i18n/", "/health", "/robots.txt", "/favicon", "/.well-known/", "/georeport/", "/sw.js")
# File downloads, fragments polled by htmx, and forms reached from their list's button.
SKIP_WORDS = ("export", ".xlsx", ".pdf", ".docx", ".csv", ".xml", ".json", "template.", "/panel", "/live")

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def parameterless_urls() -> list[str]:
    """Every URL pattern with no parameter in its path, as a concrete URL."""
    urls = set()
    for route in _walk(get_resolver().url_patterns):
        if "<" in route or "(" in route or "^" in route or "$" in route or "?" in route:
            continue
        url = "/" + route
        if url.startswith(SKIP_PREFIXES) or any(w in url for w in SKIP_WORDS):
            continue
        urls.add(url)
    return sorted(urls)


def _is_page(response) -> bool:
    return (response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")
            and b'class="nav flex-column wy-nav"' in response.content)


def links_of(html: str) -> set[str]:
    """Links and the targets of GET forms (the search box in the top bar is a form)."""
    out = set()
    gets = [m.group(1) for m in re.finditer(r'<form(?=[^>]*method="get")[^>]*action="([^"]+)"', html, re.I)]
    for href in re.findall(r'href="([^"]+)"', html) + gets:
        href = href.replace("&amp;", "&")
        if href.startswith("/") and not href.startswith("//"):
            out.add(urlsplit(href).path)
    return out


def nav_links(html: str) -> set[str]:
    nav = html[html.index('class="nav flex-column wy-nav"'):]
    nav = nav[:nav.index("</ul>")]
    return links_of(nav)


@pytest.fixture
def menu_world(db):
    from wuye.core.calendar import warm_up

    world = build_world()
    warm_up()
    return world


def usable_pages(client: Client, anonymous: Client, urls: list[str]) -> set[str]:
    """The pages the signed-in role opens that an anonymous visitor cannot (not the public portal)."""
    usable = set()
    for url in urls:
        if _is_page(client.get(url)) and anonymous.get(url).status_code != 200:
            usable.add(url)
    return usable


def reached_in_two_clicks(client: Client) -> set[str]:
    home = client.get("/").content.decode()
    first = nav_links(home) | {"/"}
    reached = set(first)
    for url in first:
        r = client.get(url, follow=True)
        if r.status_code == 200 and r.get("Content-Type", "").startswith("text/html"):
            reached.add(r.request["PATH_INFO"])
            reached |= links_of(r.content.decode())
    return reached


URLS = parameterless_urls()

# Pages reached only as the result of a form (no menu entry by design).
LANDINGS = {"/complaints/hotline/done/"}



@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_is_two_clicks_from_its_menu(menu_world, role):
    client = Client()
    client.force_login(menu_world.users[role], backend=BACKEND)
    usable = usable_pages(client, Client(), URLS)
    assert usable, role
    missing = usable - reached_in_two_clicks(client) - LANDINGS
    assert missing == set(), f"{role}: pages not reachable from the menu in two clicks: {sorted(missing)}"


def test_the_committee_menu_has_its_pages(menu_world):
    client = Client()
    client.force_login(menu_world.users["committee"], backend=BACKEND)
    html = client.get("/").content.decode()
    nav = html[html.index('class="nav flex-column wy-nav"'):]
    nav = nav[:nav.index("</ul>")]
    assert "业委会工作" in nav
    for label in ("公共收益确认", "水电公摊", "业主大会表决", "业委会"):
        assert f"{label}</a>" in nav, label
    links = nav_links(html)
    assert {"/disclosure/income/", "/disclosure/utilities/", "/governance/motions/"} <= links
    for href in links:
        r = client.get(href)
        assert r.status_code in (200, 302), href


def test_the_walk_sees_the_patterns():
    """The walk would notice a new page: it starts from the URL patterns, not a hand-kept list."""
    assert "/governance/motions/" in URLS and "/disclosure/utilities/mine/" in URLS
    assert not any(u.startswith("/api/") for u in URLS)
