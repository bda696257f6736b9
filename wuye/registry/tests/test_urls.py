"""The registry's URLs are written out in ``urls.py`` (a path is found by searching for it); each
record type's six pages keep its ``prefix`` and its URL names."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from wuye.registry import urls
from wuye.registry.pages import TYPES

PAGES = ("list", "detail", "edit", "confirm_delete", "delete", "create")


@pytest.mark.parametrize("slug", sorted(TYPES))
def test_each_record_type_has_its_six_pages_under_its_prefix(slug):
    rt = TYPES[slug]
    for page in PAGES:
        args = [7] if page in ("detail", "edit", "confirm_delete", "delete") else []
        url = reverse(f"registry:{slug}_{page}", args=args)
        assert url.startswith(f"/registry/{rt.prefix}/"), (slug, page, url)
    by_name = {p.name: p for p in urls.urlpatterns}
    for page in PAGES:
        pattern = by_name[f"{slug}_{page}"]
        assert str(pattern.pattern).startswith(f"{rt.prefix}/")
        if pattern.default_args:
            assert pattern.default_args["rt"] is rt


def test_the_paths_can_be_found_by_searching_for_them():
    text = Path(urls.__file__).read_text(encoding="utf-8")
    for rt in TYPES.values():
        assert f'path("{rt.prefix}/"' in text
        assert f'path("{rt.prefix}/<int:pk>/"' in text
