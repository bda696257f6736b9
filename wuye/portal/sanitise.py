"""The HTML an official may put in an article body, and nothing else (nh3 allow-list).

Allowed: paragraphs and line breaks, headings h2–h4, strong/em/u, lists, blockquote, tables,
links (``http``, ``https`` and ``mailto`` only, always ``rel="noopener"``) and images (``src``
``/media/articles/…`` only — uploaded through the article editor — with ``alt``: a remote image
would let a third party track every public reader, issue 13 §13). Everything else goes: ``script`` and ``style``
with their content, every ``on*`` handler, ``style`` and ``class`` attributes, ``javascript:``
and ``data:`` URLs, comments.
"""

from __future__ import annotations

import re

import nh3

TAGS = {"p", "br", "h2", "h3", "h4", "strong", "em", "u", "ul", "ol", "li", "a", "blockquote",
        "table", "thead", "tbody", "tr", "th", "td", "img"}
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
LINK_SCHEMES = ("http://", "https://", "mailto:")
# Only images uploaded through the editor (services.article_image_upload → /media/articles/…).
IMAGE_PREFIXES = ("/media/articles/",)
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea", "select"}
_SPAN = re.compile(r"^[1-9][0-9]?$")


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    v = value.strip()
    low = v.lower()
    if tag == "a" and attr == "href":
        return v if low.startswith(LINK_SCHEMES) else None
    if tag == "img" and attr == "src":
        return v if low.startswith(IMAGE_PREFIXES) and ".." not in low and "\\" not in low else None
    if attr in ("colspan", "rowspan"):
        return v if _SPAN.match(v) else None
    return value


def sanitise_html(html: str) -> str:
    """The allowed subset of ``html``; safe to render with ``|safe``."""
    cleaned = nh3.clean(
        html or "",
        tags=TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter,
        strip_comments=True,
        link_rel="noopener",
        url_schemes={"http", "https", "mailto"},
    )
    return cleaned.strip()


def plain_text(html: str) -> str:
    """The text of a sanitised body (for search tokens and summaries)."""
    text = nh3.clean((html or "").replace("<", " <"), tags=set(), clean_content_tags=DROP_WITH_CONTENT)
    text = re.sub(r"&nbsp;|&#160;", " ", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    return re.sub(r"\s+", " ", text).strip()
