"""Sending the outbox: claims, success, retries, permanent failure, stale claims, backends."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wuye.notifications import sms
from wuye.notifications.delivery import (
    MAX_ATTEMPTS,
    STALE_AFTER,
    deliver_outbox_now,
    outbox_claim,
    outbox_claim_ids,
    retry_delay,
)
from wuye.notifications.models import OutboxMessage
from wuye.notifications.services import notify
from wuye.notifications.tasks import deliver_outbox


def _queue(n: int) -> list[int]:
    notify(phones=[f"1390000{i:04d}" for i in range(n)], channels=("sms",), subject="s", body="物业费公示已更新")
    return list(OutboxMessage.objects.order_by("id").values_list("id", flat=True))


def test_two_workers_claim_disjoint_rows(db):
    ids = _queue(5)
    token_a, rows_a = outbox_claim(limit=3)
    token_b, rows_b = outbox_claim(limit=10)
    assert token_a != token_b
    assert [m.pk for m in rows_a] == ids[:3]
    assert [m.pk for m in rows_b] == ids[3:]
    assert outbox_claim(limit=10)[1] == []
    claimed = {m.pk: m.claim_token for m in OutboxMessage.objects.all()}
    assert claimed == {**{i: token_a for i in ids[:3]}, **{i: token_b for i in ids[3:]}}
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sending"}


def test_a_row_claimed_after_selection_is_skipped_by_the_conditional_update(db):
    """Worker A selected the ids; worker B claimed them first; A's UPDATE finds nothing left."""
    ids = _queue(2)
    now = timezone.now()
    won_by_b = outbox_claim_ids(ids, token="b" * 32, now=now)
    won_by_a = outbox_claim_ids(ids, token="a" * 32, now=now)
    assert [m.pk for m in won_by_b] == ids
    assert won_by_a == []
    assert set(OutboxMessage.objects.values_list("claim_token", flat=True)) == {"b" * 32}


def test_delivery_sends_sms_and_email_and_records_it(world, mailoutbox):
    user = world.users["community"]
    user.phone, user.email = "13712345678", "community@example.cn"
    user.save()
    notify(users=[user], subject="检查计划", body="6 月 3 日检查幸福里小区", category="inspection")
    report = deliver_outbox_now()
    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
    assert sms.outbox == [sms.SentSms("13712345678", "6 月 3 日检查幸福里小区")]
    assert [(m.subject, m.body, m.to, m.from_email) for m in mailoutbox] == [
        ("检查计划", "6 月 3 日检查幸福里小区", ["community@example.cn"], "noreply@wuye.localhost")]
    for m in OutboxMessage.objects.all():
        assert (m.status, m.attempts, m.last_error) == ("sent", 1, "")
        assert m.sent_at is not None
    assert deliver_outbox_now().total == 0  # sent rows are never sent again
    assert len(sms.outbox) == 1


def test_failed_sends_retry_with_growing_delay_then_fail_for_good(db, failing_sms, settings):
    _queue(1)
    now = timezone.now()
    for attempt in range(1, MAX_ATTEMPTS):
        report = deliver_outbox_now(now=now)
        assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
        m = OutboxMessage.objects.get()
        assert (m.status, m.attempts, m.claim_token) == ("pending", attempt, "")
        assert m.last_error == "ConnectionError: 短信网关无响应"
        assert m.next_attempt_at == now + retry_delay(attempt)
        assert deliver_outbox_now(now=now).total == 0  # not due again before the delay
        now = m.next_attempt_at
    report = deliver_outbox_now(now=now)
    assert (report.sent, report.retrying, report.failed) == (0, 0, 1)
    m = OutboxMessage.objects.get()
    assert (m.status, m.attempts) == ("failed", MAX_ATTEMPTS)
    settings.WUYE_SMS_BACKEND = "wuye.notifications.sms.MemoryBackend"
    assert deliver_outbox_now(now=now + timedelta(days=1)).total == 0  # a failed row stays failed
    assert sms.outbox == []


def test_retry_delays():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]


def test_a_failure_then_success_records_both_attempts(db, failing_sms, settings):
    _queue(1)
    now = timezone.now()
    deliver_outbox_now(now=now)
    settings.WUYE_SMS_BACKEND = "wuye.notifications.sms.MemoryBackend"
    assert deliver_outbox_now(now=now + retry_delay(1)).sent == 1
    m = OutboxMessage.objects.get()
    assert (m.status, m.attempts, m.last_error) == ("sent", 2, "")


def test_rows_left_sending_by_a_dead_worker_are_sent_after_a_while(db):
    _queue(1)
    claimed_at = timezone.now()
    outbox_claim(now=claimed_at)  # the worker stops here
    assert deliver_outbox_now(now=claimed_at + STALE_AFTER - timedelta(seconds=1)).total == 0
    assert deliver_outbox_now(now=claimed_at + STALE_AFTER + timedelta(seconds=1)).sent == 1
    assert len(sms.outbox) == 1


def test_large_queue_goes_out_in_batches(db):
    _queue(7)
    report = deliver_outbox_now(batch_size=3)
    assert report.sent == 7
    assert len({m.phone for m in sms.outbox}) == 7
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_huey_task_sends(db, immediate_huey):
    _queue(2)
    deliver_outbox()
    assert len(sms.outbox) == 2


def test_log_backend_writes_masked_line_to_logger_and_file(settings, tmp_path, caplog):
    settings.VAR_DIR = tmp_path
    caplog.set_level("INFO", logger="wuye.sms")
    sms.LogBackend().send("13812345678", "您的验证码为 123456")
    line = "[SMS] 138****5678: 您的验证码为 123456"
    assert line in caplog.text
    text = (tmp_path / "sms.log").read_text(encoding="utf-8")
    assert text.endswith(line + "\n")
    assert "13812345678" not in text


def test_backend_comes_from_the_setting(settings):
    settings.WUYE_SMS_BACKEND = "wuye.notifications.sms.LogBackend"
    assert isinstance(sms.get_backend(), sms.LogBackend)
    settings.WUYE_SMS_BACKEND = "wuye.notifications.sms.MemoryBackend"
    assert isinstance(sms.get_backend(), sms.MemoryBackend)
    settings.WUYE_SMS_BACKEND = "wuye.notifications.sms.NoSuchBackend"
    with pytest.raises(ImportError):
        sms.get_backend()


def test_recipient_is_masked_in_str(db):
    notify(phones=["13812345678"], emails=["wangxiuying@example.cn"], subject="s", body="b")
    shown = sorted(str(m) for m in OutboxMessage.objects.all())
    assert shown == ["电子邮件 → w***@example.cn", "短信 → 138****5678"]
