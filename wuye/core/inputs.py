"""Input that no code path can digest is refused at the door with a Chinese 400 and an audit row
(issue 13 §10; GB/T 22239-2019 8.1.4.4 入侵防范 (应提供数据有效性检验功能), ASVS 4.0 V5.1.3–V5.1.4,
V13.1.3): JSON nested deeper than ``MAX_DEPTH``, strings holding lone UTF-16 surrogates (they cannot
be stored nor hashed into the audit chain) and integers beyond 64 bits, in bodies and in paths.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .audit import audit_record
from .models import AuditAction
from .request_context import current_request

BIGINT_MAX = 2**63 - 1
MAX_DEPTH = 32
SURROGATE = re.compile("[\ud800-\udfff]")

TOO_DEEP = _("请求内容嵌套层级过深（最多 %(n)s 层）。")
BAD_TEXT = _("请求内容含有无效的字符（孤立的代理码位），请检查编码。")
TOO_LARGE = _("数值超出允许的范围（64 位整数）。")
BAD_JSON = _("请求内容不是有效的 JSON：%(reason)s")


def in_bigint_range(value) -> bool:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return True  # not an integer at all: the caller's own validation answers
    return -BIGINT_MAX - 1 <= number <= BIGINT_MAX


def refuse_input(message, *, where: str = "") -> None:
    """Audit the refused input (a DENIED row) and raise ``BadRequest`` (400)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message)
    request = current_request()
    audit_record(action=AuditAction.DENIED, object_repr=(where or getattr(request, "path", ""))[:255],
                 detail=f"无效输入：{text}")
    raise BadRequest(message)
