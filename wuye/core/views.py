"""The auditor's audit page (issue §11) and the refusal page shared by every app."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuye.accounts.models import Role
from wuye.core.calendar import file_stamp

from .audit import audit_record, audit_verify_chain, row_hash
from .excel import Column, xlsx_response
from .filters import AuditFilter
from .history import SENSITIVE
from .listing import page_window, paginate
from .models import AuditAction, AuditLog
from .selectors import (
    audit_chain_tail,
    audit_logs_visible_to,
    audit_row_before,
    audit_row_count,
    record_named,
    require_auditor,
)
from .signals import DENIED_AUDITED_ATTR

EXPORT_MAX_ROWS = 100_000
ROLE_LABELS = dict(Role.choices)


@login_required
def not_ready(request, *args, **kwargs):
    raise Http404


def permission_denied(request, exception=None, template_name="403.html"):
    """``handler403``: audit a refusal that was not audited where it was raised, then show it."""
    reason = str(exception) if exception is not None and str(exception) else ""
    if not getattr(request, DENIED_AUDITED_ATTR, False):
        with translation.override(settings.LANGUAGE_CODE):  # audit rows read the same whatever the user's language
            recorded = str(exception) if reason else "无权执行此操作"
        audit_record(
            action=AuditAction.DENIED,
            object_type="",
            object_repr=request.path[:255],
            detail=recorded[:500],
        )
    return render(request, template_name, {"reason": reason, "audited": True}, status=403)


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: a form sent from an expired or foreign page, explained in Chinese."""
    return render(request, "403.html", {
        "reason": _("页面已过期或来源校验未通过，您的提交没有生效。请刷新页面后重新提交。"),
    }, status=403)


# ---- the audit page -------------------------------------------------------------------------


def _model_for(label: str):
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _type_label(label: str) -> str:
    model = _model_for(label)
    return str(model._meta.verbose_name) if model else label


def _shown(name: str, value):
    """A recorded value as the auditor sees it: personal data masked like on every other page."""
    if value is None or value == "":
        return "—"
    masker = SENSITIVE.get(name)
    if masker:
        return masker(str(value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


@dataclass
class FieldChange:
    name: str
    label: str
    before: object
    after: object


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def _readable(field, value, resolve_related: bool):
    """A choice as its label; with ``resolve_related``, a foreign key as the record's name."""
    if field is None or value in (None, ""):
        return value
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    if resolve_related and field.is_relation and field.many_to_one:
        related = record_named(field.related_model, value)
        if related is not None:
            return f"{related}（#{value}）"
    return value


def field_changes(row: AuditLog, *, resolve_related: bool = False) -> list[FieldChange]:
    """The row's changed fields as label, before → after."""
    model = _model_for(row.object_type)
    out = []
    for name, pair in (row.changes or {}).items():
        if isinstance(pair, list) and len(pair) == 2:
            before, after = pair
        else:
            before, after = None, pair
        field = _field(model, name)
        label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name
        if not SENSITIVE.get(name):
            before, after = _readable(field, before, resolve_related), _readable(field, after, resolve_related)
        out.append(FieldChange(name, label, _shown(name, before), _shown(name, after)))
    return out


def _changes_text(row: AuditLog) -> str:
    return "；".join(f"{c.label}：{c.before} → {c.after}" for c in field_changes(row))


def _filtered(request):
    filterset = AuditFilter(request.GET or None, queryset=audit_logs_visible_to(request.user))
    return filterset, filterset.qs


@require_GET
@login_required
def audit_list(request):
    require_auditor(request.user)
    filterset, qs = _filtered(request)
    page = paginate(request, qs.only(
        "id", "seq", "created_at", "actor_username", "actor_role", "ip", "action", "object_type", "object_id",
        "object_repr", "detail",
    ))
    rows = [
        {"row": row, "role": ROLE_LABELS.get(row.actor_role, row.actor_role), "type": _type_label(row.object_type)}
        for row in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_list.html", {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "window": page_window(page),
        "query": query.urlencode(),
        "tail": audit_chain_tail(),
    })


@require_GET
@login_required
def audit_detail(request, pk: int):
    require_auditor(request.user)
    row = audit_logs_visible_to(request.user).filter(pk=pk).first()
    if row is None:
        raise Http404("未找到该审计记录。")
    previous = audit_row_before(row)
    hash_ok = row_hash(row.prev_hash, row) == row.hash
    link_ok = (previous.hash == row.prev_hash) if previous is not None else row.seq == 1
    return render(request, "core/audit_detail.html", {
        "row": row,
        "role": ROLE_LABELS.get(row.actor_role, row.actor_role),
        "type": _type_label(row.object_type),
        "changes": field_changes(row, resolve_related=True),
        "hash_ok": hash_ok,
        "link_ok": link_ok,
        "previous": previous,
    })


@require_GET
@login_required
def audit_export(request):
    """Excel of the filtered rows (at most EXPORT_MAX_ROWS); the export itself is audited."""
    require_auditor(request.user)
    filterset, qs = _filtered(request)
    rows = list(qs[:EXPORT_MAX_ROWS + 1])
    truncated = len(rows) > EXPORT_MAX_ROWS
    rows = rows[:EXPORT_MAX_ROWS]
    detail = f"导出审计日志 {len(rows)} 条；筛选：{filterset.describe()}"
    if truncated:
        detail += f"（超过 {EXPORT_MAX_ROWS} 条，仅导出最新的 {EXPORT_MAX_ROWS} 条）"
    audit_record(action=AuditAction.EXPORT, actor=request.user, object_type=AuditLog._meta.label_lower,
                 object_repr="审计日志", detail=detail)
    columns = [
        Column(_("序号"), 10), Column(_("时间"), 20), Column(_("账号"), 16), Column(_("角色"), 16), Column(_("IP 地址"), 16),
        Column(_("动作"), 12), Column(_("对象类型"), 16), Column(_("对象编号"), 10), Column(_("对象"), 24),
        Column(_("变更（前 → 后）"), 60), Column(_("说明"), 40),
    ]
    data = (
        [
            r.seq, r.created_at, r.actor_username, ROLE_LABELS.get(r.actor_role, r.actor_role), r.ip or "",
            r.get_action_display(), _type_label(r.object_type), r.object_id, r.object_repr, _changes_text(r),
            r.detail,
        ]
        for r in rows
    )
    stamp = file_stamp()
    title = _("审计日志")
    return xlsx_response(filename=f"{title}-{stamp}.xlsx", sheet_title=title, columns=columns, rows=data)


@require_POST
@login_required
def audit_verify(request):
    """The full walk of the chain, on demand (a button on the audit page)."""
    require_auditor(request.user)
    problems = audit_verify_chain()
    total = audit_row_count()
    return render(request, "core/_chain_result.html", {
        "problems": problems[:50],
        "problem_count": len(problems),
        "total": total,
        "checked_at": timezone.now(),
    })
