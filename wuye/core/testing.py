"""Helpers for tests that need two connections acting at the same moment (PostgreSQL).

``race(*calls)`` starts every call in its own thread at once (a barrier), each on its own
database connection, and returns ``[("ok", value) | ("refused", ServiceError), ...]`` in the order
given. Any other exception fails the test. Use with ``transactional_db`` (the root
``conftest.py`` lifts the audit triggers for its flush and puts the seeded rows back after it).
"""

from __future__ import annotations

import threading

from django.db import connection

from wuye.core.errors import ServiceError


def race(*calls):
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            start.wait(timeout=10)
            results[i] = ("ok", call())
        except ServiceError as exc:
            results[i] = ("refused", exc)
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all(not t.is_alive() for t in threads)
    assert all(r is not None and r[0] != "error" for r in results), results
    return results


# Browser tests that are not about the confirmation itself accept every confirmation at once: the
# page's one modal (includes/confirm_modal.html, issue 14 §11) is confirmed as soon as it is shown,
# and a browser dialog (a page without the modal) is accepted.
_AUTO_CONFIRM = """document.addEventListener('shown.bs.modal', (e) => {
  const ok = e.target.querySelector('[data-testid=confirm-ok]');
  if (ok) ok.click();
});"""


def auto_confirm(page) -> None:
    """Call on a new Playwright page, before its first navigation."""
    page.on("dialog", lambda d: d.accept())
    page.add_init_script(_AUTO_CONFIRM)
