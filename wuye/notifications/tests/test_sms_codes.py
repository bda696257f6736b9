"""SMS verification codes: send, verify once, expiry, wrong attempts, resend interval, limits."""

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction, AuditLog
from wuye.core.ratelimit import RateLimited
from wuye.notifications import sms
from wuye.notifications.delivery import deliver_outbox_now
from wuye.notifications.models import OutboxMessage, SmsCode
from wuye.notifications.sms_codes import normalise_phone, sms_code_send, sms_code_verify, sms_codes_purge

PHONE = "13812345678"
PURPOSE = "complaint"


class Clock:
    """timezone.now() under the test's control."""

    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def _delivered_code() -> str:
    deliver_outbox_now()
    text = sms.outbox[-1].body
    assert re.fullmatch(r"【物业服务监管平台】您的验证码为 \d{6}，10 分钟内有效。", text), text
    return re.search(r"\d{6}", text).group()


def _message(exc_info) -> str:
    return str(exc_info.value.message)


@pytest.mark.parametrize("raw", ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678",
                                 "8613812345678", "0086-13812345678"])
def test_normalise_phone_accepts_mainland_mobiles(raw):
    assert normalise_phone(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["", "1381234567", "138123456789", "12812345678", "01065550001", "abc", None,
                                 "+1 415 555 0100"])
def test_normalise_phone_refuses_the_rest(raw):
    with pytest.raises(ServiceError) as exc:
        normalise_phone(raw)
    assert _message(exc) == "手机号码格式不正确"


def test_send_and_verify_happy_path(db):
    assert sms_code_send(phone="138 1234 5678", purpose=PURPOSE, ip="203.0.113.5") is None  # not the demo
    record = SmsCode.objects.get()
    assert (record.phone, record.purpose, record.ip, record.attempts, record.used_at) == (
        PHONE, PURPOSE, "203.0.113.5", 0, None)
    assert record.expires_at - record.created_at == timedelta(minutes=10)
    out = OutboxMessage.objects.get()
    assert (out.channel, out.recipient, out.category) == ("sms", PHONE, "sms_code")
    code = _delivered_code()
    assert sms.outbox[-1].phone == PHONE
    assert code not in record.code_hash and len(record.code_hash) == 64  # only a keyed hash is stored
    sms_code_verify(phone=PHONE, purpose=PURPOSE, code=code)
    record.refresh_from_db()
    assert record.used_at is not None
    actions = list(AuditLog.objects.filter(object_type="notifications.smscode").order_by("seq")
                   .values_list("action", "object_repr"))
    assert actions == [(AuditAction.CREATE, "138****5678 · complaint"), (AuditAction.UPDATE, "138****5678 · complaint")]
    assert PHONE not in "".join(AuditLog.objects.values_list("detail", flat=True))


def test_demo_mode_returns_the_code(db, settings):
    settings.DEMO_MODE = True
    code = sms_code_send(phone=PHONE, purpose=PURPOSE)
    assert code == _delivered_code()


def test_used_code_is_refused(db):
    sms_code_send(phone=PHONE, purpose=PURPOSE)
    code = _delivered_code()
    sms_code_verify(phone=PHONE, purpose=PURPOSE, code=code)
    with pytest.raises(ServiceError) as exc:
        sms_code_verify(phone=PHONE, purpose=PURPOSE, code=code)
    assert _message(exc) == "验证码已使用，请重新获取"


def test_code_is_for_its_purpose_only(db):
    sms_code_send(phone=PHONE, purpose=PURPOSE)
    code = _delivered_code()
    with pytest.raises(ServiceError) as exc:
        sms_code_verify(phone=PHONE, purpose="rating", code=code)
    assert _message(exc) == "请先获取验证码"
    with pytest.raises(ServiceError):
        sms_code_verify(phone="13900000000", purpose=PURPOSE, code=code)


def test_expired_code_is_refused(db, clock):
    sms_code_send(phone=PHONE, purpose=PURPOSE)
    code = _delivered_code()
    clock.advance(minutes=10)
    with pytest.raises(ServiceError) as exc:
        sms_code_verify(phone=PHONE, purpose=PURPOSE, code=code)
    assert _message(exc) == "验证码已过期，请重新获取"
    assert SmsCode.objects.get().used_at is None


def test_code_is_valid_until_just_before_expiry(db, clock):
    sms_code_send(phone=PHONE, purpose=PURPOSE)
    code = _delivered_code()
    clock.advance(minutes=9, seconds=59)
    sms_code_verify(phone=PHONE, purpose=PURPOSE, code=code)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_five_wrong_attempts_invalidate_the_code(db):
    sms_code_send(phone=PHONE, purpose=PURPOSE)
    code = _delivered_code()
    for _i in range(4):
        with pytest.raises(ServiceError) as exc:
            sms_code_verify(phone=PHONE, purpose=PURPOSE, code=_wrong(code))
        assert _message(exc) == "验证码不正确"
    with pytest.raises(ServiceError) as exc:
        sms_code_verify(phone=PHONE, purpose=PURPOSE, code=_wrong(code))
    assert _message(exc) == "验证码错误次数过多，已失效，请重新获取"
    with pytest.raises(ServiceError) as exc:
        sms_code_verify(phone=PHONE, purpose=PURPOSE, code=code)  # even the right code now
    assert _message(exc) == "验证码错误次数过多，已失效，请重新获取"
    record = SmsCode.objects.get()
    assert (record.attempts, record.used_at) == (5, None)
    assert AuditLog.objects.filter(action=AuditAction.DENIED, object_type="notifications.smscode").count() == 1


