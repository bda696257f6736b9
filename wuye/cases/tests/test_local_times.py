"""One deadline reads the same local time (Asia/Shanghai) wherever a person sees it: the officers'
list, the unit's queue, the detail page, the Excel export and the notification (issue 14 §1)."""

from __future__ import annotations

import io
from datetime import UTC

from django.utils import timezone
from openpyxl import load_workbook

from wuye.cases.models import Complaint
from wuye.notifications.delivery import deliver_outbox_now
from wuye.notifications.models import Notification

from .conftest import act, file


def test_a_deadline_reads_the_same_local_time_everywhere(cworld, login, client):
    u = cworld.users
    c = file(cworld, description="楼道灯坏了一周")
    act(u["city"], c, "dispatch")
    deliver_outbox_now()
    c = Complaint.objects.get(pk=c.pk)

    def shown(due, fmt="%m-%d %H:%M"):
        local = timezone.localtime(due)
        assert local.utcoffset().total_seconds() == 8 * 3600
        utc = due.astimezone(UTC).strftime(fmt)
        assert local.strftime(fmt) != utc  # eight hours apart: a UTC rendering cannot pass by chance
        return local.strftime(fmt), utc

    sign, sign_utc = shown(c.sign_due)
    resolve, resolve_utc = shown(c.resolve_due)

    note = Notification.objects.filter(user=u["staff_a"]).order_by("-id").first()
    assert note is not None and sign in note.body and sign_utc not in note.body

    login(u["staff_a"])
    queue = client.get("/complaints/queue/").content.decode()
    assert sign in queue and resolve in queue
    assert sign_utc not in queue and resolve_utc not in queue

    login(u["city"])
    listing = client.get("/complaints/").content.decode()
    assert resolve in listing and resolve_utc not in listing
    detail = client.get(f"/complaints/{c.pk}/").content.decode()
    assert sign in detail and resolve in detail
    assert sign_utc not in detail and resolve_utc not in detail

    r = client.get("/complaints/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)).active
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    full, full_utc = shown(c.resolve_due, "%Y-%m-%d %H:%M")
    assert any(full in v for v in cells), (full, " | ".join(cells[20:60]))
    assert not any(full_utc in v for v in cells)
