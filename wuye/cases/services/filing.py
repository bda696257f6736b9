"""Taking a complaint in (issue §1–3): the tracking code, the checks of what was typed, the
routing, the accept clock (rules.md §7), the photos, the timeline's first row and the audit row —
in one transaction; ``complaint_file_idempotent`` behind an Idempotency-Key."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from wuye.cases import deadlines
from wuye.cases.models import Category, Complaint, IdempotencyKey, Photo, Source, Status
from wuye.cases.search import tokens_for
from wuye.cases.units import route
from wuye.core.audit import audit_record
from wuye.core.calendar import local_text
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.core.uploads import check_photos

from . import common

S = Status
_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_tracking_code(moment: datetime | None = None) -> str:
    """``TS`` + yymmdd + 6 random characters: readable over the phone, not guessable."""
    return "TS" + local_text(moment or common.now(), "%y%m%d") + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


CODE_ATTEMPTS = 5


def _code_clash(exc: IntegrityError) -> bool:
    """Did the insert fail only because the random tracking code was already taken?"""
    return "tracking_code" in str(exc)


def complaint_file(**kwargs) -> Complaint:
    """Take a complaint in (issue §1–3). The accept clock starts now (rules.md §7)."""
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                return _file(**kwargs)
        except IntegrityError as exc:
            if not _code_clash(exc):
                raise
    raise ServiceError(_("系统繁忙，请稍后重试"))  # pragma: no cover - 32^6 codes a day


def _file(
    *,
    estate,
    category: Category,
    description: str,
    title: str = "",
    location: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    anonymous: bool = False,
    source: str = Source.WEB,
    source_ticket: str = "",
    reporter_user=None,
    created_by=None,
    photos=(),
    at: datetime | None = None,
    then=None,
) -> Complaint:
    """``complaint_file`` within the caller's transaction (no savepoint of its own).

    ``then(complaint)`` writes the caller's own rows before the audit row: the audit row locks the
    chain head until the transaction commits (core.audit), so nothing else is written after it."""
    description = (description or "").strip()
    if estate is None:
        raise ServiceError(_("请选择诉求所在的小区"))
    if category is None or not category.active:
        raise ServiceError(_("请选择诉求类别"))
    if not description:
        raise ServiceError(_("请填写诉求内容"))
    if len(description) > 2000:
        raise ServiceError(_("诉求内容不能超过 2000 字"))
    if source in (Source.HOTLINE_12345, Source.HOTLINE_12358) and not source_ticket.strip():
        raise ServiceError(_("热线转办件须填写来源工单号"))
    checked = check_photos(photos)
    now = at or common.now()
    c = Complaint(
        tracking_code=new_tracking_code(now), source=source, source_ticket=source_ticket.strip(),
        estate=estate, district_id=estate.district_id, street_id=estate.street_id,
        community_id=estate.community_id, company_id=estate.company_id, category=category,
        title=(title or "").strip()[:100], description=description, location=(location or "").strip()[:100],
        search_tokens=tokens_for(title or "", description), reporter_user=reporter_user,
        reporter_name=(reporter_name or "").strip()[:50], reporter_phone=(reporter_phone or "").strip(),
        anonymous=anonymous, created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
        confidential=category.confidential, emergency=category.emergency, status=S.SUBMITTED, created_at=now,
        accept_due=deadlines.due_after(now, category, "accept"),
    )
    unit = route(estate=estate, category=category)
    c.routed_unit_kind, c.routed_unit_id = unit.kind, unit.id
    c.next_check_at = common.next_check_at(c, now)
    # No savepoint here: a clash of the random tracking code (rare) fails the whole filing, which
    # the callers run again with a new code (complaint_file, complaint_file_idempotent).
    c.save(force_insert=True)
    ev = common.add_event(c, "submit", actor=created_by or reporter_user, label=_("诉求人") if not created_by else "",
                to_status=S.SUBMITTED, note="", public=True, at=now,
                data={"source": source, "source_ticket": c.source_ticket})
    for p in checked:
        photo = Photo(complaint=c, event=ev, kind=Photo.Kind.REPORT, content_type=p.content_type, size=p.size,
                      width=p.width, height=p.height)
        photo.file.save(getattr(p.file, "name", "photo"), p.file, save=False)
        photo.save()
    if then is not None:
        then(c)
    audit_record(action=AuditAction.CREATE, actor=created_by or reporter_user, obj=c,
                 detail=f"{c.get_source_display()} {category.name}")
    return c


def request_fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def complaint_file_idempotent(*, scope: str, key: str, fingerprint: str, **kwargs) -> tuple[Complaint, bool]:
    """``complaint_file`` behind an Idempotency-Key: a retry with the same key and body returns
    the same complaint (created=False); the same key with a different body is refused."""
    key = (key or "").strip()
    if not key:
        return complaint_file(**kwargs), True
    if len(key) > 100:
        raise ServiceError(_("Idempotency-Key 不能超过 100 个字符"))
    # A retry is rare, so without photos the key is not looked up first: its unique constraint turns
    # a retry (or two racing first tries) into an IntegrityError, the filing is rolled back and the
    # first complaint is returned. With photos it is looked up, so that a retry stores no files.
    if kwargs.get("photos"):
        existing = IdempotencyKey.objects.filter(scope=scope, key=key).select_related("complaint").first()
        if existing:
            return _replay(existing, fingerprint)
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                c = _file(**kwargs, then=lambda filed: IdempotencyKey.objects.create(
                    scope=scope, key=key, request_hash=fingerprint, complaint=filed))
                return c, True
        except (IntegrityError, ServiceError) as exc:
            if isinstance(exc, IntegrityError) and _code_clash(exc):
                continue
            existing = IdempotencyKey.objects.filter(scope=scope, key=key).select_related("complaint").first()
            if existing is None:
                raise
            return _replay(existing, fingerprint)
    raise ServiceError(_("系统繁忙，请稍后重试"))  # pragma: no cover - 32^6 codes a day


def _replay(existing: IdempotencyKey, fingerprint: str) -> tuple[Complaint, bool]:
    if existing.request_hash != fingerprint:
        raise ServiceError(_("该 Idempotency-Key 已用于内容不同的另一次提交，请使用新的 Key"))
    return existing.complaint, False