def test_wrong_attempts_count_even_when_the_caller_rolls_back(db):
    """A caller that verifies inside its own transaction and lets the refusal roll it back must not
    get unlimited guesses: the cache keeps the count."""
    sms_code_send(phone=PHONE, purpose=PURPOSE)
    code = _delivered_code()
    for _i in range(5):
        with pytest.raises(ServiceError):
            with transaction.atomic():
                sms_code_verify(phone=PHONE, purpose=PURPOSE, code=_wrong(code))
    assert SmsCode.objects.get().attempts == 0  # the rows' counts were rolled back …
    with pytest.raises(ServiceError) as exc:
        sms_code_verify(phone=PHONE, purpose=PURPOSE, code=code)
    assert _message(exc) == "验证码错误次数过多，已失效，请重新获取"  # … the cache's were not


def test_spaces_around_the_code_are_ignored(db):
    sms_code_send(phone=PHONE, purpose=PURPOSE)
    code = _delivered_code()
    sms_code_verify(phone=PHONE, purpose=PURPOSE, code=f" {code[:3]} {code[3:]} ")


def test_resend_not_within_60_seconds_and_the_new_code_replaces_the_old(db, clock):
    sms_code_send(phone=PHONE, purpose=PURPOSE)
    first = _delivered_code()
    clock.advance(seconds=15)
    with pytest.raises(RateLimited) as exc:
        sms_code_send(phone=PHONE, purpose=PURPOSE)
    assert _message(exc) == "请 45 秒后再获取验证码"
    assert exc.value.retry_after == 45
    assert SmsCode.objects.count() == 1 and OutboxMessage.objects.count() == 1
    clock.advance(seconds=45)
    sms_code_send(phone=PHONE, purpose=PURPOSE)
    second = _delivered_code()
    assert SmsCode.objects.count() == 2
    if first != second:
        with pytest.raises(ServiceError) as exc:
            sms_code_verify(phone=PHONE, purpose=PURPOSE, code=first)
        assert _message(exc) == "验证码不正确"
    sms_code_verify(phone=PHONE, purpose=PURPOSE, code=second)


def test_at_most_ten_codes_per_phone_per_day(db, clock):
    # Start the day at 08:00 local time so that ten sends a minute apart stay within it.
    local = timezone.localtime(clock.now)
    clock.now = local.replace(hour=8, minute=0, second=0, microsecond=0)
    for _i in range(10):
        sms_code_send(phone=PHONE, purpose=PURPOSE if _i % 2 else "rating")
        clock.advance(seconds=61)
    with pytest.raises(RateLimited) as exc:
        sms_code_send(phone=PHONE, purpose=PURPOSE)
    assert _message(exc) == "该手机号今日获取验证码次数已达上限，请明天再试"
    assert exc.value.retry_after > 15 * 3600
    sms_code_send(phone="13912345678", purpose=PURPOSE)  # another phone is not affected
    clock.now = clock.now.replace(hour=0, minute=0, second=1) + timedelta(days=1)
    sms_code_send(phone=PHONE, purpose=PURPOSE)  # a new day
    assert SmsCode.objects.filter(phone=PHONE).count() == 11


def test_per_ip_limit(db, settings):
    settings.WUYE_SMS_CODE_IP_LIMIT = 2
    sms_code_send(phone="13900000001", purpose=PURPOSE, ip="198.51.100.7")
    sms_code_send(phone="13900000002", purpose=PURPOSE, ip="198.51.100.7")
    with pytest.raises(RateLimited) as exc:
        sms_code_send(phone="13900000003", purpose=PURPOSE, ip="198.51.100.7")
    assert _message(exc) == "当前网络获取验证码过于频繁，请稍后再试"
    assert 0 < exc.value.retry_after <= 3600
    sms_code_send(phone="13900000003", purpose=PURPOSE, ip="198.51.100.8")
    assert SmsCode.objects.count() == 3


def test_bad_phone_writes_nothing(db):
    with pytest.raises(ServiceError) as exc:
        sms_code_send(phone="12345", purpose=PURPOSE)
    assert _message(exc) == "手机号码格式不正确"
    with pytest.raises(ServiceError):
        sms_code_verify(phone="12345", purpose=PURPOSE, code="123456")
    assert SmsCode.objects.count() == 0 and OutboxMessage.objects.count() == 0


def test_verify_without_a_code(db):
    with pytest.raises(ServiceError) as exc:
        sms_code_verify(phone=PHONE, purpose=PURPOSE, code="123456")
    assert _message(exc) == "请先获取验证码"


def test_codes_are_six_random_digits(db, clock):
    codes = set()
    for i in range(5):
        sms_code_send(phone=f"1390000000{i}", purpose=PURPOSE)
        codes.add(_delivered_code())
    assert len(codes) >= 2 and all(len(c) == 6 and c.isdigit() for c in codes)


def test_purge_removes_old_codes(db, clock):
    sms_code_send(phone=PHONE, purpose=PURPOSE)
    clock.advance(days=31)
    sms_code_send(phone=PHONE, purpose=PURPOSE)
    assert sms_codes_purge(older_than=timedelta(days=30)) == 1
    assert SmsCode.objects.count() == 1
