"""SMS verification codes, e.g. for the public complaint form.

- ``sms_code_send(phone=, purpose=, ip=)`` sends a fresh 6-digit code (``secrets``), valid for
  10 minutes, through ``notify(phones=[phone], channels=("sms",))``. Not within 60 s of the last
  code for the same phone and purpose; at most 10 codes a day per phone; at most
  ``WUYE_SMS_CODE_IP_LIMIT`` an hour per IP address. In the demo (``settings.DEMO_MODE``) it
  returns the code so that the form can show it; otherwise None.
- ``sms_code_verify(phone=, purpose=, code=)`` accepts the latest code once; 5 wrong attempts
  invalidate it. Every refusal is a ``ServiceError`` with a Chinese message.

Only an HMAC (keyed with SECRET_KEY) of phone, purpose and code is stored. Wrong attempts are
counted both on the row and in the cache, so that they still count when a caller's transaction
rolls back after the refusal.
"""

from __future__ import annotations

import hmac
import math
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wuye.core.audit import audit_record
from wuye.core.cache import CacheUnavailable
from wuye.core.errors import ServiceError
from wuye.core.masking import mask_phone
from wuye.core.models import AuditAction
from wuye.core.ratelimit import RateLimited, check_rate, counter_get, counter_incr, retry_after

from .models import SmsCode
from .services import notify

CODE_LENGTH = 6
VALID_FOR = timedelta(minutes=10)
RESEND_AFTER_SECONDS = 60
DAILY_LIMIT = 10
MAX_ATTEMPTS = 5
IP_PERIOD_SECONDS = 3600

MOBILE_RE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-()（）]")


def normalise_phone(raw: str) -> str:
    """``+86 138-1234-5678`` → ``13812345678``; anything but a mainland mobile number is refused."""
    value = _SEPARATORS.sub("", str(raw or ""))
    for prefix in ("+86", "0086", "86"):
        if value.startswith(prefix) and len(value) == len(prefix) + 11:
            value = value[len(prefix):]
            break
    if not MOBILE_RE.fullmatch(value):
        raise ServiceError(_("手机号码格式不正确"))
    return value


def _purpose(purpose: str) -> str:
    purpose = (purpose or "").strip()
    if not purpose or len(purpose) > 32:
        raise ValueError("purpose must be 1–32 characters")
    return purpose


def _hash(phone: str, purpose: str, code: str) -> str:
    return salted_hmac("wuye.notifications.sms_code", f"{phone}|{purpose}|{code}", algorithm="sha256").hexdigest()


