"""The API's JSON parser: refuses what ``core.inputs`` describes (400 in Chinese, audited)."""

from __future__ import annotations

import codecs
import json

from django.conf import settings
from django.core.exceptions import BadRequest
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .inputs import (
    BAD_JSON,
    BAD_TEXT,
    MAX_DEPTH,
    SURROGATE,
    TOO_DEEP,
    TOO_LARGE,
    in_bigint_range,
    refuse_input,
)


def _check(data) -> None:
    """Walk the parsed JSON without recursion: depth, surrogates, integer range."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadRequest(TOO_DEEP % {"n": MAX_DEPTH})
        if isinstance(value, str):
            if SURROGATE.search(value):
                raise BadRequest(BAD_TEXT)
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if not in_bigint_range(value):
                raise BadRequest(TOO_LARGE)
        elif isinstance(value, dict):
            for key, item in value.items():
                stack.append((key, depth))
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > 19 or not in_bigint_range(text):
        raise BadRequest(TOO_LARGE)
    return int(text)


def _parse_constant(text: str):
    raise ValueError(f"Invalid JSON constant {text}")


def _depth_prescan(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before ``json.loads`` recurses into it."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise BadRequest(TOO_DEEP % {"n": MAX_DEPTH})
        elif ch in "]}":
            depth -= 1


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, refusing (400 in Chinese, audited) what ``inputs`` describes."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        request = parser_context.get("request")
        where = getattr(request, "path", "")
        try:
            text = codecs.getreader(encoding)(stream).read() if stream is not None else ""
            _depth_prescan(text)
            data = json.loads(text, parse_int=_parse_int, parse_constant=_parse_constant)
            _check(data)
            return data
        except BadRequest as exc:
            _audit_and_raise(str(exc.args[0]) if exc.args else "", where)
        except RecursionError:
            _audit_and_raise(str(TOO_DEEP % {"n": MAX_DEPTH}), where)
        except (ValueError, UnicodeError) as exc:
            _audit_and_raise(str(BAD_JSON % {"reason": str(exc)[:200]}), where)


def _audit_and_raise(message: str, where: str):
    try:
        refuse_input(message, where=where)
    except BadRequest:
        raise ParseError(message) from None
