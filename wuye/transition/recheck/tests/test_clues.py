"""Confidential 扫黑除恶 clue reports (issue 17 §11): filed by officials or residents, seen only by the
police and the city bureau (each look audited), the reporter keeps a receipt; the police's confirmed
outcome against a company records the veto credit item that black-lists it and opens its exit case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction, AuditLog
from wuye.credit.models import CompanyCredit, CreditEvent, ExitCase
from wuye.credit.services import credit_event_confirm, credit_refresh
from wuye.transition.recheck import clues as svc
from wuye.transition.recheck import selectors as sel
from wuye.transition.recheck.models import ClueEvent, ClueReport


def file_clue(rw, who="resident", **kw):
    data = dict(target="company", company=rw.w.company_a, district=rw.w.d1, location="幸福里小区",
                content="该企业雇佣社会闲散人员以暴力手段强收物业费，威胁业主。")
    data.update(kw)
    return svc.clue_file(actor=rw.w.users[who], **data)


@pytest.mark.parametrize("who, sees", [
    ("city", True), ("police", True), ("city_police", True), ("police2", False), ("district", False),
    ("street", False), ("community", False), ("department", False), ("manager_a", False), ("staff_a", False),
    ("resident", False), ("committee", False), ("auditor", False), ("sysadmin", False), ("outsider", False)])
def test_only_the_police_and_the_city_see_a_clue(rworld, who, sees):
    clue = file_clue(rworld)
    assert sel.clues_visible_to(rworld.w.users[who]).filter(pk=clue.pk).exists() is sees


def test_the_reporter_sees_only_their_own_receipt(rworld):
    mine = file_clue(rworld, who="resident")
    other = file_clue(rworld, who="street")
    user = rworld.w.users["resident"]
    assert list(sel.my_receipts(user)) == [mine]
    assert not sel.clues_visible_to(user).exists()
    assert sel.receipt_get(user=user, pk=mine.pk) == mine
    from django.http import Http404

    with pytest.raises(Http404):
        sel.receipt_get(user=user, pk=other.pk)


@pytest.mark.parametrize("who, allowed", [
    ("resident", True), ("committee", True), ("street", True), ("district", True), ("community", True),
    ("city", True), ("manager_a", False), ("staff_a", False), ("auditor", False), ("outsider", False)])
def test_who_may_file(rworld, who, allowed):
    if allowed:
        clue = file_clue(rworld, who=who)
        assert clue.number.startswith("XS") and clue.status == "received"
        assert ClueEvent.objects.filter(clue=clue, action="file").count() == 1
        assert AuditLog.objects.filter(object_type="recheck.cluereport", object_id=str(clue.pk), action="create").exists()
    else:
        with pytest.raises(ServiceError):
            file_clue(rworld, who=who)


@pytest.mark.parametrize("kw, message", [
    ({"target": "company", "company": None}, "请选择被举报的物业服务企业"),
    ({"target": "person", "person_name": ""}, "请填写被举报人"),
    ({"content": "  "}, "请填写线索内容"),
    ({"district": None}, "请选择线索发生地"),
    ({"target": "x"}, "请选择举报对象类型"),
])
def test_bad_input_saves_nothing(rworld, kw, message):
    with pytest.raises(ServiceError, match=message):
        file_clue(rworld, **kw)
    assert not ClueReport.objects.exists()


def test_the_police_are_told_not_the_district(rworld):
    from wuye.notifications.models import Notification

    file_clue(rworld)
    told = set(Notification.objects.filter(subject="新的涉黑涉恶线索").values_list("user__username", flat=True))
    assert {"p_police", "p_city_police", "root_city"} <= told
    assert not told & {"p_district", "p_police2", "p_manager_a", "p_street"}


def test_a_confirmed_outcome_against_a_company_leads_to_the_veto_and_the_exit_case(rworld):
    clue = file_clue(rworld)
    police = rworld.w.users["police"]
    with pytest.raises(ServiceError, match="无权"):
        svc.clue_accept(actor=rworld.w.users["police2"], clue=clue)
    with pytest.raises(ServiceError, match="无权"):
        svc.clue_accept(actor=rworld.w.users["city"], clue=clue)
    svc.clue_accept(actor=police, clue=clue)
    with pytest.raises(ServiceError, match="理由"):
        svc.clue_conclude(actor=police, clue=clue, confirmed=True, outcome="")
    svc.clue_conclude(actor=police, clue=clue, confirmed=True, outcome="经查，该企业经理纠集人员暴力收费，已立案侦查。")
    clue.refresh_from_db()
    assert clue.status == "confirmed" and clue.outcome_by == police
    event = clue.credit_event
    assert event.rule.code == "FJ03" and event.klass == "veto" and event.company_id == rworld.w.company_a.pk
    # The credit item names no clue: the link is only on the clue.
    assert clue.number not in event.description and clue.number not in event.source_key
    assert event.source_key == svc.credit_source_key(clue) and event.source_key != f"clue:{clue.pk}"
    assert event.source_url == ""
    # After its public notice the item is confirmed; the recompute black-lists the company and opens the exit case.
    assert credit_event_confirm(event=event, now=event.notice_end + timedelta(seconds=1))
    credit_refresh(company_id=rworld.w.company_a.pk)
    credit = CompanyCredit.objects.get(company=rworld.w.company_a)
    assert credit.black and credit.veto
    assert ExitCase.objects.filter(company=rworld.w.company_a, estate=rworld.w.estate_a, status="open").exists()


def test_unfounded_or_against_a_person_records_no_credit(rworld):
    police = rworld.w.users["city_police"]
    a = file_clue(rworld)
    svc.clue_accept(actor=police, clue=a)
    svc.clue_conclude(actor=police, clue=a, confirmed=False, outcome="查无实据")
    b = file_clue(rworld, target="person", company=None, person_name="刘某")
    svc.clue_accept(actor=police, clue=b)
    svc.clue_conclude(actor=police, clue=b, confirmed=True, outcome="已查实，移送起诉")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == ("unfounded", "confirmed")
    assert a.credit_event is None and b.credit_event is None
    assert not CreditEvent.objects.filter(rule__code="FJ03").exists()


def test_each_view_is_audited(rworld):
    clue = file_clue(rworld)
    svc.clue_viewed(actor=rworld.w.users["police"], clue=clue)
    svc.clue_viewed(actor=rworld.w.users["city"], clue=clue)
    rows = AuditLog.objects.filter(object_type="recheck.cluereport", object_id=str(clue.pk), action=AuditAction.REVEAL)
    assert sorted(rows.values_list("actor_username", flat=True)) == ["p_police", "root_city"]
