"""回头看 campaigns (issue 17 §10): the reproducible sample from a published seed, relapse effects
(a new rectification order or complaint and a credit event), the empty year, the machine, the
report as a bulletin, and who may do what."""

from __future__ import annotations

import pytest
from django.utils import timezone

from wuye.campaign.bulletins.models import Bulletin
from wuye.cases.models import Complaint
from wuye.core.errors import ServiceError
from wuye.core.models import AuditLog
from wuye.credit.models import CreditEvent
from wuye.supervision.models import RectificationOrder
from wuye.supervision.tests.inspection_support import png
from wuye.transition.recheck import draw as draw_algo
from wuye.transition.recheck import selectors as sel
from wuye.transition.recheck import services as svc
from wuye.transition.recheck.models import CampaignEvent, Recheck, RecheckCampaign


def make_campaign(rw, actor=None, **kw):
    w = rw.w
    data = dict(name="2026年度东城区回头看", year=rw.year, district=w.d1, categories=[rw.category], order_count=1,
                complaint_count=2)
    data.update(kw)
    return svc.campaign_create(actor=actor or w.users["district"], **data)


def drawn(rw, seed="seed-recheck-1", **kw):
    c = make_campaign(rw, **kw)
    return svc.campaign_draw(actor=rw.w.users["district"], campaign=c, seed=seed)


# ---- the sample ------------------------------------------------------------------------------


def test_same_seed_same_sample_and_the_published_seed_re_runs(rworld):
    a = drawn(rworld, seed="公开种子-2026")
    b = drawn(rworld, seed="公开种子-2026")
    assert a.result["orders"] == b.result["orders"] and a.result["complaints"] == b.result["complaints"]
    assert len(a.result["orders"]) == 1 and len(a.result["complaints"]) == 2
    assert a.order_candidates == sorted(o.pk for o in rworld.orders)
    assert a.complaint_candidates == sorted(c.pk for c in rworld.complaints)
    assert draw_algo.verify(a)
    # Anyone re-running the stored inputs with the published seed gets the sample.
    again = draw_algo.run(seed="公开种子-2026", order_candidates=a.order_candidates,
                          complaint_candidates=a.complaint_candidates, order_count=1, complaint_count=2)
    assert again == {k: v for k, v in a.result.items() if k != "params"}
    # The re-checks are the sample, in draw order.
    rows = list(Recheck.objects.filter(campaign=a).order_by("position"))
    assert [r.order_id for r in rows if r.order_id] == a.result["orders"]
    assert [r.complaint_id for r in rows if r.complaint_id] == a.result["complaints"]


def test_the_sample_is_the_inspection_draws_sampling(rworld):
    import random

    from wuye.supervision.inspections.draw import draw_estates

    a = drawn(rworld, seed="s-42")
    rng = random.Random("s-42")
    orders = draw_estates(rng, [(i, 1) for i in a.order_candidates], 1)
    complaints = draw_estates(rng, [(i, 1) for i in a.complaint_candidates], 2)
    assert a.result["orders"] == orders and a.result["complaints"] == complaints


def test_another_seed_can_give_another_sample_and_tampering_fails_the_check(rworld):
    samples = {tuple(drawn(rworld, seed=f"s{n}").result["complaints"]) for n in range(8)}
    assert len(samples) > 1
    a = RecheckCampaign.objects.filter(seed="s0").get()
    a.result = {**a.result, "complaints": list(reversed(a.result["complaints"]))}
    assert not draw_algo.verify(a)


def test_draw_assigns_to_the_street_official_notifies_and_audits(rworld):
    a = drawn(rworld)
    assert a.status == RecheckCampaign.Status.CHECKING and a.seed == "seed-recheck-1" and a.drawn_by == rworld.w.users["district"]
    assert set(Recheck.objects.filter(campaign=a).values_list("assignee", flat=True)) == {rworld.w.users["street"].pk}
    assert CampaignEvent.objects.filter(campaign=a, action="draw", to_status="checking").count() == 1
    assert AuditLog.objects.filter(object_type="recheck.recheckcampaign", object_id=str(a.pk), detail__contains="seed-recheck-1").exists()
    from wuye.notifications.models import Notification

    assert Notification.objects.filter(user=rworld.w.users["street"], subject="回头看复查任务").count() == 1


def test_a_typed_seed_is_kept_and_a_blank_one_is_random(rworld):
    c = drawn(rworld, seed="")
    assert len(c.seed) == 32


def test_draw_twice_is_refused(rworld):
    a = drawn(rworld)
    with pytest.raises(ServiceError, match="不能执行"):
        svc.campaign_draw(actor=rworld.w.users["district"], campaign=a, seed="x")
    assert Recheck.objects.filter(campaign=a).count() == 3


# ---- bad input ---------------------------------------------------------------------------------


def test_an_empty_year_is_refused_with_a_clear_message_and_nothing_saved(rworld):
    before = (RecheckCampaign.objects.count(), AuditLog.objects.count())
    with pytest.raises(ServiceError, match="2019年在所选范围内没有已销号的整改通知"):
        make_campaign(rworld, year=2019)
    assert (RecheckCampaign.objects.count(), AuditLog.objects.count()) == before


