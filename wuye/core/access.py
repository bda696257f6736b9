"""Fetch-and-check helpers shared by every app (zulip-style ``access_*``).

Out of scope is 404, never a leak of existence, and it leaves an audit row. Visible but not
writable is 403 (PermissionDenied), also audited.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils import translation

from .audit import audit_record
from .inputs import TOO_LARGE, in_bigint_range, refuse_input
from .models import AuditAction


def refuse(*, user, model: type[Model], pk, reason: str, status: int = 404):
    """Audit the refusal and raise 404 (or 403). A lazily translated ``reason`` is recorded in the
    platform language and shown on the 403 page in the user's."""
    with translation.override(settings.LANGUAGE_CODE):  # audit rows read the same whatever the user's language
        detail = str(reason)
    audit_record(
        action=AuditAction.DENIED,
        actor=user,
        object_type=model._meta.label_lower,
        object_id=pk,
        detail=detail,
    )
    if status == 403:
        raise PermissionDenied(reason)
    raise Http404("未找到该记录，或您无权查看。")


def get_visible_or_404(queryset: QuerySet, *, user, pk):
    if not in_bigint_range(pk):  # a path or body id beyond 64 bits: 400 and audited, not a 500
        refuse_input(TOO_LARGE)
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        refuse(user=user, model=queryset.model, pk=pk, reason="超出数据权限范围或记录不存在")
