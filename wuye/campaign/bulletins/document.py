"""One content for both outputs of an issued (or draft) bulletin: the 版头 (the red mark of the
issuing authority, the document number under it, the red separator line), the title, the main
recipients, the body (each section's heading and text, numbered 一、二、…), the authority and the
date, and the 版记 (抄送, 印发机关和印发日期) — rules.md §12, GB/T 9704-2012. ``docx.py`` and
``pdf.py`` lay it out; neither reads the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from .models import Bulletin, Recipient
from .selectors import recipients_of, sections_of

CN_NUMERALS = "一二三四五六七八九十"
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
PAGE_MM = (210, 297)
BODY_PT, TITLE_PT, PAGE_NO_PT = 16, 22, 14
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
TYPE_AREA_MM = (156, 225)
LINE_PITCH_PT = round(TYPE_AREA_MM[1] / 25.4 * 72 / LINES_PER_PAGE, 2)  # 28.95 pt: 22 lines in 225 mm
RED = "FF0000"


def cn_date(d: date) -> str:
    """成文日期: year, month and day in Arabic numerals, no leading zeros (2027年3月5日)."""
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass
class Part:
    heading: str
    paragraphs: list[str]


@dataclass
class Content:
    mark: str            # 发文机关标志, e.g. X市住房保障房产局文件
    number: str          # 发文字号 (empty on a draft)
    title: str
    main: str            # 主送机关, ending with the full-width colon
    parts: list[Part]
    authority: str
    date_text: str
    copy: str            # 抄送 (empty: none)
    printed: str         # 印发机关和印发日期
    draft: bool
    properties: dict = field(default_factory=dict)


def content_of(bulletin: Bulletin) -> Content:
    recipients = recipients_of(bulletin)
    when = bulletin.issue_date or timezone.localdate()
    authority = bulletin.authority
    parts = []
    for i, s in enumerate(sections_of(bulletin)):
        paragraphs = [p.strip() for p in (s.text or "").splitlines() if p.strip()]
        numeral = CN_NUMERALS[i] if i < len(CN_NUMERALS) else str(i + 1)
        parts.append(Part(f"{numeral}、{s.heading}", paragraphs))
    main = "、".join(r.name for r in recipients[Recipient.Role.MAIN])
    copy = "、".join(r.name for r in recipients[Recipient.Role.COPY])
    return Content(
        mark=f"{authority}文件", number=bulletin.number, title=bulletin.title,
        main=f"{main}：" if main else "", parts=parts, authority=authority, date_text=cn_date(when),
        copy=f"抄送：{copy}。" if copy else "", printed=f"{authority}", draft=bulletin.status == Bulletin.Status.DRAFT,
        properties={"title": bulletin.title, "subject": bulletin.number or "草稿", "author": authority,
                    "keywords": f"通报 {bulletin.get_kind_display()} {bulletin.number}".strip()},
    )