def test_the_other_district_has_nothing_to_sample(rworld):
    with pytest.raises(ServiceError, match="无可复查的对象"):
        make_campaign(rworld, actor=rworld.w.users["city"], district=rworld.w.d2)


@pytest.mark.parametrize("kw, message", [
    ({"name": " "}, "请填写回头看的名称"),
    ({"year": 2099}, "复查年度须在"),
    ({"order_count": 0, "complaint_count": 0}, "请至少抽取"),
    ({"categories": []}, "请选择诉求类别"),
    ({"order_count": 9999}, "抽取数量须在"),
])
def test_bad_input(rworld, kw, message):
    with pytest.raises(ServiceError, match=message):
        make_campaign(rworld, **kw)
    assert not RecheckCampaign.objects.exists()


# ---- relapse effects -----------------------------------------------------------------------------


def _by_kind(campaign, kind):
    return Recheck.objects.filter(campaign=campaign, kind=kind).order_by("position").first()


def test_still_fixed_changes_nothing_else(rworld):
    a = drawn(rworld)
    r = _by_kind(a, Recheck.Kind.ORDER)
    orders, events = RectificationOrder.objects.count(), CreditEvent.objects.count()
    svc.recheck_record(actor=rworld.w.users["street"], recheck=r, result="fixed", note="保持良好")
    r.refresh_from_db()
    assert r.result == "fixed" and r.checked_by == rworld.w.users["street"] and r.new_order is None
    assert RectificationOrder.objects.count() == orders and CreditEvent.objects.count() == events


def test_an_order_relapse_files_a_new_order_and_a_credit_event(rworld):
    a = drawn(rworld)
    r = _by_kind(a, Recheck.Kind.ORDER)
    svc.recheck_record(actor=rworld.w.users["street"], recheck=r, result="relapsed", note="垃圾又堆起来了",
                       photos=[png()])
    r.refresh_from_db()
    new = r.new_order
    assert new.status == RectificationOrder.Status.OPEN and new.company_id == rworld.w.company_a.pk
    assert r.order.number in new.defect and new.inspection_id == r.order.inspection_id
    assert r.order.status == RectificationOrder.Status.CLOSED  # the closed order stays closed (销号 is final)
    ev = r.credit_event
    assert ev.rule.code == "HK01" and ev.company_id == rworld.w.company_a.pk and ev.status == CreditEvent.Status.NOTICE
    assert ev.source_key == f"recheck:{r.pk}"
    assert r.photos.count() == 1
    assert AuditLog.objects.filter(object_type="recheck.recheck", object_id=str(r.pk), action="update").exists()


def test_a_complaint_relapse_files_a_new_complaint_and_a_credit_event(rworld):
    a = drawn(rworld)
    r = _by_kind(a, Recheck.Kind.COMPLAINT)
    count = Complaint.objects.count()
    svc.recheck_record(actor=rworld.w.users["street"], recheck=r, result="relapsed", note="垃圾桶又满了",
                       photos=[png()])
    r.refresh_from_db()
    assert Complaint.objects.count() == count + 1
    new = r.new_complaint
    assert new.status == "submitted" and new.estate_id == r.complaint.estate_id and new.category_id == r.complaint.category_id
    assert r.complaint.tracking_code in new.description and new.created_by == rworld.w.users["street"]
    assert r.credit_event.rule.code == "HK01"


@pytest.mark.parametrize("note, photos, message", [
    ("", True, "须填写复查说明"), ("又反弹了", False, "须上传至少一张现场照片")])
def test_a_relapse_needs_a_note_and_a_photo(rworld, note, photos, message):
    a = drawn(rworld)
    r = _by_kind(a, Recheck.Kind.ORDER)
    with pytest.raises(ServiceError, match=message):
        svc.recheck_record(actor=rworld.w.users["street"], recheck=r, result="relapsed", note=note,
                           photos=[png()] if photos else [])
    r.refresh_from_db()
    assert r.result == "" and not CreditEvent.objects.filter(source_key=f"recheck:{r.pk}").exists()


def test_a_recheck_is_recorded_once(rworld):
    a = drawn(rworld)
    r = _by_kind(a, Recheck.Kind.ORDER)
    stale = Recheck.objects.get(pk=r.pk)
    svc.recheck_record(actor=rworld.w.users["street"], recheck=r, result="fixed")
    with pytest.raises(ServiceError, match="已复查"):
        svc.recheck_record(actor=rworld.w.users["district"], recheck=stale, result="relapsed", note="x", photos=[png()])


# ---- who may record --------------------------------------------------------------------------------


@pytest.mark.parametrize("who, allowed", [
    ("street", True), ("district", True), ("city", True), ("district2", False), ("community", False),
    ("manager_a", False), ("resident", False), ("department", False), ("outsider", False)])
