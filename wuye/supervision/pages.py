"""Helpers shared by the supervision pages: breadcrumbs, query strings, htmx result swaps and the
audited Excel export of a list."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from wuye.core.audit import audit_record
from wuye.core.calendar import file_stamp
from wuye.core.excel import Column, xlsx_response
from wuye.core.listing import capped_count, query_string
from wuye.core.models import AuditAction

PAGE_SIZE = 30


def crumbs(*extra):
    return [(_("监督检查"), None), *extra]


def htmx_results(request) -> bool:
    return bool(getattr(request, "htmx", False)) and not request.htmx.boosted and request.htmx.target == "wy-results"


def export_xlsx(request, qs, *, name: str, title: str, headers, rows):
    cap = getattr(settings, "WUYE_EXPORT_MAX_ROWS", 50_000)
    n = capped_count(qs, cap)
    if n > cap:
        messages.error(request, _g("符合条件的记录超过 %(cap)s 条，无法一次导出，请先缩小筛选范围。") % {"cap": f"{cap:,}"})
        return redirect(request.path)
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(action=AuditAction.EXPORT, actor=request.user, object_type=qs.model._meta.label_lower,
                     object_repr=str(title), detail=f"导出{title} {n} 条（Excel）；筛选：{query_string(request.GET) or '无'}")
    stamp = file_stamp()
    return xlsx_response(filename=f"{name}-{stamp}.xlsx", sheet_title=str(title),
                         columns=[Column(str(h), w) for h, w in headers], rows=rows)
