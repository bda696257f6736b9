"""Versioned service standards (issue 4 §1): the default standard, new versions, editing drafts
only, publishing exactly 100 points, retiring the previous version, and the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from wuye.core.errors import ServiceError
from wuye.core.models import AuditLog
from wuye.supervision.models import Standard, StandardItem, StandardSection
from wuye.supervision.standards import seed as seed_standard
from wuye.supervision.standards import services as ss
from wuye.supervision.tests.inspection_support import drawn_inspection, iworld, record  # noqa: F401

pytestmark = pytest.mark.django_db


def current():
    return Standard.objects.get(code="WYFW-2026", status=Standard.Status.PUBLISHED)


# ---- the default standard ------------------------------------------------------------------------


def test_default_standard_is_seeded_published_with_100_points(db):
    s = current()
    assert s.version == 1 and s.published_at is not None
    assert StandardSection.objects.filter(standard=s).count() >= 8
    assert StandardItem.objects.filter(standard=s).count() >= 40
    assert ss.standard_total(s) == Decimal("100")
    for item in StandardItem.objects.filter(standard=s):
        assert item.text and item.deduction_rule and item.evidence and item.star_levels
        assert item.max_points >= Decimal("0.5")
    texts = " ".join(StandardItem.objects.filter(standard=s).values_list("text", flat=True))
    for measurable in ("24 小时服务电话", "30 分钟", "24 小时有人值守", "每小时巡逻", "95%", "满意度测评"):
        assert measurable in texts


def test_seed_is_idempotent_and_fills_what_is_missing(db):
    s = current()
    n_items = StandardItem.objects.filter(standard=s).count()
    StandardItem.objects.filter(standard=s, code="JB02").delete()
    seed_standard.seed()
    seed_standard.seed()
    assert StandardItem.objects.filter(standard=s).count() == n_items
    assert Standard.objects.filter(code="WYFW-2026").count() == 1


def test_seed_runs_with_migration_apps(db):
    from django.apps import apps

    seed_standard.seed(apps)
    assert Standard.objects.filter(code="WYFW-2026").count() == 1


# ---- versions ------------------------------------------------------------------------------------


def test_new_version_copies_into_a_draft_and_audits(world):
    city = world.users["city"]
    draft = ss.standard_new_version(actor=city, standard=current())
    assert draft.status == Standard.Status.DRAFT and draft.version == 2
    assert StandardItem.objects.filter(standard=draft).count() == StandardItem.objects.filter(standard=current()).count()
    assert ss.standard_total(draft) == Decimal("100")
    assert AuditLog.objects.filter(object_type="supervision.standard", object_id=str(draft.pk), action="create").exists()
    with pytest.raises(ServiceError, match="已有一个草稿"):
        ss.standard_new_version(actor=city, standard=current())


def test_only_the_city_bureau_edits_standards(world):
    with pytest.raises(ServiceError, match="市住房保障房产局"):
        ss.standard_new_version(actor=world.users["district"], standard=current())


def test_published_and_retired_versions_cannot_be_edited(world):
    city = world.users["city"]
    s = current()
    item = StandardItem.objects.filter(standard=s).first()
    with pytest.raises(ServiceError, match="不能修改"):
        ss.item_save(actor=city, standard=s, section=item.section, item=item, code=item.code, text="改了",
                     max_points=item.max_points, deduction_rule=item.deduction_rule)
    with pytest.raises(ServiceError, match="不能修改"):
        ss.standard_update(actor=city, standard=s, name="新名称")
    with pytest.raises(ServiceError, match="不能修改"):
        ss.section_save(actor=city, standard=s, name="新章节")
    item.refresh_from_db()
    assert item.text != "改了"


def test_publish_refuses_a_total_other_than_100_in_chinese(world):
    city = world.users["city"]
    draft = ss.standard_new_version(actor=city, standard=current())
    item = StandardItem.objects.filter(standard=draft, code="JB02").get()
    ss.item_save(actor=city, standard=draft, section=item.section, item=item, code="JB02", text=item.text,
                 max_points=Decimal("4"), deduction_rule=item.deduction_rule, star_levels=[1, 2, 3])
    with pytest.raises(ServiceError) as e:
        ss.standard_publish(actor=city, standard=draft)
    assert "101" in e.value.message and "100 分" in e.value.message
    draft.refresh_from_db()
    assert draft.status == Standard.Status.DRAFT


def test_publishing_retires_the_previous_version_and_past_inspections_keep_theirs(iworld):  # noqa: F811
    w = iworld.w
    city = w.users["city"]
    insp = drawn_inspection(iworld)
    record(insp, deductions={"JB02": 1})
    old = current()
    draft = ss.standard_new_version(actor=city, standard=old)
    a = StandardItem.objects.get(standard=draft, code="JB02")
    b = StandardItem.objects.get(standard=draft, code="JB06")
    ss.item_save(actor=city, standard=draft, section=a.section, item=a, code="JB02", text="设立 24 小时服务热线",
                 max_points=Decimal("2.5"), deduction_rule=a.deduction_rule, star_levels=[1, 2, 3, 4, 5])
    ss.item_save(actor=city, standard=draft, section=b.section, item=b, code="JB06", text=b.text,
                 max_points=Decimal("1.5"), deduction_rule=b.deduction_rule, star_levels=[1, 2, 3, 4, 5])
    ss.standard_publish(actor=city, standard=draft)
    old.refresh_from_db()
    draft.refresh_from_db()
    assert old.status == Standard.Status.RETIRED and old.retired_at
    assert draft.status == Standard.Status.PUBLISHED
    insp.refresh_from_db()
    assert insp.standard_id == old.pk and insp.total_score == Decimal("99")
    assert StandardItem.objects.get(standard=old, code="JB02").text != "设立 24 小时服务热线"


def test_sections_and_items_of_a_draft(world):
    city = world.users["city"]
    draft = ss.standard_new_version(actor=city, standard=current())
    sec = ss.section_save(actor=city, standard=draft, name="智慧物业")
    with pytest.raises(ServiceError, match="有章节没有条目"):
        ss.standard_publish(actor=city, standard=draft)
    with pytest.raises(ServiceError, match="已存在"):
        ss.item_save(actor=city, standard=draft, section=sec, code="JB01", text="x", max_points=1, deduction_rule="y")
    with pytest.raises(ServiceError, match="0.5"):
        ss.item_save(actor=city, standard=draft, section=sec, code="ZH01", text="x", max_points="0.2", deduction_rule="y")
    it = ss.item_save(actor=city, standard=draft, section=sec, code="ZH01", text="设立业主线上报修渠道",
                      max_points=1, deduction_rule="未设立扣 1 分", star_levels=[4, 5])
    assert it.star_levels == [4, 5]
    ss.item_delete(actor=city, item=it)
    ss.section_delete(actor=city, section=sec)
    ss.standard_publish(actor=city, standard=draft)
    assert current().pk == draft.pk


# ---- pages -----------------------------------------------------------------------------------------


def test_standard_list_page(client, login, world, django_assert_max_num_queries):
    login(world.users["district"])
    with django_assert_max_num_queries(12):
        r = client.get(reverse("supervision:standard_list"))
    assert r.status_code == 200
    assert "住宅小区物业服务标准" in r.content.decode()
    assert client.post(reverse("supervision:standard_list")).status_code == 405


def test_standard_list_refused_to_residents_and_outsiders(client, login, world):
    for who in ("resident", "outsider"):
        login(world.users[who])
        assert client.get(reverse("supervision:standard_list")).status_code == 403
    login(world.users["sysadmin"])
    assert client.get(reverse("supervision:standard_list")).status_code in (403, 404)


def test_standard_list_queries_do_not_grow(client, login, world, django_assert_num_queries):
    city = world.users["city"]
    login(city)
    client.get(reverse("supervision:standard_list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("supervision:standard_list"))
    ss.standard_new_version(actor=city, standard=current())
    with django_assert_num_queries(len(one)):
        client.get(reverse("supervision:standard_list"))


def test_standard_detail_shows_sections_items_and_total(client, login, world):
    login(world.users["community"])
    r = client.get(reverse("supervision:standard_detail", args=[current().pk]))
    body = r.content.decode()
    assert r.status_code == 200
    assert 'data-testid="total"' in body and ">100<" in body
    assert body.count('data-testid="section"') >= 8
    assert 'data-testid="new-version"' not in body


def test_drafts_are_hidden_from_companies(client, login, world):
    draft = ss.standard_new_version(actor=world.users["city"], standard=current())
    login(world.users["manager_a"])
    assert client.get(reverse("supervision:standard_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("supervision:standard_detail", args=[current().pk])).status_code == 200


def test_new_version_and_publish_through_the_pages(client, login, world):
    city = world.users["city"]
    login(city)
    r = client.post(reverse("supervision:standard_new_version", args=[current().pk]))
    draft = Standard.objects.get(code="WYFW-2026", status=Standard.Status.DRAFT)
    assert r.status_code == 302 and r["Location"] == reverse("supervision:standard_detail", args=[draft.pk])
    item = StandardItem.objects.get(standard=draft, code="JB01")
    url = reverse("supervision:standard_item_edit", args=[draft.pk, item.pk])
    r = client.post(url, {"section": item.section_id, "code": "JB01", "text": item.text, "max_points": "3",
                          "deduction_rule": item.deduction_rule, "evidence": "", "star_levels": ["1", "2"]})
    assert r.status_code == 302
    r = client.post(reverse("supervision:standard_publish", args=[draft.pk]), follow=True)
    assert "101" in r.content.decode() and "须恰好为 100 分" in r.content.decode()
    draft.refresh_from_db()
    assert draft.status == Standard.Status.DRAFT
    client.post(url, {"section": item.section_id, "code": "JB01", "text": item.text, "max_points": "2",
                      "deduction_rule": item.deduction_rule, "evidence": "", "star_levels": ["1", "2"]})
    client.post(reverse("supervision:standard_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Standard.Status.PUBLISHED
    assert Standard.objects.filter(code="WYFW-2026", status=Standard.Status.RETIRED).count() == 1
    assert AuditLog.objects.filter(object_type="supervision.standard", object_id=str(draft.pk), detail="发布").exists()


def test_editing_pages_are_the_city_bureaus(client, login, world):
    s = current()
    login(world.users["district"])
    assert client.post(reverse("supervision:standard_new_version", args=[s.pk])).status_code == 403
    assert client.get(reverse("supervision:standard_edit", args=[s.pk])).status_code == 403
    assert client.get(reverse("supervision:standard_new_version", args=[s.pk])).status_code == 405
    assert AuditLog.objects.filter(action="denied", object_type="supervision.standard").exists()


def test_editing_a_published_version_through_a_page_is_refused_and_keeps_input(client, login, world):
    s = current()
    item = StandardItem.objects.filter(standard=s).first()
    login(world.users["city"])
    r = client.post(reverse("supervision:standard_item_edit", args=[s.pk, item.pk]),
                    {"section": item.section_id, "code": item.code, "text": "我输入的内容", "max_points": "2",
                     "deduction_rule": "x"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "不能修改" in body and "我输入的内容" in body
