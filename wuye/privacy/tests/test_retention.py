"""Retention periods and the daily anonymisation (issue 18 §12): defaults and validation on the system
administrator's page; the sweep anonymises only what passed its period, keeps every figure of the
complaint metrics, writes one audit row per run that changed something, leaves the audit chain valid,
and does nothing the second time."""

from __future__ import annotations

from calendar import monthrange
from datetime import datetime, timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from wuye.cases.models import Complaint, Photo, UnitMonthStat
from wuye.cases.rollups import rollup_counts
from wuye.cases.tests.conftest import act, file
from wuye.cases.tests.metrics_support import company_month
from wuye.core.audit import audit_record, audit_verify_chain
from wuye.core.models import AuditAction, AuditLog
from wuye.core.workflow import MACHINES
from wuye.notifications.models import OutboxMessage, SmsCode
from wuye.notifications.services import notify
from wuye.privacy import retention
from wuye.privacy.models import RetentionSettings
from wuye.privacy.retention import MASK_BODY, MASK_NAME, cutoff, retention_sweep
from wuye.privacy.workflow import CORRECTION

from .support import TZ, local, png

pytestmark = pytest.mark.django_db

URL = "/privacy/retention/"
SWEEP_ROWS = dict(action=AuditAction.UPDATE, object_type="privacy.retentionsettings")


# ---- settings -------------------------------------------------------------------------------------


def test_defaults():
    s = RetentionSettings.current()
    assert (s.complaint_contact_months, s.complaint_photo_months, s.outbox_months, s.ip_months,
            s.login_attempt_months) == (36, 36, 6, 12, 6)
    for name in ("complaint_contact_months", "complaint_photo_months", "outbox_months", "ip_months",
                 "login_attempt_months"):
        assert RetentionSettings._meta.get_field(name).help_text


def test_the_workflow_table_is_sound():
    assert MACHINES["privacy_correction"] is CORRECTION and CORRECTION.problems() == []


def _form(**over):
    data = {"complaint_contact_months": 36, "complaint_photo_months": 24, "outbox_months": 6, "ip_months": 12,
            "login_attempt_months": 3}
    data.update(over)
    return data


def test_the_system_administrator_saves_the_periods(world, login):
    client = login(world.users["sysadmin"])
    assert client.get(URL).status_code == 200
    r = client.post(URL, _form())
    assert r.status_code == 302
    s = RetentionSettings.current()
    assert s.complaint_photo_months == 24 and s.login_attempt_months == 3
    row = AuditLog.objects.get(action=AuditAction.UPDATE, object_type="privacy.retentionsettings")
    assert row.actor == world.users["sysadmin"]
    assert row.changes["complaint_photo_months"] == ["36", "24"]


@pytest.mark.parametrize(("value", "message"), [(0, "保存期限至少为 1 个月"), (601, "保存期限不能超过 600 个月"),
                                                ("", "该字段是必填项")])
def test_periods_are_validated(world, login, value, message):
    client = login(world.users["sysadmin"])
    r = client.post(URL, _form(outbox_months=value))
    assert r.status_code == 200
    assert message in r.content.decode()
    assert RetentionSettings.current().outbox_months == 6
    assert not AuditLog.objects.filter(action=AuditAction.UPDATE, object_type="privacy.retentionsettings").exists()


@pytest.mark.parametrize("who", ["city", "district", "resident", "secadmin", "auditor", "outsider"])
def test_other_roles_are_refused(world, login, who):
    client = login(world.users[who])
    assert client.get(URL).status_code == 403
    assert client.post(URL, _form(outbox_months=1)).status_code == 403
    assert RetentionSettings.current().outbox_months == 6


def test_the_menu_links_the_pages(world, login):
    assert reverse("privacy:retention") in login(world.users["sysadmin"]).get("/").content.decode()
    assert reverse("privacy:mine") in login(world.users["resident"]).get("/").content.decode()
    assert reverse("privacy:correction_list") in login(world.users["city"]).get("/").content.decode()


