"""Following a complaint (issue 3 item 12): tracking code + phone, the public timeline, the
published reply with its evidence, the callback, withdrawal, and who may fetch which photo."""

from __future__ import annotations

import io
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wuye.accounts.models import Role
from wuye.cases.models import Complaint, Event, Photo, Status
from wuye.conftest import make_user
from wuye.core.models import AuditAction, AuditLog, DeniedTally

from .conftest import act, file
from .intake_support import allow_next_code, last_code

PHONE = "13812345678"
TRACK = "/complaints/track/"


@pytest.fixture(autouse=True)
def _clean(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def image(name: str = "p.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 200)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def prove(client, c: Complaint, phone: str = PHONE):
    return client.post(TRACK, {"tracking_code": c.tracking_code.lower(), "phone": phone})


def act_code(client, c: Complaint, phone: str = PHONE) -> str:
    """The one-time code an action needs, sent to the phone on file (issue 13 item 2)."""
    allow_next_code()
    response = client.post(f"/complaints/track/{c.tracking_code}/sms-code/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.content.decode()
    return last_code(phone)


def to_replied(world, c: Complaint, *, evidence=()):
    u = world.users
    act(u["city"], c, "accept")
    act(u["city"], c, "dispatch")
    act(u["staff_a"], c, "sign")
    act(u["staff_a"], c, "contact", note="已电话联系诉求人")
    act(u["staff_a"], c, "reply", note="垃圾已清运，并增加清运频次。", photos=list(evidence))
    return c


def _page(html: str) -> str:
    """The page without what differs from request to request, or what the visitor typed."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    html = re.sub(r'[Nn]once(": |=)"[^"]+"', "", html)
    return re.sub(r'<input type="text" name="(tracking_code|phone)"[^>]*>', "", html)


# ---- proving and the page -------------------------------------------------------------------


def test_track_form_proves_the_complaint_and_shows_the_public_timeline(cworld, client):
    c = file(cworld, reporter_phone=PHONE, photos=[image()])
    act(cworld.users["city"], c, "accept", note="已受理，将尽快派单")
    form = client.get(f"{TRACK}?code={c.tracking_code}")
    assert form.status_code == 200 and f'value="{c.tracking_code}"' in form.content.decode()

    response = prove(client, c, phone="+86 138 1234 5678")
    assert response.status_code == 302 and response["Location"] == f"/complaints/track/{c.tracking_code}/"
    assert client.session["cases_proven"] == [c.pk]
    html = client.get(response["Location"]).content.decode()
    assert "已受理，正在安排办理单位" in html and "保洁绿化" in html and "幸福里小区" in html
    assert "提交诉求" in html and "受理" in html and "已受理，将尽快派单" in html
    assert "138****5678" in html and PHONE not in html
    assert 'data-testid="withdraw"' in html and 'data-testid="callback"' not in html
    # The resident sees the photos they sent (issue 14 §7).
    photo = Photo.objects.get(complaint=c, kind=Photo.Kind.REPORT)
    assert 'data-testid="report-photos"' in html and f"/complaints/photo/{photo.pk}/" in html
    assert client.get(f"/complaints/photo/{photo.pk}/").status_code == 200


def test_the_timeline_shows_only_public_events_and_the_deadline(cworld, client):
    c = file(cworld)
    act(cworld.users["city"], c, "accept")
    act(cworld.users["city"], c, "dispatch", note="请尽快处理")
    act(cworld.users["staff_a"], c, "sign")
    act(cworld.users["staff_a"], c, "request_extension", note="内部：需采购配件", amount=2, unit="working_days")
    prove(client, c)
    html = client.get(f"/complaints/track/{c.tracking_code}/").content.decode()
    assert "派单" in html and "承办单位：安居物业服务有限公司" in html and "签收" in html
    assert "内部：需采购配件" not in html  # the extension request is not public
    assert "p_staff_a" not in html  # units, not the officers' names
    assert "办结期限" in html and 'data-testid="deadline"' in html
    c.refresh_from_db()
    assert c.resolve_due.astimezone().strftime("%Y-%m-%d") in html or "办结期限" in html


def test_a_wrong_phone_gives_the_same_page_as_an_unknown_code(cworld, client):
    c = file(cworld)
    wrong_phone = prove(client, c, phone="13900000000")
    unknown_code = client.post(TRACK, {"tracking_code": "TS000000ZZZZZZ", "phone": PHONE})
    bad_phone = client.post(TRACK, {"tracking_code": c.tracking_code, "phone": "abc"})
    for response in (wrong_phone, unknown_code, bad_phone):
        assert response.status_code == 200
        assert "查询码或手机号不正确" in response.content.decode()
    assert _page(wrong_phone.content.decode()) == _page(unknown_code.content.decode()) == _page(bad_phone.content.decode())
    assert "cases_proven" not in client.session


def test_track_form_needs_both_fields_and_refuses_other_methods(cworld, client):
    response = client.post(TRACK, {"tracking_code": "", "phone": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "请填写查询码" in html and "请填写电话号码" in html
    assert client.put(TRACK).status_code == 405


def test_a_hotline_complaint_is_tracked_by_its_landline(cworld, client):
    c = file(cworld, reporter_phone="010-65550001", source="12345", source_ticket="GD1")
    assert prove(client, c, phone="010-65550001").status_code == 302


def test_track_attempts_per_ip_are_limited(cworld, client, settings):
    settings.WUYE_COMPLAINT_RATE_TRACK_IP_HOUR = 2
    c = file(cworld)
    prove(client, c, phone="13900000000")
    prove(client, c, phone="13900000001")
    response = prove(client, c)
    assert response.status_code == 429 and "查询过于频繁" in response.content.decode()
    assert int(response["Retry-After"]) > 0 and "cases_proven" not in client.session


def test_the_page_without_proof_sends_to_the_track_form(cworld, client):
    c = file(cworld)
    response = client.get(f"/complaints/track/{c.tracking_code}/")
    assert response.status_code == 302 and response["Location"] == f"/complaints/track/?code={c.tracking_code}"
    unknown = client.get("/complaints/track/TS000000ZZZZZZ/")
    assert unknown.status_code == 302 and unknown["Location"] == "/complaints/track/?code=TS000000ZZZZZZ"
    assert client.post(f"/complaints/track/{c.tracking_code}/").status_code == 405


def test_the_account_owner_sees_their_complaint_without_the_code(cworld, login):
    resident = cworld.users["resident"]
    c = file(cworld, reporter_user=resident)
    html = login(resident).get(f"/complaints/track/{c.tracking_code}/").content.decode()
    assert c.tracking_code in html and "待受理" in html and "我的诉求" in html


def test_another_account_does_not_see_it(cworld, login):
    c = file(cworld, reporter_user=cworld.users["resident"])
    other = make_user("p_other_resident", Role.RESIDENT, owner=cworld.owner_b)
    assert login(other).get(f"/complaints/track/{c.tracking_code}/").status_code == 302
    # Officials have their own pages; this one is the reporter's.
    assert login(cworld.users["city"]).get(f"/complaints/track/{c.tracking_code}/").status_code == 302


# ---- the reply and the callback -------------------------------------------------------------


def test_the_published_reply_with_evidence_and_the_callback(cworld, client):
    c = to_replied(cworld, file(cworld), evidence=[image("after.png")])
    prove(client, c)
    before = client.get(f"/complaints/track/{c.tracking_code}/").content.decode()
    assert 'data-testid="reply"' not in before  # under review: nothing published yet
    act(cworld.users["district"], c, "approve_reply", public_reply="垃圾已清运，已安排每日两次清运。")
    html = client.get(f"/complaints/track/{c.tracking_code}/").content.decode()
    evidence = Photo.objects.get(kind=Photo.Kind.EVIDENCE)
    assert 'data-testid="reply"' in html and "已安排每日两次清运" in html
    assert f"/complaints/photo/{evidence.pk}/" in html
    assert 'data-testid="callback"' in html and "基本满意" in html and 'data-testid="withdraw"' not in html

    response = client.post(f"/complaints/track/{c.tracking_code}/callback/",
                           {"resolved": "yes", "satisfaction": "satisfied", "comment": "处理很快",
                            "sms_code": act_code(client, c)})
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.status, c.callback_resolved, c.satisfaction, c.callback_comment) == (Status.CLOSED, True, "satisfied", "处理很快")
    ev = Event.objects.get(complaint=c, action="callback")
    assert ev.public and ev.actor is None and ev.actor_label == "诉求人"
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, object_type="cases.complaint", object_id=str(c.pk),
                                   detail__startswith="回访评价").exists()
    after = client.get(f"/complaints/track/{c.tracking_code}/").content.decode()
    assert "感谢您的评价" in after and "已办结" in after and 'data-testid="callback"' not in after


def test_an_unresolved_callback_goes_back_for_review(cworld, client):
    c = to_replied(cworld, file(cworld))
    act(cworld.users["district"], c, "approve_reply")
    prove(client, c)
    client.post(f"/complaints/track/{c.tracking_code}/callback/", {"resolved": "no", "satisfaction": "dissatisfied",
                                                                    "sms_code": act_code(client, c)})
    c.refresh_from_db()
    assert c.status == Status.EVALUATED and c.callback_resolved is False
    assert "复核" in client.get(f"/complaints/track/{c.tracking_code}/").content.decode()


def test_a_callback_with_missing_answers_keeps_the_page(cworld, client):
    c = to_replied(cworld, file(cworld))
    act(cworld.users["district"], c, "approve_reply")
    prove(client, c)
    response = client.post(f"/complaints/track/{c.tracking_code}/callback/", {"resolved": "yes", "comment": "还行"})
    html = response.content.decode()
    assert response.status_code == 200 and "请选择满意度" in html and "还行" in html
    c.refresh_from_db()
    assert c.status == Status.REPLIED


def test_a_callback_not_allowed_now_gets_a_clear_message(cworld, client):
    c = file(cworld)
    prove(client, c)
    response = client.post(f"/complaints/track/{c.tracking_code}/callback/", {"resolved": "yes", "satisfaction": "satisfied",
                                                                               "sms_code": act_code(client, c)})
    assert response.status_code == 200 and "不能执行“回访评价”" in response.content.decode()
    assert not Event.objects.filter(action="callback").exists()


def test_callback_without_proof_or_by_get(cworld, client):
    c = to_replied(cworld, file(cworld))
    act(cworld.users["district"], c, "approve_reply")
    response = client.post(f"/complaints/track/{c.tracking_code}/callback/", {"resolved": "yes", "satisfaction": "satisfied"})
    assert response.status_code == 302 and response["Location"].startswith("/complaints/track/?code=")
    c.refresh_from_db()
    assert c.status == Status.REPLIED
    prove(client, c)
    assert client.get(f"/complaints/track/{c.tracking_code}/callback/").status_code == 405


# ---- withdrawal -----------------------------------------------------------------------------


def test_withdraw_after_confirmation(cworld, client):
    c = file(cworld)
    act(cworld.users["city"], c, "accept")
    act(cworld.users["city"], c, "dispatch")
    prove(client, c)
    confirm = client.get(f"/complaints/track/{c.tracking_code}/withdraw/")
    assert confirm.status_code == 200 and "确定撤回诉求" in confirm.content.decode()
    response = client.post(f"/complaints/track/{c.tracking_code}/withdraw/", {"reason": "已自行解决",
                                                                              "sms_code": act_code(client, c)})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.WITHDRAWN
    ev = Event.objects.get(complaint=c, action="withdraw")
    assert ev.public and ev.note == "已自行解决" and ev.actor_label == "诉求人"
    assert c.tasks.get().state == "closed"
    html = client.get(f"/complaints/track/{c.tracking_code}/").content.decode()
    assert "诉求已撤回" in html and "已撤回" in html and 'data-testid="withdraw"' not in html


def test_withdraw_is_refused_once_the_reply_is_published(cworld, client):
    c = to_replied(cworld, file(cworld))
    act(cworld.users["district"], c, "approve_reply")
    prove(client, c)
    page = client.get(f"/complaints/track/{c.tracking_code}/withdraw/").content.decode()
    assert 'data-testid="withdraw-not-allowed"' in page
    client.post(f"/complaints/track/{c.tracking_code}/withdraw/", {"reason": "x", "sms_code": act_code(client, c)})
    c.refresh_from_db()
    assert c.status == Status.REPLIED
    html = client.get(f"/complaints/track/{c.tracking_code}/").content.decode()
    assert "不能执行“撤回”" in html


def test_withdraw_without_proof(cworld, client):
    c = file(cworld)
    assert client.post(f"/complaints/track/{c.tracking_code}/withdraw/").status_code == 302
    c.refresh_from_db()
    assert c.status == Status.SUBMITTED
    prove(client, c)
    assert client.delete(f"/complaints/track/{c.tracking_code}/withdraw/").status_code == 405


# ---- photos ---------------------------------------------------------------------------------


def photo_url(p: Photo) -> str:
    return f"/complaints/photo/{p.pk}/"


def test_report_photos_for_officials_who_see_the_complaint_and_the_reporter(cworld, client, login):
    c = file(cworld, photos=[image()])
    act(cworld.users["city"], c, "accept")
    act(cworld.users["city"], c, "dispatch")
    p = Photo.objects.get(kind=Photo.Kind.REPORT)
    for persona in ("manager_a", "district", "city", "street"):
        response = login(cworld.users[persona]).get(photo_url(p))
        assert response.status_code == 200 and response["Content-Type"] == "image/png", persona
        assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    for persona in ("manager_b", "outsider", "resident", "district2"):
        assert login(cworld.users[persona]).get(photo_url(p)).status_code == 404, persona
    client.logout()
    assert client.get(photo_url(p)).status_code == 404
    prove(client, c)
    assert client.get(photo_url(p)).status_code == 200
    assert client.post(photo_url(p)).status_code == 405


def test_refused_photo_requests_are_audited(cworld, client):
    c = file(cworld, photos=[image()])
    p = Photo.objects.get(complaint=c)
    assert client.get(photo_url(p)).status_code == 404
    assert client.get("/complaints/photo/999999/").status_code == 404
    # Anonymous refusals: the minute's first is written at once, the next counted (issue 13 §12).
    assert AuditLog.objects.filter(action=AuditAction.DENIED, object_type="cases.photo").count() == 1
    assert DeniedTally.objects.get().count == 2


def test_evidence_photos_reach_the_reporter_only_when_published(cworld, client, login):
    c = to_replied(cworld, file(cworld), evidence=[image("after.png")])
    p = Photo.objects.get(kind=Photo.Kind.EVIDENCE)
    prove(client, c)
    assert client.get(photo_url(p)).status_code == 404
    assert login(cworld.users["district"]).get(photo_url(p)).status_code == 200
    client.logout()
    prove(client, c)
    act(cworld.users["district"], c, "approve_reply")
    assert client.get(photo_url(p)).status_code == 200


def test_the_account_owner_gets_their_photos_but_no_unpublished_evidence(cworld, login):
    resident = cworld.users["resident"]
    c = to_replied(cworld, file(cworld, reporter_user=resident, photos=[image()]), evidence=[image("after.png")])
    client = login(resident)
    assert client.get(photo_url(Photo.objects.get(kind=Photo.Kind.REPORT))).status_code == 200
    assert client.get(photo_url(Photo.objects.get(kind=Photo.Kind.EVIDENCE))).status_code == 404
    act(cworld.users["district"], c, "approve_reply")
    assert client.get(photo_url(Photo.objects.get(kind=Photo.Kind.EVIDENCE))).status_code == 200


def test_a_confidential_clue_photo_never_reaches_the_company_or_the_district(cworld, login):
    c = file(cworld, "gang_clues", photos=[image()])
    p = Photo.objects.get(complaint=c)
    assert login(cworld.users["police"]).get(photo_url(p)).status_code == 200
    assert login(cworld.users["city"]).get(photo_url(p)).status_code == 200
    for persona in ("manager_a", "district", "street", "community"):
        assert login(cworld.users[persona]).get(photo_url(p)).status_code == 404, persona
