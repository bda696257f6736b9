"""The bulletin as PDF, rendered from the same content as the ``.docx`` by a real layout engine:
an HTML template with GB/T 9704 ``@page`` CSS (A4, margins 37/35/28/26 mm, page numbers "— 1 —" in
14 pt, odd pages right and even pages left) laid out by WeasyPrint with fontconfig's CJK fonts.
The font actually used is written into the PDF's metadata (keywords). Without WeasyPrint's
libraries (Pango) :class:`PdfUnavailable` is raised: the view answers a Chinese 503."""

from __future__ import annotations

from django.template.loader import render_to_string

from .document import (
    BODY_PT,
    CHARS_PER_LINE,
    LINE_PITCH_PT,
    MARGINS_MM,
    PAGE_NO_PT,
    RED,
    TITLE_PT,
    TYPE_AREA_MM,
    Content,
)
from .fonts import css_family, fonts_note


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries cannot be loaded on this machine."""


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango or its friends are missing
        raise PdfUnavailable(str(exc)) from exc
    return weasyprint


def html_of(content: Content) -> str:
    # 28 characters fill 156 mm (a hair less, so that rounding never pushes the 28th to the next line)
    letter = round(TYPE_AREA_MM[0] / 25.4 * 72 / CHARS_PER_LINE - BODY_PT, 3) - 0.01
    return render_to_string("bulletins/document.html", {
        "c": content, "body_pt": BODY_PT, "title_pt": TITLE_PT, "page_pt": PAGE_NO_PT, "line_pt": LINE_PITCH_PT,
        "letter_pt": letter, "m": MARGINS_MM, "red": f"#{RED}", "type_width": TYPE_AREA_MM[0],
        "f_title": css_family("title"), "f_body": css_family("body"), "f_heading": css_family("heading"),
        "f_page": css_family("page"), "fonts": fonts_note(rendered_here=True),
    })


def document_of(content: Content):
    """The laid-out WeasyPrint document (its pages can be inspected: sizes, text boxes)."""
    weasyprint = _weasyprint()
    return weasyprint.HTML(string=html_of(content), base_url=".").render()


def render_pdf(content: Content) -> bytes:
    return document_of(content).write_pdf()
