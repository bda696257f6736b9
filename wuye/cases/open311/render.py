"""JSON and XML answers with the element names of GeoReport v2 (xml.etree, no dependency).

A document is plain Python data: dicts, lists, strings, numbers, booleans and None. The XML
form wraps a top-level list in the spec's root element (``service_requests`` → ``request``
items, ``services`` → ``service``, ``errors`` → ``error``) and a nested list in its own element
with singular children (``attributes`` → ``attribute``, ``values`` → ``value``, ``endpoints`` →
``endpoint``, ``formats`` → ``format``). Booleans are ``true``/``false``; None is an empty
element. Both formats are UTF-8, the XML with the declaration the spec asks for.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from django.http import HttpResponse

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
FORMATS = ("json", "xml")

ITEM_NAMES = {
    "service_requests": "request",
    "services": "service",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, (list, tuple)):
        item = ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item), child)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="unicode").encode("utf-8")


def to_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def respond(fmt: str, root: str, data, *, status: int = 200) -> HttpResponse:
    """The document as ``fmt`` (json or xml); ``root`` names the XML root element."""
    if fmt == "xml":
        return HttpResponse(to_xml(root, data), content_type=XML_TYPE, status=status)
    return HttpResponse(to_json(data), content_type=JSON_TYPE, status=status)


def error(fmt: str, status: int, description) -> HttpResponse:
    """The spec's error list: ``[{"code": 400, "description": "..."}]`` / ``<errors><error>…``."""
    return respond(fmt, "errors", [{"code": status, "description": str(description)}], status=status)
