"""The bulletin as Word (``.docx``, python-docx), laid out per GB/T 9704-2012 (rules.md §12): A4;
margins 37/35/28/26 mm; a document grid of 22 lines (fixed 28.95 pt) and 28 characters a line;
the red authority mark, the number centred under it and the red separator line; the title 2号
(22 pt) 方正小标宋简体; the body 3号 (16 pt) 仿宋; headings 一、 in 黑体; page numbers "— PAGE —" in
4号 (14 pt) in the footer, odd pages right and even pages left; the recipients, the authority, the
date and the 版记 at the end. The declared fonts are named in the file (Word substitutes what the
reader's machine lacks); the document properties say so."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .document import (
    BODY_PT,
    CHARS_PER_LINE,
    LINE_PITCH_PT,
    MARGINS_MM,
    PAGE_MM,
    PAGE_NO_PT,
    RED,
    TITLE_PT,
    TYPE_AREA_MM,
    Content,
)
from .fonts import DECLARED, fonts_note


def _font(run, family: str, size: float, *, bold: bool = False, color: str | None = None) -> None:
    run.font.name = family
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), family)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def _paragraph(doc_or_part, text: str, family: str, size: float, *, align=None, indent: bool = False,
               bold: bool = False, color: str | None = None, exact: bool = True):
    p = doc_or_part.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PITCH_PT)
    if indent:
        fmt.first_line_indent = Pt(BODY_PT * 2)  # two characters
    if align is not None:
        p.alignment = align
    if text:
        _font(p.add_run(text), family, size, bold=bold, color=color)
    return p


def _red_line(doc) -> None:
    """The red separator line the width of the type area (a bottom border of an empty paragraph)."""
    p = _paragraph(doc, "", DECLARED["body"], BODY_PT)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", RED)):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


def _page_field(paragraph) -> None:
    """``— {PAGE} —`` in 4号 宋体 (a PAGE field that Word fills in)."""
    _font(paragraph.add_run("— "), DECLARED["page"], PAGE_NO_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        _font(run, DECLARED["page"], PAGE_NO_PT)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    _font(paragraph.add_run(" —"), DECLARED["page"], PAGE_NO_PT)


def _grid(section) -> None:
    """Word's document grid: 22 lines of 28.95 pt and 28 characters a line."""
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    # charSpace: the extra width per character in 1/4096 pt over the font size (156 mm / 28 − 16 pt).
    extra_pt = TYPE_AREA_MM[0] / 25.4 * 72 / CHARS_PER_LINE - BODY_PT
    grid.set(qn("w:charSpace"), str(round(extra_pt * 4096)))


def render_docx(content: Content) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(MARGINS_MM["bottom"] - 7 - 5)  # the number 7 mm below the type area
    _grid(section)
    normal = doc.styles["Normal"]
    normal.font.name = DECLARED["body"]
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DECLARED["body"])

    # 版头
    _paragraph(doc, content.mark, DECLARED["title"], 36, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED, exact=False)
    _paragraph(doc, "", DECLARED["body"], BODY_PT)
    if content.number:
        _paragraph(doc, content.number, DECLARED["body"], BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _red_line(doc)
    _paragraph(doc, "", DECLARED["body"], BODY_PT)
    # 标题, 主送机关, 正文
    _paragraph(doc, content.title, DECLARED["title"], TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    _paragraph(doc, "", DECLARED["body"], BODY_PT)
    if content.main:
        _paragraph(doc, content.main, DECLARED["body"], BODY_PT)
    for part in content.parts:
        _paragraph(doc, part.heading, DECLARED["heading"], BODY_PT, indent=True)
        for text in part.paragraphs:
            _paragraph(doc, text, DECLARED["body"], BODY_PT, indent=True)
    # 发文机关署名, 成文日期
    _paragraph(doc, "", DECLARED["body"], BODY_PT)
    _paragraph(doc, content.authority, DECLARED["body"], BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, content.date_text, DECLARED["body"], BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT)
    # 版记
    _paragraph(doc, "", DECLARED["body"], BODY_PT)
    if content.copy:
        _paragraph(doc, content.copy, DECLARED["body"], 14)
    _paragraph(doc, f"{content.printed}　　　　{content.date_text}印发", DECLARED["body"], 14)

    # Page numbers: odd pages right, even pages left.
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.alignment = align
        _page_field(p)

    props = doc.core_properties
    props.title = content.properties["title"]
    props.subject = content.properties["subject"]
    props.author = content.properties["author"]
    props.keywords = content.properties["keywords"]
    props.category = "通报"
    props.comments = "GB/T 9704-2012。字体：" + fonts_note(rendered_here=False)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
