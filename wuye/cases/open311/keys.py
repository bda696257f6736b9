"""Open311 partner API keys (issue §4): created and deactivated by the system administrator.

Only the SHA-256 hash of a key is stored; the key itself is shown once, when it is created. A
partner sends it as the ``api_key`` parameter of ``POST requests.{json,xml}``. The demo data has
the well-known key ``demo-open311-key`` (``ensure_demo_partner_key``), for trying the interface.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.cases.models import PartnerKey
from wuye.cases.selectors import can_manage_partner_keys
from wuye.core.audit import audit_record
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction

DEMO_KEY = "demo-open311-key"
DEMO_NAME = "演示合作方"
KEY_PREFIX = "o311_"
# last_used_at is a hint for the administrator, not a log: written at most once a minute per key.
TOUCH_EVERY = timedelta(minutes=1)


def key_hash(raw: str) -> str:
    return hashlib.sha256((raw or "").encode("utf-8")).hexdigest()


def _require_admin(user) -> None:
    if not can_manage_partner_keys(user):
        raise ServiceError(_("只有系统管理员可以管理 Open311 接入密钥"))


@transaction.atomic
def partner_key_create(*, user, name: str) -> tuple[PartnerKey, str]:
    """A new key for a partner system. Returns the record and the key, which is shown only now."""
    _require_admin(user)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("请填写合作方名称"))
    if len(name) > 100:
        raise ServiceError(_("合作方名称不能超过 100 个字"))
    raw = KEY_PREFIX + secrets.token_urlsafe(24)
    key = PartnerKey.objects.create(name=name, key_prefix=raw[:8], key_hash=key_hash(raw), created_by=user)
    audit_record(action=AuditAction.CREATE, actor=user, obj=key,
                 detail=_("新建 Open311 接入密钥（前缀 %(prefix)s）") % {"prefix": key.key_prefix})
    return key, raw


@transaction.atomic
def partner_key_deactivate(*, user, key: PartnerKey) -> PartnerKey:
    """Stop a key from working. A deactivated key cannot be turned on again: issue a new one."""
    _require_admin(user)
    n = PartnerKey.objects.filter(pk=key.pk, active=True).update(active=False)
    if n != 1:
        raise ServiceError(_("该密钥已停用"))
    key.active = False
    audit_record(action=AuditAction.UPDATE, actor=user, obj=key, changes={"active": [True, False]},
                 detail=_("停用 Open311 接入密钥（前缀 %(prefix)s）") % {"prefix": key.key_prefix})
    return key


def partner_key_for(raw: str | None) -> PartnerKey | None:
    """The active key with this value, or None (unknown, empty or deactivated)."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 200:
        return None
    return PartnerKey.objects.filter(key_hash=key_hash(raw), active=True).first()


def partner_key_touch(key: PartnerKey) -> None:
    """Remember when a key was last used (at most one write a minute per key)."""
    now = timezone.now()
    if key.last_used_at and now - key.last_used_at < TOUCH_EVERY:
        return
    PartnerKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now


def ensure_demo_partner_key() -> PartnerKey:
    """The demo partner with the published key ``demo-open311-key`` (idempotent)."""
    digest = key_hash(DEMO_KEY)
    existing = PartnerKey.objects.filter(key_hash=digest).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            key = PartnerKey.objects.create(name=DEMO_NAME, key_prefix=DEMO_KEY[:8], key_hash=digest)
            audit_record(action=AuditAction.CREATE, actor=None, obj=key, detail=_("演示数据：Open311 演示接入密钥"))
            return key
    except IntegrityError:  # created meanwhile by another process
        return PartnerKey.objects.get(key_hash=digest)