def test_who_may_record_a_recheck(rworld, who, allowed):
    a = drawn(rworld)
    r = _by_kind(a, Recheck.Kind.ORDER)
    if allowed:
        svc.recheck_record(actor=rworld.w.users[who], recheck=r, result="fixed")
        assert Recheck.objects.get(pk=r.pk).result == "fixed"
    else:
        with pytest.raises(ServiceError, match="无权"):
            svc.recheck_record(actor=rworld.w.users[who], recheck=r, result="fixed")


@pytest.mark.parametrize("who, sees", [
    ("city", True), ("district", True), ("street", True), ("district2", False), ("community", False),
    ("manager_a", False), ("resident", False), ("police", False), ("outsider", False), ("auditor", False)])
def test_who_sees_a_campaign(rworld, who, sees):
    a = drawn(rworld)
    assert sel.campaigns_visible_to(rworld.w.users[who]).filter(pk=a.pk).exists() is sees


@pytest.mark.parametrize("who, allowed", [
    ("city", True), ("district", True), ("district2", False), ("street", False), ("manager_a", False),
    ("resident", False)])
def test_who_may_create(rworld, who, allowed):
    user = rworld.w.users[who]
    district = rworld.w.d1
    if allowed:
        assert make_campaign(rworld, actor=user, district=district).pk
    else:
        with pytest.raises(ServiceError):
            make_campaign(rworld, actor=user, district=district)


def test_district_cannot_draw_a_city_campaign(rworld):
    c = make_campaign(rworld, actor=rworld.w.users["city"], district=None)
    with pytest.raises(ServiceError, match="无权"):
        svc.campaign_draw(actor=rworld.w.users["district"], campaign=c)
    svc.campaign_draw(actor=rworld.w.users["city"], campaign=c, seed="city")
    # The district sees the city-wide campaign's re-checks of its own district only.
    assert sel.rechecks_visible_to(rworld.w.users["district2"]).filter(campaign=c).count() == 0
    assert sel.rechecks_visible_to(rworld.w.users["district"]).filter(campaign=c).count() == 3


# ---- finish and report --------------------------------------------------------------------------------


def finished(rw):
    a = drawn(rw)
    for n, r in enumerate(Recheck.objects.filter(campaign=a).order_by("position")):
        if n == 0:
            svc.recheck_record(actor=rw.w.users["street"], recheck=r, result="relapsed", note="反弹", photos=[png()])
        else:
            svc.recheck_record(actor=rw.w.users["street"], recheck=r, result="fixed")
    a.refresh_from_db()
    return svc.campaign_finish(actor=rw.w.users["district"], campaign=a)


def test_finish_needs_every_recheck(rworld):
    a = drawn(rworld)
    with pytest.raises(ServiceError, match="还有 3 件事项未复查"):
        svc.campaign_finish(actor=rworld.w.users["district"], campaign=a)


def test_the_report_is_a_draft_bulletin_with_the_figures(rworld):
    a = finished(rworld)
    assert a.status == "finished" and a.finished_at
    with pytest.raises(ServiceError, match="只有市住房保障房产局"):
        svc.campaign_report(actor=rworld.w.users["district"], campaign=a)
    b = svc.campaign_report(actor=rworld.w.users["city"], campaign=a)
    assert b.status == Bulletin.Status.DRAFT and b.kind == Bulletin.Kind.SPECIAL and "回头看" in b.title
    first = b.sections.order_by("position", "id").first()
    assert first.key == "recheck" and "问题反弹 1 件" in first.text and "安居物业服务有限公司" in first.text
    figures = {f["label"]: f["value"] for f in first.figures}
    assert figures["问题反弹"] == "1" and figures["整改保持"] == "2" and figures["随机种子"] == "seed-recheck-1"
    a.refresh_from_db()
    assert a.bulletin_id == b.pk
    with pytest.raises(ServiceError, match="已起草"):
        svc.campaign_report(actor=rworld.w.users["city"], campaign=a)


def test_cancel_needs_a_reason(rworld):
    a = drawn(rworld)
    with pytest.raises(ServiceError, match="理由"):
        svc.campaign_cancel(actor=rworld.w.users["district"], campaign=a, note="")
    svc.campaign_cancel(actor=rworld.w.users["district"], campaign=a, note="范围有误")
    a.refresh_from_db()
    assert a.status == "cancelled"
    r = _by_kind(a, Recheck.Kind.ORDER)
    with pytest.raises(ServiceError, match="不能记录复查结果"):
        svc.recheck_record(actor=rworld.w.users["street"], recheck=r, result="fixed")


def test_progress_counts(rworld):
    a = drawn(rworld)
    r = _by_kind(a, Recheck.Kind.ORDER)
    svc.recheck_record(actor=rworld.w.users["street"], recheck=r, result="relapsed", note="x", photos=[png()])
    p = sel.progress(Recheck.objects.filter(campaign=a))
    assert (p["total"], p["done"], p["relapsed"], p["fixed"], p["pending"], p["percent"]) == (3, 1, 1, 0, 2, 33)
    assert timezone.now()
