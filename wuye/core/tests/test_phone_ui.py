"""Issue 14 §9 and §11 on the server side: every page carries the one confirmation modal (and no
template comment leaks into it), wuye.js asks through the modal instead of ``window.confirm``,
turns long multi-selects into pickers, and the work-list tables are cards below 576 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string

STATIC = Path(__file__).resolve().parents[2] / "static" / "wuye"
TEMPLATES = Path(__file__).resolve().parents[3] / "wuye"


@pytest.mark.django_db
def test_every_page_carries_the_confirmation_modal(client):
    html = client.get("/accounts/login/").content.decode()
    assert html.count('id="wy-confirm"') == 1 and 'data-testid="confirm-ok"' in html
    assert "{#" not in html and "wuye.js fills in" not in html


def test_the_modal_alone_has_no_leaking_comment():
    out = render_to_string("includes/confirm_modal.html")
    assert "data-wy-confirm-text" in out and "data-wy-confirm-ok" in out and "{%" not in out


def test_confirmations_go_through_the_modal_not_window_confirm():
    js = (STATIC / "wuye.js").read_text(encoding="utf-8")
    # The browser's own dialog remains only as the fallback of a page without the modal.
    assert len(re.findall(r"window\.confirm\(\w", js)) == 1 and "if (!m) { if (window.confirm(" in js
    assert "bootstrap.Modal" in js and "[data-confirm]" in js and "data-confirm-submit" in js
    assert "select[multiple]" in js and "data-wy-picker" in js


def test_no_template_calls_confirm_in_a_handler():
    hits = [p for p in TEMPLATES.rglob("*.html") if re.search(r"\bconfirm\(", p.read_text(encoding="utf-8"))]
    assert hits == []


@pytest.mark.parametrize("template", [
    "cases/templates/cases/pages/_list_results.html",
    "cases/templates/cases/pages/_queue_results.html",
    "supervision/templates/supervision/_inspection_order_results.html",
    "supervision/templates/supervision/_inspection_results.html",
    "campaign/templates/campaign/board.html",
])
def test_work_lists_are_cards_with_labels_and_a_next_action(template):
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    assert "wy-cards" in text and "data-label=" in text and "wy-card-action" in text and "wy-card-title" in text


def test_the_card_layout_is_phone_only():
    css = (STATIC / "wuye.css").read_text(encoding="utf-8")
    assert "@media (max-width: 575.98px)" in css and "table.wy-cards > thead { display: none; }" in css
