"""The bulletin's .docx and PDF (issue 16 items 7 and 14): GB/T 9704-2012 page, margins, fonts and
sizes, the document number and the footer page numbers; the PDF rendered by WeasyPrint has A4
pages and its text holds the title and the number."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from docx import Document
from docx.shared import Mm, Pt

from wuye.campaign.bulletins import services as svc
from wuye.campaign.bulletins.document import content_of
from wuye.campaign.bulletins.docx_out import render_docx
from wuye.campaign.bulletins.pdf_out import document_of, render_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(world):
    city = world.users["city"]
    b = svc.bulletin_draft(actor=city, kind="monthly", period_start=date(2026, 11, 1), period_end=date(2026, 11, 30),
                           title="关于2026年11月物业服务质量提升行动工作情况的通报")
    svc.recipients_set(actor=city, bulletin=b, main=[{"kind": "district", "id": world.d1.pk}],
                       copy=[{"kind": "district", "id": world.d2.pk}])
    return svc.bulletin_issue(actor=city, bulletin=b, issue_date=date(2026, 12, 3))


def _near(length, mm):
    return abs(length - Mm(mm)) <= Mm(0.1)


def test_docx_layout(issued):
    data = render_docx(content_of(issued))
    doc = Document(io.BytesIO(data))
    s = doc.sections[0]
    assert _near(s.page_width, 210) and _near(s.page_height, 297)
    assert _near(s.top_margin, 37) and _near(s.bottom_margin, 35)
    assert _near(s.left_margin, 28) and _near(s.right_margin, 26)
    paragraphs = doc.paragraphs
    texts = [p.text for p in paragraphs]
    assert "X房物〔2026〕1号" in texts
    mark = paragraphs[0]
    assert mark.runs[0].font.color.rgb is not None and str(mark.runs[0].font.color.rgb) == "FF0000"
    title = next(p for p in paragraphs if p.text == issued.title)
    assert title.runs[0].font.size == Pt(22) and title.runs[0].font.name == "方正小标宋简体"
    body = next(p for p in paragraphs if p.text.startswith("截至"))
    assert body.runs[0].font.size == Pt(16) and "仿宋" in body.runs[0].font.name
    # 22 lines fill the 225 mm type area: a fixed line spacing of 28.99 pt.
    assert abs(body.paragraph_format.line_spacing * 22 - Mm(225)) < Mm(1)
    number_index = texts.index("X房物〔2026〕1号")
    assert paragraphs[number_index].alignment == 1  # centred, under the mark
    assert texts[-2].startswith("抄送：") and issued.authority in texts[-1] and "2026年12月3日印发" in texts[-1]
    assert "东城区住房主管部门：" in texts
    # Footers: "— PAGE —" in 14 pt, odd right and even left.
    for footer in (s.footer, s.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and "fldChar" in xml
        assert footer.paragraphs[0].text.startswith("— ") and footer.paragraphs[0].text.endswith(" —")
        assert all(r.font.size == Pt(14) for r in footer.paragraphs[0].runs)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode()
    assert 'w:linePitch="580"' in xml and 'w:type="linesAndChars"' in xml
    assert "字体" in doc.core_properties.comments and "仿宋" in doc.core_properties.comments
    assert doc.core_properties.subject == "X房物〔2026〕1号"


def test_pdf_is_a4_with_title_and_number(issued):
    content = content_of(issued)
    document = document_of(content)
    page = document.pages[0]
    assert abs(page.width - 210 / 25.4 * 96) < 1 and abs(page.height - 297 / 25.4 * 96) < 1  # CSS px

    def texts(box):
        if getattr(box, "text", None):
            yield box.text
        for child in getattr(box, "children", []) or []:
            yield from texts(child)

    first = "".join(texts(page._page_box))
    assert "X房物〔2026〕1号" in first and issued.title in first
    assert render_pdf(content).startswith(b"%PDF")
    # The file itself (uncompressed, to read its objects): A4 pages (595.28 × 841.89 pt) and the
    # fonts written into the metadata.
    raw = document.write_pdf(uncompressed_pdf=True)
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", raw)
    assert boxes and all(abs(float(w) - 595.28) < 0.1 and abs(float(h) - 841.89) < 0.1 for w, h in boxes)
    keywords = re.search(rb"/Keywords \(([^)]*)\)|/Keywords <([0-9a-fA-F]+)>", raw)
    assert keywords is not None


def test_pdf_lines_hold_28_characters_and_pages_22_lines(issued):
    """GB/T 9704: 28 characters a line, 22 lines a page (a long section is laid out and its line
    boxes counted: full lines after the first hold 28 characters, and a full page of body text 22)."""
    from wuye.campaign.bulletins.document import Part

    content = content_of(issued)
    content.parts = [Part("一、测试", ["物" * 2000])]
    document = document_of(content)

    def lines(box):
        if type(box).__name__ == "LineBox":
            yield box
        for child in getattr(box, "children", []) or []:
            yield from lines(child)

    def text(box):
        if getattr(box, "text", None):
            return box.text
        return "".join(text(c) for c in getattr(box, "children", []) or [])

    second_page = [text(line) for line in lines(document.pages[1]._page_box)]
    full = [t for t in second_page if set(t) == {"物"}]
    assert full and all(len(t) == 28 for t in full[1:-1])
    assert len(full) == 22
