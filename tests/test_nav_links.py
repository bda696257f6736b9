"""Every link of the side navigation opens for the role that sees it (no link to a 403 or 404)."""

from __future__ import annotations

import re

import pytest

from wuye.conftest import build_world

ROLES = ["city", "district", "street", "community", "department", "manager_a", "staff_a", "committee", "resident",
         "sysadmin", "secadmin", "auditor", "outsider"]


@pytest.fixture
def nav_world(db):
    from wuye.core.calendar import warm_up

    world = build_world()
    warm_up()
    return world


def nav_links(html: str) -> list[str]:
    nav = html[html.index('class="nav flex-column wy-nav"'):]
    nav = nav[:nav.index("</ul>")]
    return [h for h in re.findall(r'href="([^"#]+)"', nav) if h.startswith("/")]


@pytest.mark.parametrize("role", ROLES)
def test_every_nav_link_opens_for_its_role(nav_world, client, role):
    client.force_login(nav_world.users[role], backend="django.contrib.auth.backends.ModelBackend")
    home = client.get("/")
    assert home.status_code == 200
    links = nav_links(home.content.decode())
    assert links, "the navigation has links"
    broken = {}
    for href in links:
        r = client.get(href)
        if r.status_code not in (200, 302) or (r.status_code == 302 and "/accounts/login" in r["Location"]):
            broken[href] = r.status_code
    assert broken == {}


def test_supervision_and_credit_entries_by_role(nav_world, client):
    def links_of(role):
        client.force_login(nav_world.users[role], backend="django.contrib.auth.backends.ModelBackend")
        return set(nav_links(client.get("/").content.decode()))

    city, company, resident = links_of("city"), links_of("manager_a"), links_of("resident")
    assert {"/supervision/standards/", "/credit/rules/", "/overview/", "/supervision/plans/"} <= city
    assert "/credit/" in company and "/supervision/orders/" in company
    assert not {"/supervision/standards/", "/supervision/plans/", "/overview/"} & company
    assert "/supervision/surveys/mine/" in resident and "/supervision/orders/" not in resident
    assert {"/supervision/stars/", "/credit/red/"} <= resident
