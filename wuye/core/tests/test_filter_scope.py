"""Filters never reach outside the user's scope (issue 13 §9).

GB/T 22239-2019 8.1.4.2 访问控制 c)/d) (access by the least privilege, granular to the record)
and ASVS 4.0 V4.2.1 (no insecure direct object reference, filters included): a list filter whose
value names a record outside the user's scope is refused (API 400 in Chinese; page ignores it),
so ``/api/v1/owners/?estate=<another company's estate>`` no longer tells a company which of its
residents also own a home there. The tests walk every list API of the URL configuration and every
filter set class of the platform, so a new list or filter is covered without editing this file.
"""

from __future__ import annotations

import re

import django_filters as df
import pytest
from django.urls import get_resolver
from rest_framework.test import APIClient

from wuye.core.filters import PUBLIC, SCOPES, filter_target

CJK = re.compile(r"[\u4e00-\u9fff]")


def _walk(patterns, prefix=""):
    for p in patterns:
        text = str(p.pattern).lstrip("^").rstrip("$")
        if hasattr(p, "url_patterns"):
            yield from _walk(p.url_patterns, prefix + text)
        else:
            yield prefix + text, p.callback


def list_apis():
    """(path, view class) of every API list with a filter set."""
    seen = {}
    for path, callback in _walk(get_resolver().url_patterns):
        if not path.startswith("api/v1/") or "<" in path or "(?P" in path or "\\." in path:
            continue
        cls = getattr(callback, "cls", None)
        actions = getattr(callback, "actions", None) or {}
        if cls is None or getattr(cls, "filterset_class", None) is None:
            continue
        if actions and actions.get("get") != "list":
            continue
        seen["/" + path] = cls
    return sorted(seen.items())


def all_filtersets():
    out, stack = [], [df.FilterSet]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("wuye.") and ".tests" not in sub.__module__:
                out.append(sub)
    return out


def test_every_filter_naming_a_record_declares_a_registered_scope():
    """GB/T 22239-2019 8.1.4.2 c): each filter's target is known, so none bypasses the scope."""
    import wuye.urls  # noqa: F401  (loads every app's filters)

    problems = []
    for cls in all_filtersets():
        for name, flt in cls.base_filters.items():
            label = filter_target(cls, name, flt)
            if label == "":
                problems.append(f"{cls.__module__}.{cls.__name__}.{name}: method filter without model=")
            elif label is not None and label not in SCOPES:
                problems.append(f"{cls.__module__}.{cls.__name__}.{name}: {label} has no scope in core.filters.SCOPES")
    assert not problems, problems


def test_the_walk_finds_the_lists():
    paths = [p for p, _ in list_apis()]
    assert "/api/v1/owners/" in paths and "/api/v1/estates/" in paths and "/api/v1/complaints/" in paths


def _objects(world):
    """label → (an object of company A's side, an object outside company A's scope)."""
    return {
        "registry.estate": (world.estate_a, world.estate_b),
        "registry.propertycompany": (world.company_a, world.company_b),
        "registry.building": (world.building_a, world.building_b),
        "registry.unit": (world.unit_a, world.unit_b),
        "registry.owner": (world.owner_a, world.owner_b),
        "registry.ownerscommittee": (world.committee_a, world.committee_b),
    }


@pytest.mark.django_db
def test_every_filter_of_every_list_api_refuses_another_scope(world):
    """GB/T 22239-2019 8.1.4.2 d) / ASVS 4.0 V4.2.1: for each list API and each filter naming a
    record, company A's manager gets 400 (Chinese) for company B's record and 200 for its own."""
    client = APIClient()
    client.force_authenticate(world.users["manager_a"])
    objects = _objects(world)
    checked = 0
    for path, cls in list_apis():
        for name, flt in cls.filterset_class.base_filters.items():
            label = filter_target(cls.filterset_class, name, flt)
            if not label or SCOPES.get(label) == PUBLIC:
                continue
            mine, theirs = objects[label]
            refused = client.get(path, {name: theirs.pk})
            assert refused.status_code == 400, (path, name, refused.status_code)
            assert CJK.search(str(refused.json()[name])), (path, name)
            allowed = client.get(path, {name: mine.pk})
            assert allowed.status_code in (200, 403), (path, name, allowed.status_code)
            checked += 1
    assert checked >= 15


@pytest.mark.django_db
def test_owner_list_by_another_companys_estate_is_refused(world):
    """The probe's request: GET /api/v1/owners/?estate=<estate B> from company A → 400, no rows."""
    client = APIClient()
    client.force_authenticate(world.users["manager_a"])
    response = client.get("/api/v1/owners/", {"estate": world.estate_b.pk})
    assert response.status_code == 400
    assert "数据权限" in response.json()["estate"][0]
    assert client.get("/api/v1/owners/", {"estate": world.estate_a.pk}).json()["count"] == 1


@pytest.mark.django_db
def test_owner_page_ignores_another_companys_estate(world, login):
    """The page: the out-of-scope estate filter is ignored (the list is the unfiltered own scope)."""
    client = login(world.users["manager_a"])
    own = client.get("/registry/owners/")
    other = client.get("/registry/owners/", {"estate": world.estate_b.pk})
    assert other.status_code == 200
    assert world.owner_b.name not in other.content.decode()
    assert other.context["page"].paginator.count == own.context["page"].paginator.count


@pytest.mark.django_db
def test_ids_beyond_64_bits_in_filters_are_400(world):
    """Issue 13 §10 / ASVS 4.0 V5.1.4: a filter value beyond a 64-bit integer is 400, not 500."""
    client = APIClient()
    client.force_authenticate(world.users["city"])
    for params in ({"company": "9" * 30}, {"year_built_min": "9" * 30}):
        response = client.get("/api/v1/estates/", params)
        assert response.status_code == 400, params
