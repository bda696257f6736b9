"""Hash-chained audit trail.

Every row stores ``hash = sha256(prev_hash + canonical(row))``; the chain head keeps the last
``seq`` and ``hash`` so that an edited, deleted or truncated row is found by ``audit_verify``.
Rows are appended under a lock on the chain head (``select_for_update`` on PostgreSQL; SQLite
serialises writers already).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, signals
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.translation import gettext

from .models import AuditAction, AuditChainHead, AuditLog, DeniedTally
from .request_context import current_ip, current_user

GENESIS = "0" * 64


def clean_text(value: str) -> str:
    """``value`` with every lone UTF-16 surrogate replaced by U+FFFD: such a string can be neither
    encoded for the hash nor stored by PostgreSQL, and the refusal it came with must still be
    audited (issue 13 §10)."""
    if not isinstance(value, str):
        return value
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _jsonable(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (Decimal,)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _canonical(row: AuditLog) -> str:
    payload = {
        "seq": row.seq,
        "created_at": row.created_at.isoformat(timespec="microseconds"),
        "actor": row.actor_id,
        "actor_username": row.actor_username,
        "actor_role": row.actor_role,
        "ip": row.ip,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "object_repr": row.object_repr,
        "changes": row.changes,
        "detail": row.detail,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def row_hash(prev_hash: str, row: AuditLog) -> str:
    return hashlib.sha256((prev_hash + _canonical(row)).encode("utf-8")).hexdigest()


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    object_repr: str = "",
    changes: dict | None = None,
    detail: str = "",
    ip: str | None = None,
    username: str = "",
    aggregate: bool = False,
) -> AuditLog | None:
    """Append one audit row. Actor and IP default to the current request's.

    An anonymous client's refusals are aggregated (issue 13 §12): the first in a minute is written
    at once, the others of that minute only counted (None is returned for them)."""
    if actor is None:
        actor = current_user()
    if ip is None:
        ip = current_ip()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if action == AuditAction.DENIED and actor is None and not aggregate and not _first_anonymous_denial(ip):
        return None  # counted; denied_flush writes the minute's row with the count
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    # No savepoint: a failure here must undo the caller's whole change, not just this row.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        row = AuditLog(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor=actor,
            actor_username=clean_text(actor.username if actor else username)[:150],
            actor_role=getattr(actor, "role", "") or "",
            ip=ip,
            action=action,
            object_type=clean_text(object_type)[:64],
            object_id=clean_text(str(object_id or ""))[:64],
            object_repr=clean_text(object_repr or "")[:255],
            changes=_jsonable(changes or {}),
            detail=clean_text(str(detail))[:500],
            prev_hash=head.hash,
        )
        row.hash = row_hash(head.hash, row)
        if connection.vendor == "postgresql":
            _insert_and_advance(row)
        else:
            row.save(force_insert=True)
            AuditChainHead.objects.filter(id=1).update(seq=row.seq, hash=row.hash)
    return row


# ---- anonymous refusals: aggregated per client and minute (issue 13 §12) ----------------------


def _minute(now=None):
    return (now or timezone.now()).replace(second=0, microsecond=0)


def _limited_key(ip, minute) -> str:
    return f"wuye:anon-denied-limited:{ip or '-'}:{minute.isoformat()}"


def _first_anonymous_denial(ip) -> bool:
    """Count one refusal of an anonymous request from ``ip``; True for the minute's first. Past
    ``WUYE_ANON_DENIED_PER_MINUTE`` the address is marked (in the shared cache) for the rest of
    the minute, and ``AnonymousDeniedLimitMiddleware`` answers 429."""
    minute = _minute()
    with transaction.atomic():
        if DeniedTally.objects.filter(ip=ip, minute=minute).update(count=F("count") + 1):
            count = DeniedTally.objects.filter(ip=ip, minute=minute).values_list("count", flat=True).first() or 0
            if count >= settings.WUYE_ANON_DENIED_PER_MINUTE:
                cache.set(_limited_key(ip, minute), True, timeout=120)
            return False
        try:
            with transaction.atomic():
                DeniedTally.objects.create(ip=ip, minute=minute, count=1)
        except IntegrityError:  # another process counted the first one a moment ago
            DeniedTally.objects.filter(ip=ip, minute=minute).update(count=F("count") + 1)
            return False
    return True


def anonymous_denied_limited(ip) -> bool:
    """True once ``ip`` passed ``WUYE_ANON_DENIED_PER_MINUTE`` refusals in this minute."""
    return bool(cache.get(_limited_key(ip, _minute())))


def denied_flush(now=None) -> int:
    """Write one audit row per client and finished minute holding more than one refusal, with the
    count, and forget the counts (Huey runs it every minute; running twice does no harm: each
    tally is claimed by deleting it). Returns the rows written."""
    written = 0
    for tally in DeniedTally.objects.filter(minute__lt=_minute(now)).order_by("minute", "id")[:1000]:
        with transaction.atomic():
            if not DeniedTally.objects.filter(pk=tally.pk).delete()[0]:
                continue
            if tally.count > 1:
                audit_record(
                    action=AuditAction.DENIED, actor=None, ip=tally.ip, object_type="", object_repr="",
                    changes={"count": tally.count, "minute": tally.minute.isoformat()},
                    detail=f"匿名请求被拒绝：同一客户端在该分钟内共 {tally.count} 次（已逐次计数，仅首次单独记录）",
                    aggregate=True,
                )
                written += 1
    return written


def audit_record_in_migration(apps, *, action: str, object_type: str, object_id: Any = "", object_repr: str = "",
                              changes: dict | None = None, detail: str = "") -> None:
    """Append one audit row from a data migration (no request, no actor: the platform itself),
    with the migration's historical models. The row joins the same chain as ``audit_record``'s,
    so that ``audit_verify_chain`` accepts it."""
    log_model = apps.get_model("core", "AuditLog")
    head_model = apps.get_model("core", "AuditChainHead")
    head, _ = head_model.objects.select_for_update().get_or_create(id=1)
    row = log_model(
        seq=head.seq + 1, created_at=timezone.now(), actor=None, actor_username="", actor_role="", ip=None,
        action=action, object_type=object_type[:64], object_id=str(object_id or "")[:64],
        object_repr=(object_repr or "")[:255], changes=_jsonable(changes or {}), detail=detail[:500],
        prev_hash=head.hash,
    )
    row.hash = row_hash(head.hash, row)
    row.save(force_insert=True)
    head_model.objects.filter(id=1).update(seq=row.seq, hash=row.hash)


def _insert_and_advance(row: AuditLog) -> None:
    """Insert the row and move the chain head in one statement (PostgreSQL): the head stays locked
    until the caller's transaction commits, so every round trip saved shortens the time other
    writers wait for it."""
    fields = [f for f in AuditLog._meta.concrete_fields if not f.primary_key]
    query = InsertQuery(AuditLog)
    query.insert_values(fields, [row])
    compiler = query.get_compiler(using=connection.alias)
    compiler.returning_fields = [AuditLog._meta.pk]
    (insert_sql, params), = compiler.as_sql()
    head = connection.ops.quote_name(AuditChainHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH inserted AS ({insert_sql}) UPDATE {head} SET seq = %s, hash = %s WHERE id = 1 "
            "RETURNING (SELECT id FROM inserted)",
            [*params, row.seq, row.hash],
        )
        row.pk = cursor.fetchone()[0]
    row._state.adding = False
    row._state.db = connection.alias
    # What Model.save would send: receivers such as core.signals (a request's refusal already
    # audited) must not see a difference between the two paths.
    signals.post_save.send(sender=AuditLog, instance=row, created=True, update_fields=None, raw=False,
                           using=connection.alias)


@dataclass
class ChainProblem:
    seq: int
    problem: str


def audit_verify_chain(rows: Iterable[AuditLog] | None = None) -> list[ChainProblem]:
    """Walk the chain in order; report every row whose hash, link or sequence is wrong."""
    problems: list[ChainProblem] = []
    prev_hash = GENESIS
    expected_seq = 1
    if rows is None:
        rows = AuditLog.objects.order_by("seq").iterator(chunk_size=5000)
    for row in rows:
        if row.seq != expected_seq:
            problems.append(ChainProblem(expected_seq, gettext("缺少序号 %(first)s–%(last)s 的记录（已被删除）") % {"first": expected_seq, "last": row.seq - 1}))
        if row.prev_hash != prev_hash:
            problems.append(ChainProblem(row.seq, gettext("与前一条记录的链接不符")))
        if row_hash(row.prev_hash, row) != row.hash:
            problems.append(ChainProblem(row.seq, gettext("内容与哈希不符（已被修改）")))
        prev_hash = row.hash
        expected_seq = row.seq + 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        problems.append(ChainProblem(head.seq, gettext("链尾与最后一条记录不符（最新记录被删除或修改）")))
    return problems


def model_changes(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields whose value changed."""
    changed = {}
    for key, new in after.items():
        old = before.get(key)
        if _jsonable(old) != _jsonable(new):
            changed[key] = [_jsonable(old), _jsonable(new)]
    return changed


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict:
    """Field values of ``obj`` (foreign keys as ids) for before/after comparisons."""
    out = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in ("created_at", "updated_at", "search_key"):
            continue
        out[f.name] = _jsonable(getattr(obj, f.attname))
    return out
