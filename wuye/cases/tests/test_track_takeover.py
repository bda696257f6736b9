"""No complaint takeover (issue 13 item 2): the two attacks of the probe, replayed.

1. A company sees ``139****1001`` and the tracking code of a complaint it handles, guesses the
   four hidden digits through ``/complaints/track/`` and closes the complaint as "satisfied".
2. Anyone lists tracking codes from the public Open311 ``GET requests.json`` and tries a known
   phone against them.

Both fail: Open311 shows no tracking code, failed attempts count per code and per phone (not only
per client address, which rotating ``X-Forwarded-For`` no longer changes), a code under attack is
locked and its owner told by SMS, acting needs a one-time SMS code sent to the phone on file, and
every failure is audited.
"""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from wuye.cases.models import Complaint, Event, Status
from wuye.core.models import AuditAction, AuditLog
from wuye.notifications.models import OutboxMessage

from .conftest import act, file
from .intake_support import allow_next_code, last_code

OWNER = "13912341001"
TRACK = "/complaints/track/"


@pytest.fixture(autouse=True)
def _clean(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.WUYE_COMPLAINT_RATE_TRACK_IP_HOUR = 1000  # the per-code and per-phone limits are under test here
    cache.clear()
    yield
    cache.clear()


def replied(world) -> Complaint:
    c = file(world, reporter_phone=OWNER)
    u = world.users
    act(u["city"], c, "accept")
    act(u["city"], c, "dispatch")
    act(u["staff_a"], c, "sign")
    act(u["staff_a"], c, "contact", note="已电话联系")
    act(u["staff_a"], c, "reply", note="已处理")
    act(u["district"], c, "approve_reply", public_reply="已处理完毕。")
    return c


def try_phone(client, code: str, phone: str, n: int):
    # A fresh forwarded address on every try: from an untrusted peer it changes nothing.
    return client.post(TRACK, {"tracking_code": code, "phone": phone}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n % 250}")


def denied_rows(c: Complaint):
    return AuditLog.objects.filter(action=AuditAction.DENIED, object_type="cases.complaint", object_id=str(c.pk))


def test_guessing_the_hidden_digits_locks_the_code_and_tells_the_owner(cworld, client):
    """GB/T 22239-2019 8.1.4.1 身份鉴别 b（登录失败处理：限制非法登录次数、锁定）、8.1.4.3 安全审计;
    ASVS 4.0 V2.2.1 (anti-automation against credential guessing), V7.2.1."""
    c = replied(cworld)
    masked = "139****1001"
    guesses = [f"{masked[:3]}{n:04d}{masked[-4:]}" for n in range(0, 20)]
    assert OWNER not in guesses
    answers = [try_phone(client, c.tracking_code, phone, n) for n, phone in enumerate(guesses)]
    assert [a.status_code for a in answers[:5]] == [200] * 5  # "查询码或手机号不正确"
    assert all(a.status_code == 429 and "已暂时锁定" in a.content.decode() for a in answers[5:])
    # Locked: even the right phone is refused now; the session proved nothing.
    right = try_phone(client, c.tracking_code, OWNER, 99)
    assert right.status_code == 429 and "cases_proven" not in client.session
    # The owner is told by SMS, once.
    told = OutboxMessage.objects.filter(channel="sms", recipient=OWNER, category="complaint_track_locked")
    assert told.count() == 1 and c.tracking_code in told.get().body
    # Audited: every failure, the lock, every refusal while locked — with the socket address.
    rows = denied_rows(c)
    assert rows.count() == 5 + 1 + 15 + 1
    assert rows.filter(detail__contains="已锁定并告知诉求人").count() == 1
    assert set(rows.values_list("ip", flat=True)) == {"127.0.0.1"}
    assert OWNER not in "".join(rows.values_list("detail", flat=True))
    c.refresh_from_db()
    assert c.status == Status.REPLIED


def test_knowing_code_and_phone_does_not_allow_acting(cworld, client):
    """Knowing the code and the full phone (a company may have revealed it) gives the status page,
    never an action: the callback and withdrawal need a one-time code sent to the phone on file.
    ASVS 4.0 V2.7.1–V2.7.3 (out-of-band verifier), V4.1.3; GB/T 22239-2019 8.1.4.2 访问控制."""
    c = replied(cworld)
    assert client.post(TRACK, {"tracking_code": c.tracking_code, "phone": OWNER}).status_code == 302
    page = client.get(f"/complaints/track/{c.tracking_code}/").content.decode()
    assert 'data-testid="act-code"' in page and "139****1001" in page and OWNER not in page
    url = f"/complaints/track/{c.tracking_code}/callback/"
    no_code = client.post(url, {"resolved": "yes", "satisfaction": "satisfied"})
    assert no_code.status_code == 200 and "请填写短信验证码" in no_code.content.decode()
    guessed = client.post(url, {"resolved": "yes", "satisfaction": "satisfied", "sms_code": "123456"})
    assert guessed.status_code == 200 and "验证码" in guessed.content.decode()
    c.refresh_from_db()
    assert c.status == Status.REPLIED and not Event.objects.filter(complaint=c, action="callback").exists()
    assert denied_rows(c).filter(detail__contains="未通过短信验证").exists()

    # The code goes to the phone on file; the request names no phone.
    allow_next_code()
    sent = client.post(f"/complaints/track/{c.tracking_code}/sms-code/", {"phone": "13700000000"},
                       HTTP_HX_REQUEST="true")
    assert sent.status_code == 200 and "139****1001" in sent.content.decode()
    assert not OutboxMessage.objects.filter(recipient="13700000000").exists()
    code = last_code(OWNER)
    ok = client.post(url, {"resolved": "yes", "satisfaction": "satisfied", "sms_code": code})
    assert ok.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.CLOSED
    # One time only.
    again = client.post(f"/complaints/track/{c.tracking_code}/withdraw/", {"reason": "x", "sms_code": code})
    assert again.status_code in (200, 302)
    c.refresh_from_db()
    assert c.status == Status.CLOSED


def test_withdrawal_needs_the_sms_code_too(cworld, client):
    c = file(cworld, reporter_phone=OWNER)
    client.post(TRACK, {"tracking_code": c.tracking_code, "phone": OWNER})
    response = client.post(f"/complaints/track/{c.tracking_code}/withdraw/", {"reason": "x"})
    assert response.status_code == 200 and "请填写短信验证码" in response.content.decode()
    c.refresh_from_db()
    assert c.status == Status.SUBMITTED
    # Without JavaScript the button posts the form to the code endpoint and comes back.
    allow_next_code()
    back = client.post(f"/complaints/track/{c.tracking_code}/sms-code/", {"back": "withdraw"})
    assert back.status_code == 302 and back["Location"] == f"/complaints/track/{c.tracking_code}/withdraw/"
    done = client.post(f"/complaints/track/{c.tracking_code}/withdraw/", {"reason": "x", "sms_code": last_code(OWNER)})
    assert done.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.WITHDRAWN


def test_the_account_that_filed_it_acts_without_an_sms_code(cworld, login):
    resident = cworld.users["resident"]
    c = file(cworld, reporter_user=resident)
    client = login(resident)
    page = client.get(f"/complaints/track/{c.tracking_code}/withdraw/").content.decode()
    assert 'data-testid="act-code"' not in page
    assert client.post(f"/complaints/track/{c.tracking_code}/withdraw/", {"reason": "x"}).status_code == 302
    c.refresh_from_db()
    assert c.status == Status.WITHDRAWN


def test_a_landline_on_file_cannot_act_without_the_account(cworld, client):
    c = file(cworld, reporter_phone="010-65550001", source="12345", source_ticket="GD9")
    assert client.post(TRACK, {"tracking_code": c.tracking_code, "phone": "010-65550001"}).status_code == 302
    page = client.get(f"/complaints/track/{c.tracking_code}/withdraw/").content.decode()
    assert 'data-testid="act-code-unavailable"' in page
    sent = client.post(f"/complaints/track/{c.tracking_code}/sms-code/", HTTP_HX_REQUEST="true")
    assert sent.status_code == 400 and "12345" in sent.content.decode()


def test_open311_lists_no_tracking_code_and_a_known_phone_fails_across_codes(cworld, client, settings):
    """Open311 ``service_request_id`` is a public number, never the tracking code; trying one phone
    against many codes blocks the phone. ASVS 4.0 V8.3.4 (sensitive data not exposed), V2.2.1;
    GB/T 22239-2019 8.1.4.9 个人信息保护, 8.1.4.1 身份鉴别."""
    settings.WUYE_TRACK_PHONE_FAILURES = 10
    victims = [file(cworld, reporter_phone=OWNER, description=f"第 {n} 件：楼道灯不亮。") for n in range(3)]
    listing = client.get("/open311/v2/requests.json")
    rows = json.loads(listing.content)
    assert {r["service_request_id"] for r in rows} == {str(v.pk) for v in victims}
    xml = client.get("/open311/v2/requests.xml").content.decode()
    for v in victims:
        assert v.tracking_code not in listing.content.decode() and v.tracking_code not in xml
        # No public resource answers to a tracking code (it would be an oracle).
        assert client.get(f"/open311/v2/requests/{v.tracking_code}.json").status_code == 404
        assert client.get(f"/open311/v2/tokens/{v.tracking_code}.json").status_code == 404
        assert json.loads(client.get(f"/open311/v2/requests/{v.pk}.json").content)[0]["service_request_id"] == str(v.pk)

    # The attacker tries the listed ids, and made-up codes, with the owner's phone.
    candidates = [r["service_request_id"] for r in rows] + [f"TS260101AAAA{n:02d}" for n in range(20)]
    answers = [try_phone(client, code, OWNER, n) for n, code in enumerate(candidates)]
    assert [a.status_code for a in answers[:10]] == [200] * 10
    assert all(a.status_code == 429 and "该手机号查询失败次数过多" in a.content.decode() for a in answers[10:])
    assert "cases_proven" not in client.session
    # The phone stays blocked even for a real code.
    real = try_phone(client, victims[0].tracking_code, OWNER, 1)
    assert real.status_code == 429 and "cases_proven" not in client.session
    denied = AuditLog.objects.filter(action=AuditAction.DENIED, object_type="cases.complaint")
    assert denied.filter(detail__contains="不匹配").count() == 10
    assert denied.filter(detail__contains="查询失败次数过多").count() == len(candidates) - 10 + 1