# ---- the sweep ------------------------------------------------------------------------------------


def _figures() -> dict:
    """Every number the complaint metrics and statistics read."""
    stats = list(UnitMonthStat.objects.order_by("id").values())
    for s in stats:
        s.pop("updated_at", None)
    recounted = [rollup_counts(s["unit_kind"], s["unit_id"], s["month"]) for s in stats]
    complaints = list(Complaint.objects.order_by("id").values(
        "category_id", "status", "satisfaction", "district_id", "street_id", "community_id", "estate_id",
        "company_id", "created_at", "closed_at", "callback_resolved", "unreasonable", "unit_kind", "unit_id",
        "resolve_overdue", "reopen_count", "return_count"))
    return {"stats": stats, "recounted": recounted, "complaints": complaints}


@pytest.fixture
def month(cworld, clock):
    """Company A's March 2026 (six complaints, three of them closed), one more closed on 2 March with a
    photo, and one closed in June 2026."""
    cs = company_month(cworld, clock)
    clock.at(local(2026, 3, 2, 10, 0))
    photo_case = file(cworld, at=clock.now, photos=[png()])
    act(cworld.users["city"], photo_case, "dispatch")
    act(cworld.users["manager_a"], photo_case, "sign")
    act(cworld.users["manager_a"], photo_case, "contact", note="已电话联系")
    act(cworld.users["manager_a"], photo_case, "reply", note="已处理完毕", photos=[png("e.png")])
    act(cworld.users["city"], photo_case, "approve_reply")
    act(None, photo_case, "callback", reporter=True, resolved=True, satisfaction="satisfied", note="回访")
    clock.at(local(2026, 6, 1, 9, 0))
    late = file(cworld, at=clock.now)
    act(cworld.users["city"], late, "refuse", note="不属于受理范围")
    for c in (*cs, photo_case, late):
        c.refresh_from_db()
    return {"march": [c for c in (*cs, photo_case) if c.closed_at], "open": [c for c in cs if not c.closed_at],
            "photo_case": photo_case, "late": late}


def test_cutoff_is_the_local_day_months_before():
    assert cutoff(local(2029, 4, 10, 1, 30), 36) == local(2026, 4, 10, 0, 0)
    assert cutoff(local(2026, 8, 31, 12, 0), 6) == local(2026, 2, 28, 0, 0)


def test_the_sweep_anonymises_only_what_is_due_and_keeps_the_figures(month, django_capture_on_commit_callbacks,
                                                                     monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 3)  # several batches of each kind
    march, photo_case, late = month["march"], month["photo_case"], month["late"]
    assert len(march) == 4 and month["open"]
    photo_names = list(Photo.objects.filter(complaint=photo_case).values_list("file", flat=True))
    assert len(photo_names) == 2 and all(default_storage.exists(n) for n in photo_names)
    before = _figures()
    audit_rows = AuditLog.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        counts = retention_sweep(now=local(2029, 4, 10, 3, 0))  # 36 months: closed before 2026-04-10

    assert counts["complaint_contacts"] == 4 and counts["complaint_photos"] == 2
    for c in march:
        c.refresh_from_db()
        assert (c.reporter_name, c.reporter_phone) == (MASK_NAME, "")
    for c in (*month["open"], late):
        c.refresh_from_db()
        assert (c.reporter_name, c.reporter_phone) == ("王秀英", "13812345678")
    assert list(Photo.objects.filter(complaint=photo_case).values_list("file", flat=True)) == ["", ""]
    assert not any(default_storage.exists(n) for n in photo_names)
    assert _figures() == before  # the statistics and metrics did not move

    assert AuditLog.objects.count() == audit_rows + 1
    row = AuditLog.objects.get(**SWEEP_ROWS)
    assert row.actor is None and row.actor_username == "system"
    assert row.changes["counts"]["complaint_contacts"] == 4 and "诉求人姓名和电话 4 条" in row.detail
    assert audit_verify_chain() == []
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "校验通过" in out.getvalue()

    # A second run finds nothing and writes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert not any(retention_sweep(now=local(2029, 4, 10, 4, 0)).values())
    assert AuditLog.objects.count() == audit_rows + 1

    # The June refusal is due three months later.
    assert retention_sweep(now=local(2029, 7, 1, 3, 0))["complaint_contacts"] == 1
    assert AuditLog.objects.filter(**SWEEP_ROWS).count() == 2


