"""Response headers (issue 13 §11)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_pages_and_api_with_personal_data_are_no_store(world, login):
    """GB/T 22239-2019 8.1.4.10 剩余信息保护 / ASVS 4.0 V8.2.1: a logged-in page, an API answer and a
    reveal carry ``Cache-Control: no-store`` so no browser or proxy cache keeps personal data."""
    client = login(world.users["city"])
    page = client.get(f"/registry/owners/{world.owner_a.pk}/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    api = APIClient()
    api.force_authenticate(world.users["city"])
    listing = api.get("/api/v1/owners/")
    assert listing.status_code == 200 and "no-store" in listing["Cache-Control"]
    reveal = api.post(f"/api/v1/owners/{world.owner_a.pk}/reveal/", {"field": "phone"}, format="json")
    assert reveal.status_code == 200 and "no-store" in reveal["Cache-Control"]


@pytest.mark.django_db
def test_anonymous_public_pages_keep_their_caching():
    """The public portal (no personal data) is not forced to no-store."""
    response = Client().get("/public/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def _settings_under(env: dict) -> dict:
    code = ("import wuye.settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
            "s.SECURE_PROXY_SSL_HEADER is not None)")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WUYE_") and k != "DEBUG"}
    out = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
                         check=True, cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__)))))
    redirect, hsts, proxy = out.stdout.split()
    return {"redirect": redirect == "True", "hsts": int(hsts), "proxy": proxy == "True"}


def test_production_behind_a_tls_proxy_defaults_to_hsts_and_ssl_redirect():
    """GB/T 22239-2019 8.1.4.8 数据保密性 (传输) / ASVS 4.0 V9.1.1: behind the TLS proxy HTTPS is the
    default (redirect, one year of HSTS); the forwarded-proto header is trusted only when configured."""
    assert _settings_under({"WUYE_BEHIND_TLS_PROXY": "1"}) == {"redirect": True, "hsts": 31536000, "proxy": True}
    assert _settings_under({}) == {"redirect": False, "hsts": 0, "proxy": False}


TEMPLATE_ROOT = Path(__file__).resolve().parents[2]
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>", re.I)
INLINE_STYLE = re.compile(r"<style([^>]*)>", re.I)


def test_templates_have_no_inline_handlers_and_nonce_every_inline_block():
    """ASVS 4.0 V14.4.3 (a CSP that stops injected script) / GB/T 22239-2019 8.1.4.4 入侵防范:
    under the policy's ``script-src-attr 'none'`` an ``onclick=`` would silently stop working,
    and an inline block without the request's nonce would be blocked; none may be added."""
    problems = []
    for path in TEMPLATE_ROOT.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(TEMPLATE_ROOT)
        for match in HANDLER.finditer(text):
            tag_start = text.rfind("<", 0, match.start())
            if text[tag_start:tag_start + 2] not in ("<!", "<{"):
                problems.append(f"{rel}: inline handler near {text[match.start():match.start() + 30]!r}")
        for pattern in (INLINE_SCRIPT, INLINE_STYLE):
            for match in pattern.finditer(text):
                attrs = match.group(1)
                if "application/json" in attrs or "application/ld+json" in attrs:
                    continue
                if "csp_nonce" not in attrs:
                    problems.append(f"{rel}: {match.group(0)} without nonce")
    assert not problems, problems


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_with_the_inline_scripts_nonce(world, login):
    """ASVS 4.0 V14.4.3 / issue 13 §11: only the platform's own scripts, styles and images; the
    inline script of a page carries the same nonce as the header; no 'unsafe-inline' scripts."""
    client = login(world.users["city"])
    page = client.get("/registry/estates/")
    policy = page["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert "http" not in policy  # no third-party origin anywhere
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    html = page.content.decode()
    assert f'<script nonce="{nonce}">' in html
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    public = Client().get("/public/")
    assert "default-src 'self'" in public["Content-Security-Policy"]