def _lock_phone(phone: str) -> None:
    """Serialise sends for one phone until the transaction ends, so that two requests at once
    cannot both pass the 60-second check. SQLite needs nothing: its transactions start with
    BEGIN IMMEDIATE (settings), which already lets one writer in at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"wuye.sms_code:{phone}"])


def _day_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _sms_text(code: str) -> str:
    # The SMS template is the one filed with the gateway: always in the platform language.
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("【物业服务监管平台】您的验证码为 %(code)s，10 分钟内有效。") % {"code": code}


@transaction.atomic
def sms_code_send(*, phone: str, purpose: str, ip: str | None = None) -> str | None:
    """Send a new code to ``phone``. Returns the code only in the demo environment."""
    phone = normalise_phone(phone)
    purpose = _purpose(purpose)
    _lock_phone(phone)
    now = timezone.now()
    last = SmsCode.objects.filter(phone=phone, purpose=purpose).order_by("-created_at", "-id").first()
    if last is not None:
        waited = (now - last.created_at).total_seconds()
        if waited < RESEND_AFTER_SECONDS:
            seconds = max(math.ceil(RESEND_AFTER_SECONDS - waited), 1)
            raise RateLimited(gettext("请 %(seconds)s 秒后再获取验证码") % {"seconds": seconds}, retry_after=seconds)
    if SmsCode.objects.filter(phone=phone, created_at__gte=_day_start(now)).count() >= DAILY_LIMIT:
        tomorrow = _day_start(now) + timedelta(days=1)
        raise RateLimited(gettext("该手机号今日获取验证码次数已达上限，请明天再试"),
                          retry_after=math.ceil((tomorrow - now).total_seconds()))
    if ip:
        limit = getattr(settings, "WUYE_SMS_CODE_IP_LIMIT", 30)
        if not check_rate(f"sms_code:ip:{ip}", limit=limit, period_seconds=IP_PERIOD_SECONDS, fail_closed=True):
            raise RateLimited(gettext("当前网络获取验证码过于频繁，请稍后再试"),
                              retry_after=retry_after(period_seconds=IP_PERIOD_SECONDS))

    code = "".join(secrets.choice("0123456789") for _i in range(CODE_LENGTH))
    record = SmsCode.objects.create(
        phone=phone, purpose=purpose, code_hash=_hash(phone, purpose, code),
        created_at=now, expires_at=now + VALID_FOR, ip=ip or None,
    )
    notify(phones=[phone], channels=("sms",), subject=gettext("短信验证码"), body=_sms_text(code),
           category="sms_code")
    audit_record(action=AuditAction.CREATE, actor=None, obj=record, ip=ip,
                 object_repr=str(record), detail=f"发送短信验证码至 {mask_phone(phone)}")
    return code if settings.DEMO_MODE else None


def _failures_key(record: SmsCode) -> str:
    return f"sms_code:fail:{record.pk}"


def _failures(record: SmsCode) -> int:
    """Wrong attempts on this code: the larger of the row's count and the cache's."""
    return max(record.attempts, counter_get(_failures_key(record)))


@transaction.atomic
def _check(*, phone: str, purpose: str, code: str) -> str | None:
    """Verify and consume the code; the refusal's message, or None when accepted. Returns
    instead of raising so that a wrong attempt's count is committed with this transaction."""
    now = timezone.now()
    record = SmsCode.objects.filter(phone=phone, purpose=purpose).order_by("-created_at", "-id").first()
    if record is None:
        return gettext("请先获取验证码")
    if record.used_at is not None:
        return gettext("验证码已使用，请重新获取")
    if record.expires_at <= now:
        return gettext("验证码已过期，请重新获取")
    if _failures(record) >= MAX_ATTEMPTS:
        return gettext("验证码错误次数过多，已失效，请重新获取")
    code = re.sub(r"\s", "", str(code or ""))
    if not hmac.compare_digest(_hash(phone, purpose, code), record.code_hash):
        SmsCode.objects.filter(pk=record.pk).update(attempts=F("attempts") + 1)
        # Also in the cache, which a caller's rollback cannot undo.
        try:
            cached = counter_incr(_failures_key(record), timeout=int(VALID_FOR.total_seconds()) + 60)
        except CacheUnavailable:
            cached = 0  # the cache is away: the row's own count decides

        if max(record.attempts + 1, cached) >= MAX_ATTEMPTS:
            audit_record(action=AuditAction.DENIED, actor=None, obj=record, object_repr=str(record),
                         detail=f"短信验证码连续 {MAX_ATTEMPTS} 次输入错误，已失效")
            return gettext("验证码错误次数过多，已失效，请重新获取")
        return gettext("验证码不正确")
    if not SmsCode.objects.filter(pk=record.pk, used_at__isnull=True).update(used_at=now):
        return gettext("验证码已使用，请重新获取")  # a second request with the same code won
    audit_record(action=AuditAction.UPDATE, actor=None, obj=record, object_repr=str(record),
                 changes={"used_at": [None, now]}, detail="短信验证码核验通过")
    return None


def sms_code_verify(*, phone: str, purpose: str, code: str) -> None:
    """Accept the code sent to ``phone`` for ``purpose`` once; raise ServiceError otherwise.

    Call it before (outside) the transaction that saves what the code protects, or at least
    let nothing roll back a refusal: the attempt count must stick."""
    phone = normalise_phone(phone)
    purpose = _purpose(purpose)
    refused = _check(phone=phone, purpose=purpose, code=code)
    if refused:
        raise ServiceError(refused)


@transaction.atomic
def sms_codes_purge(*, older_than: timedelta) -> int:
    """Delete codes sent before ``now - older_than`` (periodic clean-up)."""
    deleted, _by_model = SmsCode.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