def test_nothing_is_due_before_the_period_ends(month):
    audit_rows = AuditLog.objects.count()
    assert not any(retention_sweep(now=local(2029, 3, 1, 23, 0)).values())  # cutoff 2026-03-01
    assert AuditLog.objects.count() == audit_rows
    assert not Complaint.objects.filter(reporter_name=MASK_NAME).exists()


def test_anonymised_complaints_still_render(cworld, month, login, django_capture_on_commit_callbacks):
    c = month["photo_case"]
    city = login(cworld.users["city"])
    page = city.get(reverse("cases:page_detail", args=[c.pk])).content.decode()
    assert "王**" in page and "5678" in page and "report-photos" in page
    with django_capture_on_commit_callbacks(execute=True):
        retention_sweep(now=local(2029, 4, 10, 3, 0))
    r = city.get(reverse("cases:page_detail", args=[c.pk]))
    page = r.content.decode()
    assert r.status_code == 200 and "王**" not in page and "5678" not in page
    assert "report-photos" not in page
    export = city.get(reverse("cases:page_list"), {"export": "xlsx"})
    assert export.status_code == 200
    manager = login(cworld.users["manager_a"])
    assert manager.get(reverse("cases:page_detail", args=[c.pk])).status_code == 200
    photo = Photo.objects.filter(complaint=c).first()
    assert login(cworld.users["city"]).get(reverse("cases:public_photo", args=[photo.pk])).status_code == 404


def test_the_resident_tracking_page_renders_after_anonymisation(cworld, clock, login):
    resident = cworld.users["resident"]
    clock.at(local(2026, 3, 2, 9, 0))
    c = file(cworld, at=clock.now, reporter_user=resident, source="resident")
    act(cworld.users["city"], c, "refuse", note="不属于受理范围")
    retention_sweep(now=local(2029, 4, 10, 3, 0))
    c.refresh_from_db()
    assert c.reporter_name == MASK_NAME and c.reporter_user == resident
    client = login(resident)
    assert client.get(reverse("cases:public_track_detail", args=[c.tracking_code])).status_code == 200
    mine = client.get(reverse("cases:public_mine"))
    assert mine.status_code == 200 and c.tracking_code in mine.content.decode()


