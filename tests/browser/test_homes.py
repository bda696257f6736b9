"""Each role's home shows its to-do counts (issue 14 §2, §15), on a desktop and on a 390-pixel phone,
in Debian's Chromium on the small demo city; each count links to the list it counts."""

import pytest

ROLES = ["city", "district", "street", "community", "dept_market", "company", "committee", "resident"]


def _todos(page) -> list[dict]:
    page.locator("[data-testid=todos]").wait_for()
    return page.eval_on_selector_all(
        "[data-testid=todos] a[data-testid^=todo-]",
        "els => els.map(a => ({key: a.dataset.testid, count: a.dataset.count, href: a.getAttribute('href'),"
        " num: (a.querySelector('.num') || {}).innerText || ''}))")


@pytest.mark.parametrize("username", ROLES)
def test_each_home_shows_its_todo_counts(login_as, site, shot, username):
    page = login_as(username)
    todos = _todos(page)
    assert todos, f"{username}: no to-do on the home page"
    for t in todos:
        if t["count"]:
            # the number shown is the count, with thousands separators
            assert t["num"].strip() == f"{int(t['count']):,}", t
        assert t["href"].startswith("/"), t
    shot(page, f"homes-{username}-desktop")

    phone = login_as(username, width=390, height=844, is_mobile=True, has_touch=True)
    phone_todos = _todos(phone)
    assert [t["key"] for t in phone_todos] == [t["key"] for t in todos]
    # two tiles a row on a phone: none narrower than a thumb
    widths = phone.eval_on_selector_all("[data-testid=todos] a[data-testid^=todo-]",
                                        "els => els.map(a => a.getBoundingClientRect().width)")
    assert min(widths) >= 140, widths
    shot(phone, f"homes-{username}-phone")

    # the first counted tile opens the list it counts
    counted = next((t for t in todos if t["count"] not in (None, "")), None)
    if counted:
        page.goto(f"{site.url}{counted['href']}")
        page.wait_for_load_state("networkidle")
        total = page.locator("[data-testid=total]").first
        if total.count():
            assert f"{int(counted['count']):,}" in total.inner_text(), (counted, total.inner_text())


def test_the_department_home_is_its_own(login_as, shot):
    page = login_as("dept_market")
    for part in ("dept-complaints", "dept-tasks", "dept-notices"):
        assert page.locator(f"[data-testid={part}]").count() == 1, part
    assert page.locator("[data-testid=areas]").count() == 0
    shot(page, "homes-dept-own-desktop")
