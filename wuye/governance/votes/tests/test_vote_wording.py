"""How a vote reads while it runs and how a notice posted before it was entered is shown (issue 14 §8).

- A vote in progress says "投票进行中，当前…" with whole-number counts ("同意 5 人，占参与人数 5/7")
  and never "未通过" before it closes; the exact fractions the law compares (民法典 第二百七十八条)
  appear only in the final result.
- A motion whose notice date is before today needs the photo or scan of the posted notice
  (``wuye.core.uploads``); its pages say the notice was recorded after the fact.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from wuye.core.errors import ServiceError
from wuye.core.models import AuditLog
from wuye.governance.models import Ballot, Motion, MotionEvent
from wuye.governance.votes import selectors as vote_sel
from wuye.governance.votes import services as svc

from .test_vote_support import AFTER, DURING, add_owners, call


def _photo(name="notice.jpg") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, format="JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _seven_voters(world):
    """Estate A with seven more owners; five vote yes, one no, one abstains."""
    owners = add_owners(world, 7)
    motion = call(world)
    choices = ["yes"] * 5 + ["no", "abstain"]
    for (_unit, owner, _user), choice in zip(owners, choices, strict=True):
        entry = vote_sel.entry_for_owner(motion, owner.pk)
        svc.ballot_cast(actor=world.users["committee"], motion=motion, entry=entry, channel=Ballot.Channel.PAPER,
                        choice=choice, ballot_no=f"P-{owner.pk}", now=DURING)
    return motion


@pytest.fixture
def running(world, login, monkeypatch):
    motion = _seven_voters(world)
    # the clock of the pages: during the vote
    monkeypatch.setattr(timezone, "now", lambda: DURING)
    return motion


def test_a_running_vote_counts_in_whole_numbers_and_gives_no_verdict(world, login, running):
    body = login(world.users["committee"]).get(reverse("governance:motion_detail", args=[running.pk])).content.decode()
    assert "投票进行中，当前参与表决 7 人" in body
    assert "同意 5 人，占参与人数 5/7" in body
    assert "未通过" not in body and "表决未通过" not in body
    assert 'data-testid="exact-ratios"' not in body  # the law's fractions only once it has closed


def test_the_live_panel_says_the_same(world, login, running):
    body = login(world.users["committee"]).get(reverse("governance:motion_live", args=[running.pk])).content.decode()
    assert "投票进行中，当前" in body and "未通过" not in body


def test_after_the_close_the_verdict_and_the_fractions_appear(world, login, running, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: AFTER)
    assert svc.motion_close(motion=running, now=AFTER)
    body = login(world.users["committee"]).get(reverse("governance:motion_detail", args=[running.pk])).content.decode()
    assert 'data-testid="exact-ratios"' in body
    assert "投票进行中" not in body


# ---- a notice posted before the vote was entered ------------------------------------------------


def _form(world, **over):
    now = timezone.localtime()
    data = {"estate": world.estate_a.pk, "title": "关于续聘物业服务企业的表决", "matter": "hire_or_fire_manager",
            "notice_date": (now.date() - timedelta(days=3)).isoformat(),
            "voting_opens_at": (now + timedelta(days=13)).strftime("%Y-%m-%dT09:00"),
            "voting_closes_at": (now + timedelta(days=30)).strftime("%Y-%m-%dT18:00"), "description": ""}
    data.update(over)
    return data


def test_a_backdated_notice_without_evidence_is_refused_and_keeps_the_input(world, login):
    c = login(world.users["committee"])
    r = c.post(reverse("governance:motion_new"), _form(world))
    body = r.content.decode()
    assert r.status_code == 400
    assert "须上传已张贴公告的照片或扫描件" in body and "关于续聘物业服务企业的表决" in body
    assert not Motion.objects.exists()


def test_a_backdated_notice_with_its_photo_is_recorded_after_the_fact(world, login):
    c = login(world.users["committee"])
    r = c.post(reverse("governance:motion_new"), {**_form(world), "notice_evidence": _photo()})
    m = Motion.objects.get()
    assert r.status_code == 302
    assert m.notice_evidence and m.notice_evidence.name.endswith(".jpg")
    assert "notice" not in m.notice_evidence.name.rsplit("/", 1)[-1]  # a generated name, not the uploader's
    assert m.notice_recorded_late
    assert "事后补录" in MotionEvent.objects.get(motion=m, action="call").note
    assert AuditLog.objects.filter(action="create", object_type="governance.motion", detail__contains="事后补录").exists()
    detail = c.get(reverse("governance:motion_detail", args=[m.pk])).content.decode()
    assert 'data-testid="notice-late"' in detail and "事后补录" in detail
    evidence = c.get(reverse("governance:motion_notice_evidence", args=[m.pk]))
    assert evidence.status_code == 200 and evidence["Content-Type"] == "image/jpeg"
    # the estate's public panel says so too
    html = Template("{% load vote_panels %}{% motion_public_panel estate %}").render(Context({"estate": world.estate_a}))
    assert "系事后补录" in html


def test_the_evidence_is_a_photo_or_a_pdf_scan(world):
    bad = SimpleUploadedFile("notice.txt", b"just text", content_type="text/plain")
    with pytest.raises(ServiceError, match="照片.*PDF"):
        svc.motion_call(actor=world.users["committee"], estate=world.estate_a, title="表决", matter="hire_or_fire_manager",
                        notice_date=timezone.localdate() - timedelta(days=1),
                        voting_opens_at=timezone.now() + timedelta(days=15),
                        voting_closes_at=timezone.now() + timedelta(days=30), notice_evidence=bad)
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    m = svc.motion_call(actor=world.users["committee"], estate=world.estate_a, title="表决", matter="hire_or_fire_manager",
                        notice_date=timezone.localdate() - timedelta(days=1),
                        voting_opens_at=timezone.now() + timedelta(days=15),
                        voting_closes_at=timezone.now() + timedelta(days=30), notice_evidence=scan)
    assert m.notice_evidence.name.endswith(".pdf")


def test_a_notice_dated_today_needs_no_evidence(world):
    m = svc.motion_call(actor=world.users["committee"], estate=world.estate_a, title="表决", matter="hire_or_fire_manager",
                        notice_date=timezone.localdate(), voting_opens_at=timezone.now() + timedelta(days=16),
                        voting_closes_at=timezone.now() + timedelta(days=30))
    assert not m.notice_evidence and not m.notice_recorded_late


def test_the_evidence_is_refused_to_whoever_cannot_see_the_motion(world, login):
    m = svc.motion_call(actor=world.users["committee"], estate=world.estate_a, title="表决", matter="hire_or_fire_manager",
                        notice_date=timezone.localdate() - timedelta(days=2),
                        voting_opens_at=timezone.now() + timedelta(days=14),
                        voting_closes_at=timezone.now() + timedelta(days=30), notice_evidence=_photo())
    url = reverse("governance:motion_notice_evidence", args=[m.pk])
    assert login(world.users["manager_b"]).get(url).status_code in (403, 404)
    assert login(world.users["committee"]).post(url).status_code == 405


def test_the_api_takes_a_backdated_notice_and_says_it_came_without_evidence(world, login):
    """The API keeps its contract (another system's notice may come without the file); the motion
    says it was recorded after the fact with no evidence attached."""
    c = login(world.users["committee"])
    now = timezone.localtime()
    r = c.post(f"/api/v1/estates/{world.estate_a.pk}/motions/", {
        "title": "关于续聘物业服务企业的表决", "matter": "hire_or_fire_manager",
        "notice_date": (now.date() - timedelta(days=3)).isoformat(),
        "voting_opens_at": (now + timedelta(days=13)).isoformat(),
        "voting_closes_at": (now + timedelta(days=30)).isoformat()}, content_type="application/json")
    assert r.status_code == 201, r.content
    m = Motion.objects.get()
    assert m.notice_recorded_late and not m.notice_evidence and r.json()["notice_recorded_late"] is True
    page = c.get(f"/governance/motions/{m.pk}/").content.decode()
    assert "事后补录" in page and "未附张贴凭证" in page