def test_outbox_sms_codes_ips_and_login_attempts(world):
    now = local(2026, 12, 1, 9, 0)
    notify(phones=["13812345678"], emails=["wang@example.cn"], subject="诉求已受理", body="王秀英您好，您的诉求已受理。",
           channels=("sms", "email"))
    notify(phones=["13912345678"], subject="新消息", body="新的消息", channels=("sms",))
    old, new = list(OutboxMessage.objects.order_by("id"))[:2], list(OutboxMessage.objects.order_by("id"))[2:]
    OutboxMessage.objects.filter(pk__in=[m.pk for m in old]).update(status="sent", created_at=now - timedelta(days=200))
    OutboxMessage.objects.filter(pk__in=[m.pk for m in new]).update(status="sent", created_at=now - timedelta(days=10))
    pending = OutboxMessage.objects.create(channel="sms", recipient="13700000000", body="待发", created_at=now - timedelta(days=400))
    code = SmsCode.objects.create(phone="13812345678", purpose="complaint", code_hash="x" * 64, ip="10.1.2.3",
                                  created_at=now - timedelta(days=400), expires_at=now - timedelta(days=400))
    fresh = SmsCode.objects.create(phone="13812345678", purpose="complaint", code_hash="y" * 64, ip="10.1.2.4",
                                   created_at=now - timedelta(days=1), expires_at=now)
    attempt = AccessAttempt.objects.create(username="p_city", ip_address="10.9.9.9", user_agent="ua", get_data="",
                                           post_data="", failures_since_start=1)
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=now - timedelta(days=200))
    recent = AccessAttempt.objects.create(username="p_city2", ip_address="10.9.9.8", user_agent="ua", get_data="",
                                          post_data="", failures_since_start=1)
    AccessAttempt.objects.filter(pk=recent.pk).update(attempt_time=now - timedelta(days=3))
    with_ip = audit_record(action=AuditAction.LOGIN, username="p_city", ip="10.8.8.8")

    counts = retention_sweep(now=now)

    assert counts == {"complaint_contacts": 0, "complaint_photos": 0, "outbox_messages": 2, "sms_codes": 1,
                      "ip_addresses": 1, "login_attempts": 1}
    masked = {m.channel: m for m in OutboxMessage.objects.filter(pk__in=[m.pk for m in old])}
    assert masked["sms"].recipient == "138****5678" and masked["sms"].body == MASK_BODY
    assert masked["email"].recipient == "w***@example.cn" and masked["email"].body == MASK_BODY
    assert all(m.body != MASK_BODY for m in OutboxMessage.objects.filter(pk__in=[m.pk for m in new]))
    pending.refresh_from_db()
    assert pending.recipient == "13700000000"  # not sent yet: never masked before it is
    code.refresh_from_db()
    fresh.refresh_from_db()
    assert (code.phone, code.ip) == ("138****5678", None) and (fresh.phone, fresh.ip) == ("13812345678", "10.1.2.4")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["p_city2"]
    assert AuditLog.objects.get(pk=with_ip.pk).ip == "10.8.8.8"  # audit rows are never rewritten
    assert audit_verify_chain() == []
    assert not any(retention_sweep(now=now).values())


def test_the_periods_come_from_the_settings(world):
    RetentionSettings.objects.filter(pk=RetentionSettings.current().pk).update(outbox_months=12)
    now = local(2026, 12, 1, 9, 0)
    notify(phones=["13812345678"], subject="诉求已受理", body="您的诉求已受理。", channels=("sms",))
    OutboxMessage.objects.update(status="sent", created_at=now - timedelta(days=200))
    assert retention_sweep(now=now)["outbox_messages"] == 0
    assert retention_sweep(now=now + timedelta(days=200))["outbox_messages"] == 1


@given(moment=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 12, 31)),
       months=st.integers(min_value=1, max_value=600))
def test_cutoff_property(moment, months):
    """The cutoff is a local midnight, before ``now``, and ``months`` calendar months back (the day
    clamped to the month's end)."""
    now = timezone.make_aware(moment, TZ)
    c = cutoff(now, months)
    local_c = timezone.localtime(c)
    assert c < now and (local_c.hour, local_c.minute, local_c.second) == (0, 0, 0)
    today = timezone.localtime(now).date()
    assert (today.year * 12 + today.month) - (local_c.year * 12 + local_c.month) == months
    assert local_c.day == min(today.day, monthrange(local_c.year, local_c.month)[1])


def test_the_daily_task_runs_the_sweep(world):
    from wuye.privacy import tasks

    notify(phones=["13812345678"], subject="诉求已受理", body="您的诉求已受理。", channels=("sms",))
    OutboxMessage.objects.update(status="sent", created_at=timezone.now() - timedelta(days=400))
    assert tasks.privacy_retention_sweep.call_local()["outbox_messages"] == 1
    assert tasks.privacy_retention_sweep.call_local()["outbox_messages"] == 0
    assert AuditLog.objects.filter(**SWEEP_ROWS).count() == 1


def test_the_settings_page_get_writes_nothing(world, login):
    client = login(world.users["sysadmin"])
    rows = AuditLog.objects.count()
    assert RetentionSettings.objects.filter(pk=1).exists()  # made by the migration
    assert client.get(URL).status_code == 200
    assert AuditLog.objects.count() == rows and RetentionSettings.objects.count() == 1
