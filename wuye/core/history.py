"""The change history of one record, as shown on its detail page (变更记录).

Only for users who may already see the record (the caller fetched it through a selector). Only
writes are shown — creations, updates, deletions — never who looked at what: that is for the
auditor. Personal data in the recorded values is masked like everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model

from .masking import mask_id_number, mask_phone
from .models import AuditAction, AuditLog

SENSITIVE = {"phone": mask_phone, "id_number": mask_id_number}
HISTORY_ACTIONS = [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE, AuditAction.IMPORT]


@dataclass
class Change:
    field: str
    label: str
    before: object
    after: object


@dataclass
class HistoryEntry:
    row: AuditLog
    changes: list[Change]


def _label(model: type[Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _show(name: str, value):
    if value is None or value == "":
        return "—"
    masker = SENSITIVE.get(name)
    return masker(str(value)) if masker else value


def object_history(obj: Model, *, limit: int = 20) -> list[HistoryEntry]:
    rows = (
        AuditLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action__in=HISTORY_ACTIONS)
        .only("seq", "created_at", "actor_username", "actor_role", "action", "changes", "detail")
        .order_by("-seq")[:limit]
    )
    model = type(obj)
    entries = []
    for row in rows:
        changes = []
        if row.action == AuditAction.UPDATE:
            for name, pair in (row.changes or {}).items():
                before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
                changes.append(Change(name, _label(model, name), _show(name, before), _show(name, after)))
        entries.append(HistoryEntry(row, changes))
    return entries
