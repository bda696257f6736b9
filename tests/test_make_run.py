"""``make run`` serves the demo city as a deployment would (issue 14 §12): DEBUG off, so a missing
address gets the designed 404 page — never Django's debug page with the URL patterns — and static
files come through WhiteNoise; ``make dev`` keeps the debug pages for developers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

MAKEFILE = Path(__file__).resolve().parents[1] / "Makefile"


def _recipe(target: str) -> list[str]:
    text = MAKEFILE.read_text(encoding="utf-8")
    m = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", text, re.M)
    assert m, f"no {target} target"
    return [line.strip() for line in m.group(1).splitlines()]


def _debug_values(target: str) -> set[str]:
    return {m for line in _recipe(target) for m in re.findall(r"\bDEBUG=(\S+)", line)}


def test_make_run_serves_with_debug_off_and_make_dev_with_debug_on():
    assert _debug_values("run") == {"0"}
    assert _debug_values("dev") == {"1"}
    assert any("manage.py serve" in line for line in _recipe("run"))


@pytest.mark.django_db
def test_a_missing_address_gets_the_designed_page_under_the_make_run_settings(client, settings):
    settings.DEBUG = False
    settings.DEMO_MODE = True
    r = client.get("/no-such-page/")
    assert r.status_code == 404
    html = r.content.decode()
    assert 'data-testid="error-404"' in html and "未找到该页面或记录" in html
    assert "urlpatterns" not in html and "Using the URLconf" not in html


def test_static_files_are_served_by_whitenoise_with_debug_off(client, settings):
    settings.DEBUG = False
    r = client.get("/static/wuye/wuye.css")
    assert r.status_code == 200
    assert b".wy-stat" in b"".join(r.streaming_content) if r.streaming else r.content
