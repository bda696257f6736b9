"""The document files as HTTP answers (pages and API share them): the ``.docx`` and the PDF of a
bulletin, named by its number. A download is a GET and writes nothing (the bulletin holds no
personal data)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _

from .document import content_of
from .docx_out import render_docx
from .models import Bulletin
from .pdf_out import PdfUnavailable, render_pdf

__all__ = ["PdfUnavailable", "document_response", "filename_of"]

TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}


def filename_of(bulletin: Bulletin, ext: str) -> str:
    return f"{bulletin.number or _('通报草稿') + str(bulletin.pk)}.{ext}"


def document_response(bulletin: Bulletin, ext: str, *, actor) -> HttpResponse:
    content = content_of(bulletin)
    data = render_docx(content) if ext == "docx" else render_pdf(content)
    response = HttpResponse(data, content_type=TYPES[ext])
    name = filename_of(bulletin, ext)
    response["Content-Disposition"] = f"attachment; filename=\"bulletin-{bulletin.pk}.{ext}\"; filename*=UTF-8''{quote(name)}"
    return response
