"""Browser tests: Playwright (Python) driving Debian's Chromium, never a downloaded browser.

Screenshots of the main pages are written to ``test-artifacts/screenshots/``.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # themselves are synchronous and safe. Only while the browser is up.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update", "--disable-sync",
                      "--lang=zh-CN"],
            )
            yield browser
            browser.close()
            # The ORM calls a test makes while Playwright's loop is up open a connection of their
            # own (another context than pytest-django's); close it here, or it outlives the test
            # and PostgreSQL refuses to drop the test database at the end of the run.
            from django.db import connections

            for conn in connections.all(initialized_only=True):
                if not conn.in_atomic_block:
                    conn.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_for(browser):
    contexts = []

    def _new(width=1366, height=900, **kwargs):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", **kwargs)
        contexts.append(context)
        return context.new_page()

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str):
        if page.locator("#wy-chart").count():
            page.wait_for_timeout(1500)  # let ECharts finish its entry animation
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return _shot


@pytest.fixture
def live(live_server, transactional_db, settings, tmp_path):
    """The live server on the test's own data: uploads go to a temporary folder, the cache
    (rate limits, public pages) starts and ends empty. (The root ``conftest.py`` lifts the audit
    triggers for the flush and puts back the seeded rows after it.)"""
    from django.core.cache import cache

    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield live_server
    cache.clear()


@pytest.fixture
def site(live_server, transactional_db, settings):
    """The live server with the small demo city, in demo mode (its administrators' logins skip
    the second factor only there)."""
    from django.core.management import call_command

    settings.DEMO_MODE = True

    call_command("demo", scale="small", seed=1, verbosity=0)
    yield live_server


@pytest.fixture
def login_as(page_for, site):
    def _login(username: str, **kwargs):
        page = page_for(**kwargs)
        page.goto(f"{site.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "Wuye@2026")
        with page.expect_navigation():
            page.click("form[data-testid=login-form] button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return _login
