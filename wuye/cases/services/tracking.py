"""Following a complaint without an account (issue 13 item 2): who has proved what.

- Viewing needs the tracking code and the phone on file: ``track_prove``. Failed attempts count
  per tracking code and per phone (``WUYE_TRACK_CODE_FAILURES`` / ``WUYE_TRACK_PHONE_FAILURES`` in
  ``WUYE_TRACK_FAILURE_SECONDS``; the views also limit every attempt per client address). A code
  that reaches its limit is locked for ``WUYE_TRACK_LOCK_SECONDS`` (even the right phone is
  refused meanwhile; the owner's logged-in account still works) and its owner is told by SMS.
  Every failure and every refusal is a ``denied`` audit row.
- Acting (withdraw, the callback: rate, resolved or not → reopen) needs more than that: a
  one-time SMS code sent to the phone on file (``track_act_code_send`` / ``track_act_verify``,
  through ``notifications.sms_codes``), unless the logged-in account filed the complaint. Knowing
  a code and a masked phone (``139****1001``), as the company handling it does, proves nothing.

GB/T 22239-2019 8.1.4.1 身份鉴别 (a, b: unique identification, failed-attempt handling),
8.1.4.3 安全审计; ASVS 4.0 V2.2.1 (anti-automation), V2.7 (out-of-band verifier), V11.1.4.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wuye.cases.models import Complaint
from wuye.core.audit import audit_record
from wuye.core.cache import CacheUnavailable
from wuye.core.errors import ServiceError
from wuye.core.masking import mask_phone
from wuye.core.models import AuditAction
from wuye.core.ratelimit import RateLimited, counter_get, counter_incr
from wuye.notifications.services import notify
from wuye.notifications.sms_codes import normalise_phone, sms_code_send, sms_code_verify

NOT_FOUND = _("查询码或手机号不正确，请核对后重试")
LOCKED = _("该查询码查询失败次数过多，已暂时锁定。诉求人可登录账号查看，或拨打 12345 查询")
PHONE_BLOCKED = _("该手机号查询失败次数过多，请明天再试，或拨打 12345 查询")
BUSY = _("查询服务繁忙，请一分钟后再试，或拨打 12345 查询")
NO_MOBILE = _("该诉求登记的电话不是手机号码，无法发送验证码；请登录提交诉求的账号或拨打 12345 办理")

# setting name, default
LIMITS = {
    "code": ("WUYE_TRACK_CODE_FAILURES", 5),
    "phone": ("WUYE_TRACK_PHONE_FAILURES", 10),
    "window": ("WUYE_TRACK_FAILURE_SECONDS", 24 * 3600),
    "lock": ("WUYE_TRACK_LOCK_SECONDS", 24 * 3600),
}


def _limit(name: str) -> int:
    setting, default = LIMITS[name]
    return int(getattr(settings, setting, default))


def normalise_code(raw: str) -> str:
    return re.sub(r"\s", "", str(raw or "")).upper()[:20]


def masked_code(code: str) -> str:
    """Enough of a tracking code for an auditor to tell codes apart, not enough to use it."""
    return code[:8] + "****" if len(code) > 8 else "****"


def _code_key(code: str) -> str:
    return f"track:fail:code:{code}"


def _phone_key(phone: str) -> str:
    return f"track:fail:phone:{phone}"


def _lock_key(code: str) -> str:
    return f"track:lock:{code}"


def track_locked(tracking_code: str) -> bool:
    """Is this tracking code locked after too many failed attempts?"""
    return counter_get(_lock_key(normalise_code(tracking_code))) > 0


def _deny(c: Complaint | None, code: str, detail: str, ip: str | None) -> None:
    """One audit row per refusal, written at once (``aggregate=True``: not folded into the
    per-minute count of anonymous refusals), since it names the complaint under attack; the
    attempts themselves are bounded per client address, tracking code and phone."""
    audit_record(action=AuditAction.DENIED, actor=None, obj=c, object_type="cases.complaint",
                 object_repr=masked_code(code), detail=detail, ip=ip, aggregate=True)


def _tell_owner(c: Complaint) -> None:
    """SMS (and the in-app bell of the account that filed it): the code is locked."""
    with translation.override(settings.LANGUAGE_CODE):
        body = gettext("【物业服务监管平台】您的诉求（查询码 %(code)s）多次被他人以错误手机号查询，已暂时锁定查询。"
                       "您本人可登录账号查看，或拨打 12345。") % {"code": c.tracking_code}
        subject = gettext("诉求查询已锁定")
    try:
        phones = [normalise_phone(c.reporter_phone)]
    except ServiceError:
        phones = []
    users = [c.reporter_user] if c.reporter_user_id else []
    if phones or users:
        notify(users=users, phones=phones, subject=subject, body=body, category="complaint_track_locked",
               channels=("inapp", "sms"))


def track_prove(*, tracking_code: str, phones: list[str], ip: str | None = None) -> Complaint:
    """The complaint with this code whose phone on file is one of ``phones`` (the phone as typed
    and normalised). Raises ``ServiceError(NOT_FOUND)`` for a wrong code or phone (the same for
    both, so nothing leaks), ``RateLimited`` when the code is locked or the phone blocked."""
    code = normalise_code(tracking_code)
    phones = [p for p in phones if p]
    phone_key = phones[0] if phones else ""
    if track_locked(code):
        _deny(Complaint.objects.filter(tracking_code=code).first(), code,
              f"查询码已锁定，拒绝查询（手机号 {mask_phone(phone_key)}）", ip)
        raise RateLimited(LOCKED, retry_after=_limit("lock"))
    if phone_key and counter_get(_phone_key(phone_key)) >= _limit("phone"):
        _deny(None, code, f"手机号 {mask_phone(phone_key)} 查询失败次数过多，拒绝查询", ip)
        raise RateLimited(PHONE_BLOCKED, retry_after=_limit("window"))
    if code and phones:
        c = (Complaint.objects.select_related("estate", "category")
             .filter(tracking_code=code, reporter_phone__in=phones).first())
        if c is not None:
            return c
    window = _limit("window")
    try:
        failures = counter_incr(_code_key(code), timeout=window) if code else 0
        if phone_key:
            counter_incr(_phone_key(phone_key), timeout=window)
    except CacheUnavailable:
        # The failure counters are away (Redis): refuse further guesses until they are back.
        _deny(None, code, f"失败计数暂不可用，拒绝查询（手机号 {mask_phone(phone_key)}）", ip)
        raise RateLimited(BUSY, retry_after=60) from None
    c = Complaint.objects.filter(tracking_code=code).first() if code else None
    with transaction.atomic():
        _deny(c, code, f"查询码与手机号 {mask_phone(phone_key)} 不匹配（该查询码第 {failures} 次失败）", ip)
        if code and failures == _limit("code"):
            counter_incr(_lock_key(code), timeout=_limit("lock"))
            _deny(c, code, f"查询码连续 {failures} 次查询失败，已锁定" + ("并告知诉求人" if c is not None else ""), ip)
            if c is not None:
                _tell_owner(c)
    raise ServiceError(NOT_FOUND)


def _act_purpose(c: Complaint) -> str:
    return f"complaint-act:{c.pk}"


def _mobile_on_file(c: Complaint) -> str:
    try:
        return normalise_phone(c.reporter_phone)
    except ServiceError:
        raise ServiceError(NO_MOBILE) from None


def track_act_code_send(*, complaint: Complaint, ip: str | None = None) -> str | None:
    """Send a one-time code to the phone on file for acting on ``complaint`` (the code itself is
    returned only in demo mode, as ``sms_code_send`` does)."""
    return sms_code_send(phone=_mobile_on_file(complaint), purpose=_act_purpose(complaint), ip=ip)


def track_act_phone(complaint: Complaint) -> str:
    """Where the code goes, masked (``139****1001``), or "" when the phone on file is no mobile."""
    try:
        return mask_phone(_mobile_on_file(complaint))
    except ServiceError:
        return ""


def track_act_verify(*, complaint: Complaint, code: str, action: str, ip: str | None = None) -> None:
    """Accept the one-time code for ``action`` once; a refusal is audited and raised."""
    try:
        if not str(code or "").strip():
            raise ServiceError(_("请填写发送到诉求人手机的短信验证码"))
        sms_code_verify(phone=_mobile_on_file(complaint), purpose=_act_purpose(complaint), code=code)
    except ServiceError as exc:
        _deny(complaint, complaint.tracking_code, f"未通过短信验证，拒绝“{action}”：{exc.messages[0]}", ip)
        raise
