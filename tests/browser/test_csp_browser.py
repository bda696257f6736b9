"""The Content-Security-Policy breaks no page (issue 13 §11): pages with inline scripts (charts,
filter bars, the public complaint form) load without a CSP violation or a script error, and the
ECharts charts draw. ASVS 4.0 V14.4.3; GB/T 22239-2019 8.1.4.4 入侵防范."""

from __future__ import annotations

PAGES = [
    "/overview/",            # ECharts dashboard
    "/registry/estates/",    # filter bar with an inline script
    "/credit/ranking/",
    "/complaints/new/",      # the public form (estate picker script)
    "/public/",
    "/complaints/",          # the officers' list (filter script)
]


def test_pages_load_under_the_policy_without_violations(login_as, site):
    page = login_as("city")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    for path in PAGES:
        response = page.goto(f"{site.url}{path}")
        assert response.status < 400, path
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
    page.goto(f"{site.url}/overview/")
    page.wait_for_load_state("networkidle")
    assert page.locator("canvas").count() >= 1  # the charts drew under the policy
    assert not problems, problems
