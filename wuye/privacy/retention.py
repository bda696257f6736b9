"""The periodic anonymisation of personal data past its retention period (issue 18 §12).

个人信息保护法第十九条：保存期限应当为实现处理目的所必要的最短时间；第四十七条：保存期限已届满的，
个人信息处理者应当主动删除个人信息（删除在技术上难以实现的，停止除存储和采取必要的安全保护措施之外的处理）.

``retention_sweep`` runs daily (``tasks.py``) and, in one transaction:

- complaints closed (closed, refused, duplicate or withdrawn) before the complaint period: the
  reporter's name becomes ``MASK_NAME`` and the phone is emptied — category, dates, territory,
  unit, satisfaction and every figure of the metrics stay, so no statistic changes; the link to
  the resident's own account stays, so "我的诉求" still lists it for them;
- the photos of complaints closed before the photo period: the files are deleted (after the
  commit) and the rows are marked by an empty file name; the complaint pages no longer list them;
- SMS and e-mail outbox rows (sent or failed) older than the outbox period: the recipient keeps
  only its masked form, the body is replaced by ``MASK_BODY``; SMS verification codes' phones are
  masked too;
- IP addresses older than the IP period, where they are kept outside the audit chain: SMS codes'
  and import jobs' addresses are cleared. **Audit rows are not rewritten**: their IP is part of
  the hashed payload (``core.audit._canonical``) and the database refuses UPDATE on them; they stay
  as the security log (网络安全法第二十一条) for the chain's sake;
- login-attempt records of django-axes older than the login period are deleted.

Each kind is claimed by its own "not yet anonymised" condition, so a second run finds nothing and
writes nothing; a run that changed something writes ONE audit row with the counts per kind — the
chain records the anonymisation as a new row.
"""

from __future__ import annotations

from datetime import datetime, time

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.cases.models import FINAL_STATUSES, Complaint, Photo
from wuye.core.audit import audit_record
from wuye.core.calendar import add_months, local_text
from wuye.core.masking import mask_phone
from wuye.core.models import AuditAction
from wuye.notifications.models import OutboxMessage, SmsCode
from wuye.registry.models import ImportJob

from .models import RetentionSettings

#: What an anonymised complaint's reporter is called (the metrics and pages keep working with it).
MASK_NAME = "已匿名"
#: What an anonymised outbox message says instead of its text.
MASK_BODY = "（保存期限届满，内容已删除）"
BATCH = 1000

KIND_LABELS = {
    "complaint_contacts": _("诉求人姓名和电话"),
    "complaint_photos": _("诉求照片"),
    "outbox_messages": _("短信、邮件发送记录"),
    "sms_codes": _("短信验证码记录"),
    "ip_addresses": _("IP 地址"),
    "login_attempts": _("登录尝试记录"),
}


def cutoff(now: datetime, months: int) -> datetime:
    """The start (00:00 Asia/Shanghai) of the local day ``months`` calendar months before ``now``:
    what ended before it has passed its period."""
    day = add_months(timezone.localtime(now).date(), -months)
    return timezone.make_aware(datetime.combine(day, time.min))


def _anonymise_complaints(before: datetime) -> int:
    due = (Complaint.objects.filter(status__in=FINAL_STATUSES, closed_at__lt=before)
           .exclude(reporter_name=MASK_NAME, reporter_phone=""))
    count = 0
    while True:  # in batches: the first run on a city's years of complaints touches many rows
        pks = list(due.values_list("pk", flat=True)[:BATCH])
        if not pks:
            return count
        count += Complaint.objects.filter(pk__in=pks).update(reporter_name=MASK_NAME, reporter_phone="")


def _erase_photos(before: datetime) -> tuple[int, list[str]]:
    due = (Photo.objects.filter(complaint__status__in=FINAL_STATUSES, complaint__closed_at__lt=before)
           .exclude(file=""))
    names: list[str] = []
    count = 0
    while True:
        rows = list(due.values_list("pk", "file")[:BATCH])
        if not rows:
            break
        count += Photo.objects.filter(pk__in=[pk for pk, _name in rows]).update(file="")
        names += [name for _pk, name in rows if name]
    return count, names


def _mask_outbox(before: datetime) -> int:
    done = (OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED)
    due = OutboxMessage.objects.filter(status__in=done, created_at__lt=before).exclude(body=MASK_BODY)
    count = 0
    while True:
        rows = list(due.only("pk", "channel", "recipient", "body")[:BATCH])
        if not rows:
            break
        for row in rows:
            row.recipient = row.recipient_masked
            row.body = MASK_BODY
        OutboxMessage.objects.bulk_update(rows, ["recipient", "body"])
        count += len(rows)
    return count


def _mask_sms_codes(before: datetime) -> int:
    due = SmsCode.objects.filter(created_at__lt=before).exclude(phone__contains="*").exclude(phone="")
    count = 0
    while True:
        rows = list(due.only("pk", "phone")[:BATCH])
        if not rows:
            break
        for row in rows:
            row.phone = mask_phone(row.phone) or "*"
        SmsCode.objects.bulk_update(rows, ["phone"])
        count += len(rows)
    return count


def _clear_ips(before: datetime) -> int:
    n = SmsCode.objects.filter(created_at__lt=before, ip__isnull=False).update(ip=None)
    n += ImportJob.objects.filter(created_at__lt=before, upload_ip__isnull=False).update(upload_ip=None)
    return n


def _delete_login_attempts(before: datetime) -> int:
    n = 0
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        n += model.objects.filter(attempt_time__lt=before).delete()[0]
    return n


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # already gone: the row is marked either way
            pass


def retention_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Anonymise what passed its period at ``now`` (tests pass a frozen ``now``); returns the
    counts per kind. Safe to run twice or on two workers: every kind is claimed by its own
    "not yet anonymised" filter, and a run that found nothing writes nothing."""
    now = now or timezone.now()
    s = RetentionSettings.current()
    cutoffs = {
        "complaint_contacts": cutoff(now, s.complaint_contact_months),
        "complaint_photos": cutoff(now, s.complaint_photo_months),
        "outbox_messages": cutoff(now, s.outbox_months),
        "sms_codes": cutoff(now, s.outbox_months),
        "ip_addresses": cutoff(now, s.ip_months),
        "login_attempts": cutoff(now, s.login_attempt_months),
    }
    with transaction.atomic():
        counts = {"complaint_contacts": _anonymise_complaints(cutoffs["complaint_contacts"])}
        counts["complaint_photos"], files = _erase_photos(cutoffs["complaint_photos"])
        counts["outbox_messages"] = _mask_outbox(cutoffs["outbox_messages"])
        counts["sms_codes"] = _mask_sms_codes(cutoffs["sms_codes"])
        counts["ip_addresses"] = _clear_ips(cutoffs["ip_addresses"])
        counts["login_attempts"] = _delete_login_attempts(cutoffs["login_attempts"])
        if any(counts.values()):
            summary = "；".join(f"{KIND_LABELS[k]} {n} 条" for k, n in counts.items() if n)
            audit_record(
                action=AuditAction.UPDATE, actor=None, username="system", object_type="privacy.retentionsettings",
                object_id=s.pk, object_repr="个人信息保存期限届满匿名化",
                changes={"counts": counts, "before": {k: local_text(v) for k, v in cutoffs.items()}},
                detail=f"个人信息保存期限届满，已匿名化或删除：{summary}（审计日志本身不改写）",
            )
        if files:
            transaction.on_commit(lambda: _delete_files(files))
    return counts
