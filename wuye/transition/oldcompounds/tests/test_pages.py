"""The old-compound pages: the register (filters, search, scope, query count), a compound, the
profile, a project's actions with photos, the management mode after renovation, the target chart
and the campaign board's weekly behind-pace flag."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wuye.campaign import services as camp_svc
from wuye.campaign.models import TargetQuota, Task
from wuye.campaign.status import behind_pace, pace_day
from wuye.core.models import AuditLog
from wuye.registry.models import Estate, ServiceContract
from wuye.transition.oldcompounds import selectors as sel
from wuye.transition.oldcompounds import services as svc
from wuye.transition.oldcompounds.models import CompoundProfile, ProjectPhoto, RenovationProject

pytestmark = pytest.mark.django_db


def _jpeg(name="gate.jpg"):
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (90, 140, 200)).save(buf, format="JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def test_register_lists_only_the_users_compounds(oc, client, login):
    login(oc.users["district"])
    r = client.get("/old-compounds/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "机床厂宿舍" in html and "府右街7号院" not in html and "幸福里小区" not in html
    login(oc.users["city"])
    html = client.get("/old-compounds/").content.decode()
    assert "机床厂宿舍" in html and "府右街7号院" in html
    assert client.get(f"/old-compounds/{oc.old_b.pk}/").status_code == 200
    login(oc.users["district"])
    assert client.get(f"/old-compounds/{oc.old_b.pk}/").status_code == 404
    assert client.get(f"/old-compounds/{oc.estate_a.pk}/").status_code == 404  # not an old compound


@pytest.mark.parametrize("who", ["manager_a", "resident", "committee", "outsider"])
def test_register_is_for_officials(oc, client, login, who):
    login(oc.users[who])
    assert client.get("/old-compounds/").status_code == 403
    assert client.get("/old-compounds/target/").status_code == 403
    assert client.get(f"/old-compounds/{oc.old_a.pk}/").status_code == 403


def test_register_filters_and_search(oc, client, login):
    login(oc.users["city"])
    assert "机床厂宿舍" not in client.get("/old-compounds/?lacking=lacks_lighting").content.decode()
    assert "府右街7号院" in client.get("/old-compounds/?lacking=lacks_lighting").content.decode()
    html = client.get("/old-compounds/?plan_status=planned").content.decode()
    assert "机床厂宿舍" in html and "府右街7号院" not in html
    html = client.get(f"/old-compounds/?district={oc.d2.pk}").content.decode()
    assert "府右街7号院" in html and "机床厂宿舍" not in html
    html = client.get("/old-compounds/?q=机床").content.decode()
    assert "机床厂宿舍" in html and "府右街7号院" not in html
    assert 'data-testid="empty"' in client.get("/old-compounds/?q=不存在的楼院").content.decode()


def test_register_query_count_does_not_grow(oc, client, login, django_assert_max_num_queries):
    from wuye.registry import services as rs

    login(oc.users["city"])
    client.get("/old-compounds/")
    with django_assert_max_num_queries(14) as first:
        client.get("/old-compounds/")
    for i in range(8):
        e = rs.estate_create(actor=oc.users["city"], name=f"纺织厂{i}号院", address="东城区", community=oc.c1,
                             kind=Estate.Kind.OLD_COMPOUND)
        svc.profile_save(actor=oc.users["district"], estate=e, households=30 + i, lacking={"lacks_enclosure"})
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/old-compounds/")


def test_profile_edit_by_the_street_is_audited(oc, client, login):
    login(oc.users["street"])
    r = client.post(f"/old-compounds/{oc.old_a.pk}/profile/", {
        "households": "120", "lacking": ["lacks_enclosure", "lacks_lighting"], "lacks_other": "排水",
        "plan_status": "planned", "plan_year": str(oc.year), "plan_note": "三季度实施"})
    assert r.status_code == 302
    p = CompoundProfile.objects.get(estate=oc.old_a)
    assert p.households == 120 and p.lacks_lighting and not p.lacks_water_meters and p.lacks_other == "排水"
    assert AuditLog.objects.filter(object_type="oldcompounds.compoundprofile", object_id=str(p.pk),
                                   action="update").exists()
    login(oc.users["community"])  # sees it, may not edit it
    assert client.get(f"/old-compounds/{oc.old_a.pk}/profile/").status_code == 403
    login(oc.users["district2"])
    assert client.get(f"/old-compounds/{oc.old_a.pk}/profile/").status_code == 404


def test_profile_bad_input_keeps_what_was_typed(oc, client, login):
    login(oc.users["district"])
    r = client.post(f"/old-compounds/{oc.old_a.pk}/profile/", {"households": "80", "plan_status": "planned",
                                                               "plan_year": "", "plan_note": "明年再议"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "请填写计划改造年度" in html and "明年再议" in html
    assert CompoundProfile.objects.get(estate=oc.old_a).households == 96


def test_project_lifecycle_on_the_pages(oc, client, login):
    login(oc.users["street"])
    r = client.post(f"/old-compounds/{oc.old_a.pk}/projects/new/", {
        "kind": "enclosure", "title": "机床厂宿舍加装封闭设施", "budget": "186000.50", "funding_source": "district",
        "contractor": "示范市建工集团", "planned_finish": (oc.today + timedelta(days=30)).isoformat()})
    assert r.status_code == 302, r.content.decode()[:500]
    p = RenovationProject.objects.get()
    from decimal import Decimal

    assert p.budget == Decimal("186000.50") and p.district_id == oc.d1.pk and p.street_id == oc.s1.pk
    assert client.post(f"/old-compounds/projects/{p.pk}/start/", {"start-day": oc.today.isoformat()}).status_code == 302
    r = client.post(f"/old-compounds/projects/{p.pk}/milestone/", {"title": "门禁立柱安装完成",
                                                                   "done_on": oc.today.isoformat(),
                                                                   "photos": [_jpeg()]})
    assert r.status_code == 302
    assert ProjectPhoto.objects.filter(project=p, milestone__title="门禁立柱安装完成").count() == 1
    client.post(f"/old-compounds/projects/{p.pk}/finish/", {"finish-day": oc.today.isoformat()})
    p.refresh_from_db()
    assert p.status == "completed"
    # the street may not accept
    assert client.post(f"/old-compounds/projects/{p.pk}/accept/", {"accepted_on": oc.today.isoformat(),
                                                                   "note": "合格"}).status_code == 403
    login(oc.users["district"])
    page = client.get(f"/old-compounds/projects/{p.pk}/").content.decode()
    assert 'data-testid="accept-form"' in page
    r = client.post(f"/old-compounds/projects/{p.pk}/accept/", {"accepted_on": oc.today.isoformat(),
                                                                "note": "封闭设施完好，门禁运行正常",
                                                                "photos": [_jpeg("done.jpg")]})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == "accepted" and p.acceptance_note.startswith("封闭设施")
    assert ProjectPhoto.objects.filter(project=p, milestone__isnull=True).count() == 1
    assert [e.action for e in p.events.order_by("id")] == ["create", "start", "milestone", "finish", "accept"]


def test_project_pages_refuse_a_bad_photo_and_a_future_date(oc, client, login):
    login(oc.users["district"])
    p = svc.project_create(actor=oc.users["district"], estate=oc.old_a, kind="enclosure", planned_finish=oc.today)
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    r = client.post(f"/old-compounds/projects/{p.pk}/accept/", {"accepted_on": oc.today.isoformat(), "note": "好",
                                                                "photos": [bad]}, follow=True)
    assert "不是有效的图片" in r.content.decode()
    r = client.post(f"/old-compounds/projects/{p.pk}/accept/", {
        "accepted_on": (oc.today + timedelta(days=3)).isoformat(), "note": "好"}, follow=True)
    assert "验收日期不能晚于今天" in r.content.decode()
    p.refresh_from_db()
    assert p.status == "planned" and not ProjectPhoto.objects.exists()


def test_project_list_filters_and_scope(oc, client, login):
    svc.project_create(actor=oc.users["district"], estate=oc.old_a, kind="enclosure", planned_finish=oc.today,
                       title="甲项目")
    svc.project_create(actor=oc.users["district2"], estate=oc.old_b, kind="meters", meter_type="power",
                       planned_finish=oc.today, title="乙项目")
    login(oc.users["district"])
    html = client.get("/old-compounds/projects/").content.decode()
    assert "甲项目" in html and "乙项目" not in html
    login(oc.users["city"])
    html = client.get("/old-compounds/projects/?kind=meters").content.decode()
    assert "乙项目" in html and "甲项目" not in html
    assert "甲项目" in client.get("/old-compounds/projects/?q=甲").content.decode()


def test_management_mode_after_renovation(oc, client, login):
    login(oc.users["district"])
    r = client.post(f"/old-compounds/{oc.old_a.pk}/management/", {"mode": "professional"}, follow=True)
    assert "须选择物业服务企业" in r.content.decode()
    oc.old_a.refresh_from_db()
    assert oc.old_a.management_mode == "none"
    r = client.post(f"/old-compounds/{oc.old_a.pk}/management/", {
        "mode": "professional", "company": str(oc.company_a.pk), "start_date": oc.today.isoformat(),
        "end_date": (oc.today + timedelta(days=365 * 3)).isoformat(), "contracted_grade": "1", "fee_rate": "0.80"})
    assert r.status_code == 302
    oc.old_a.refresh_from_db()
    assert oc.old_a.management_mode == "professional" and oc.old_a.company_id == oc.company_a.pk
    assert ServiceContract.objects.filter(estate=oc.old_a, is_current=True, company=oc.company_a).exists()
    client.post(f"/old-compounds/{oc.old_a.pk}/management/", {"mode": "quasi"})
    oc.old_a.refresh_from_db()
    assert oc.old_a.management_mode == "quasi"
    assert AuditLog.objects.filter(object_type="registry.estate", object_id=str(oc.old_a.pk),
                                   detail__contains="管理模式").count() == 2
    login(oc.users["community"])
    assert client.post(f"/old-compounds/{oc.old_a.pk}/management/", {"mode": "self_managed"}).status_code == 403
    login(oc.users["district2"])
    assert client.post(f"/old-compounds/{oc.old_a.pk}/management/", {"mode": "self_managed"}).status_code == 404
    oc.old_a.refresh_from_db()
    assert oc.old_a.management_mode == "quasi"


def test_pages_are_get_only_where_they_read(oc, client, login):
    login(oc.users["district"])
    assert client.post("/old-compounds/").status_code == 405
    assert client.post("/old-compounds/target/").status_code == 405
    assert client.get(f"/old-compounds/{oc.old_a.pk}/management/").status_code == 405


def _enclosure_task(oc, quotas=(500, 400)):
    city = oc.users["city"]
    plan = camp_svc.plan_create(actor=city, year=oc.year, title=f"{oc.year}年工作方案")
    task = Task.objects.create(plan=plan, number="1", title="完成老旧楼院加装封闭设施", lead_kind="district",
                               lead_id=oc.d1.pk, lead_name="东城区", due_date=date(oc.year, 12, 31),
                               indicator="enclosures_completed", target_quantity=sum(quotas), target_unit="个")
    TargetQuota.objects.create(task=task, district=oc.d1, quota=quotas[0])
    TargetQuota.objects.create(task=task, district=oc.d2, quota=quotas[1])
    return task


def test_target_chart_moves_with_an_acceptance(oc, client, login):
    _enclosure_task(oc)
    login(oc.users["city"])
    html = client.get("/old-compounds/target/").content.decode()
    assert 'data-testid="target-done">0<' in html and 'id="city-chart"' in html and "echarts.min.js" in html
    p = svc.project_create(actor=oc.users["district"], estate=oc.old_a, kind="enclosure", planned_finish=oc.today)
    svc.project_accept(actor=oc.users["district"], project=p, accepted_on=oc.today)
    html = client.get("/old-compounds/target/").content.decode()
    assert 'data-testid="target-done">1<' in html
    data = sel.target_chart(oc.year)
    assert data["done"] == 1 and [(r.district, r.done, r.quota) for r in data["rows"]] == [
        (oc.d1.pk, 1, 500), (oc.d2.pk, 0, 400)]


def test_behind_pace_rule():
    # done / quota < days elapsed / days in the year, exactly
    assert behind_pace(0, 10, 2027, date(2027, 1, 1)) is False  # nothing elapsed yet
    assert behind_pace(49, 100, 2027, date(2027, 7, 2)) is True  # 182 of 365 days: 49.9 % due
    assert behind_pace(50, 100, 2027, date(2027, 7, 2)) is False
    assert behind_pace(5, 0, 2027, date(2027, 7, 2)) is False  # no quota, no flag
    assert behind_pace(99, 100, 2026, date(2027, 3, 1)) is True  # a past year: all days elapsed
    assert pace_day(date(2027, 7, 4)) == date(2027, 6, 28)  # checked on the week's Monday


def test_campaign_board_flags_a_district_behind_its_pace(oc, client, login):
    _enclosure_task(oc, quotas=(1, 400))
    p = svc.project_create(actor=oc.users["district"], estate=oc.old_a, kind="enclosure", planned_finish=oc.today)
    svc.project_accept(actor=oc.users["district"], project=p, accepted_on=oc.today)
    login(oc.users["city"])
    html = client.get("/campaign/").content.decode()
    behind_d2 = behind_pace(0, 400, oc.year, pace_day(oc.today))
    assert ('data-testid="behind-pace"' in html) == behind_d2
    if behind_d2:
        assert "西城区 0/400" in html and "东城区 1/1" not in html


def test_weekly_job_notifies_a_district_behind_its_pace_once(oc):
    from wuye.notifications.models import Notification

    _enclosure_task(oc, quotas=(1, 400))
    p = svc.project_create(actor=oc.users["district"], estate=oc.old_a, kind="enclosure", planned_finish=oc.today)
    svc.project_accept(actor=oc.users["district"], project=p, accepted_on=oc.today)
    monday = pace_day(oc.today)
    expected = 1 if behind_pace(0, 400, oc.year, monday) else 0
    assert svc.pace_notify() == expected
    assert svc.pace_notify() == 0  # the same week: nothing more
    got = Notification.objects.filter(user=oc.users["district2"])
    assert got.count() == expected
    assert not Notification.objects.filter(user=oc.users["district"]).exists()  # on pace (1 of 1)
    if expected:
        assert "落后于时序进度" in got.get().body


def test_the_board_follows_an_acceptance_at_once(oc, client, login, settings):
    """The board keeps its computed rows (``campaign.rowcache``); an accepted enclosure forgets them."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "oc-board"}}
    _enclosure_task(oc)
    login(oc.users["city"])
    assert ">0 / 900<" in client.get("/campaign/").content.decode().replace("\n", "")
    p = svc.project_create(actor=oc.users["district"], estate=oc.old_a, kind="enclosure", planned_finish=oc.today)
    svc.project_accept(actor=oc.users["district"], project=p, accepted_on=oc.today)
    assert ">1 / 900<" in client.get("/campaign/").content.decode().replace("\n", "")
