"""Party organisations, joint meetings and follow-ups, the quarterly flag, the coverage by street
and who sees which meeting (issue 19 §1–2, §11)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from wuye.core.errors import ServiceError
from wuye.core.models import AuditLog
from wuye.governance.party import selectors as sel
from wuye.governance.party import services as svc
from wuye.governance.party.models import FollowUp, FollowUpEvent, JointMeeting, MeetingFlag, PartyOrganisation
from wuye.notifications.models import Notification
from wuye.registry import services as rs


def _at(d: date, h: int = 15) -> datetime:
    return datetime(d.year, d.month, d.day, h, 0, tzinfo=timezone.get_default_timezone())


def record(world, *, when=None, decisions=None, actor=None):
    when = when or timezone.now() - timedelta(days=1)
    due = timezone.localdate() + timedelta(days=14)
    decisions = decisions if decisions is not None else [
        {"decision": "三个月内完成3号楼外墙维修", "owner_unit": "company", "deadline": due},
        {"decision": "业委会牵头公示停车收费方案", "owner_unit": "committee", "deadline": due}]
    return svc.meeting_record(actor=actor or world.users["community"], estate=world.estate_a, held_at=when,
                              agenda="外墙维修；停车收费", attendees="社区党委书记、业委会主任、项目经理",
                              minutes="会议议定两项事项。", decisions=decisions)


@pytest.fixture
def orgs(world):
    root = svc.organisation_create(actor=world.users["community"], level="community", name="多福巷社区党委",
                                   community=world.c1, secretary_name="周红", secretary_phone="13911112222")
    branch = svc.organisation_create(actor=world.users["community"], level="estate", name="幸福里小区党支部",
                                     community=world.c1, parent=root, estates=[world.estate_a], secretary_name="孙丽")
    return root, branch


def test_branch_must_link_to_community_organisation_and_own_estates(world, orgs):
    root, _branch = orgs
    with pytest.raises(ServiceError, match="隶属于本社区"):
        svc.organisation_create(actor=world.users["community"], level="estate", name="无上级支部", community=world.c1,
                                estates=[world.estate_a], secretary_name="甲")
    with pytest.raises(ServiceError):  # another community's estate
        svc.organisation_create(actor=world.users["community"], level="estate", name="跨社区支部", community=world.c1,
                                parent=root, estates=[world.estate_b], secretary_name="乙")
    with pytest.raises(ServiceError, match="无权"):
        svc.organisation_create(actor=world.users["manager_a"], level="community", name="企业", community=world.c1,
                                secretary_name="丙")


def test_party_member_needs_consent_and_a_home_in_the_branch(world, orgs):
    _root, branch = orgs
    with pytest.raises(ServiceError, match="同意"):
        svc.party_member_add(actor=world.users["community"], organisation=branch, owner=world.owner_a, consent_on=None)
    with pytest.raises(ServiceError, match="没有登记房屋"):
        svc.party_member_add(actor=world.users["community"], organisation=branch, owner=world.owner_b,
                             consent_on=date(2026, 1, 5))
    m = svc.party_member_add(actor=world.users["community"], organisation=branch, owner=world.owner_a,
                             consent_on=date(2026, 1, 5))
    assert AuditLog.objects.filter(object_type="party.partymember", object_id=str(m.pk)).exists()
    with pytest.raises(ServiceError, match="已登记"):
        svc.party_member_add(actor=world.users["community"], organisation=branch, owner=world.owner_a,
                             consent_on=date(2026, 1, 5))


def test_meeting_turns_each_decision_into_a_followup_and_notifies_owner_units(world):
    m = record(world)
    items = list(m.followups.order_by("number"))
    assert [f.owner_unit for f in items] == ["company", "committee"]
    assert all(f.status == FollowUp.Status.OPEN for f in items)
    assert m.company_id == world.company_a.pk and m.street_id == world.s1.pk
    assert Notification.objects.filter(user=world.users["manager_a"]).exists()
    assert Notification.objects.filter(user=world.users["committee"]).exists()
    assert AuditLog.objects.filter(object_type="party.jointmeeting", object_id=str(m.pk)).exists()


def test_only_the_community_or_street_of_the_estate_records(world):
    for who in ("manager_a", "committee", "resident", "district"):
        with pytest.raises(ServiceError):
            record(world, actor=world.users[who])
    other = world.users["community"].__class__.objects.create(username="c2x", role="community", community=world.c2)
    with pytest.raises(ServiceError):
        record(world, actor=other)
    assert record(world, actor=world.users["street"]).pk


def test_decision_needs_owner_unit_and_deadline_not_before_the_meeting(world):
    with pytest.raises(ServiceError, match="期限"):
        record(world, decisions=[{"decision": "x", "owner_unit": "company", "deadline": date(2020, 1, 1)}])
    with pytest.raises(ServiceError, match="责任单位"):
        record(world, decisions=[{"decision": "x", "owner_unit": "", "deadline": timezone.localdate()}])


def test_followup_workflow_company_closes_its_own_item_only(world):
    m = record(world)
    company_item, committee_item = m.followups.order_by("number")
    with pytest.raises(ServiceError):  # the company cannot close the committee's item
        svc.followup_act(actor=world.users["manager_a"], followup=committee_item, action="complete", note="x")
    with pytest.raises(ServiceError, match="理由"):
        svc.followup_act(actor=world.users["manager_a"], followup=company_item, action="complete", note="")
    svc.followup_act(actor=world.users["staff_a"], followup=company_item, action="start")
    svc.followup_act(actor=world.users["manager_a"], followup=company_item, action="complete", note="已完成维修")
    company_item.refresh_from_db()
    assert company_item.status == FollowUp.Status.DONE and company_item.result == "已完成维修" and company_item.done_at
    assert list(FollowUpEvent.objects.filter(followup=company_item).values_list("action", flat=True)) == ["start", "complete"]
    with pytest.raises(ServiceError):  # the other company has no right
        svc.followup_act(actor=world.users["manager_b"], followup=company_item, action="reopen", note="x")
    svc.followup_act(actor=world.users["community"], followup=company_item, action="reopen", note="仍有渗水")
    company_item.refresh_from_db()
    assert company_item.status == FollowUp.Status.IN_PROGRESS


def test_company_sees_only_its_own_meetings_owners_of_another_estate_see_nothing(world):
    m = record(world)
    assert sel.meetings_visible_to(world.users["manager_a"]).filter(pk=m.pk).exists()
    assert not sel.meetings_visible_to(world.users["manager_b"]).filter(pk=m.pk).exists()
    assert sel.meetings_visible_to(world.users["resident"]).filter(pk=m.pk).exists()
    root = world.users["city"]
    ob = world.owner_b
    other = world.users["resident"].__class__.objects.create(username="res_b", role="resident", owner=ob)
    assert not sel.meetings_visible_to(other).exists()
    assert not sel.meetings_visible_to(world.users["district2"]).exists()
    assert root  # noqa


def test_meeting_pages_scope(world, login, client):
    m = record(world)
    login(world.users["manager_a"])
    assert client.get(f"/governance/party/meetings/{m.pk}/").status_code == 200
    login(world.users["manager_b"])
    assert client.get(f"/governance/party/meetings/{m.pk}/").status_code == 404
    assert client.get("/governance/party/meetings/").status_code == 200
    assert client.post("/governance/party/meetings/new/", {}).status_code == 403
    assert client.get(f"/governance/party/meetings/{m.pk}/", follow=False).status_code == 404


def test_meeting_form_records_two_decisions(world, login, client):
    login(world.users["community"])
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    held = timezone.localtime(timezone.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    data = {"estate": world.estate_a.pk, "held_at": held, "agenda": "议题", "attendees": "三方", "minutes": "纪要",
            "d-TOTAL_FORMS": 3, "d-INITIAL_FORMS": 0,
            "d-0-decision": "企业维修路灯", "d-0-owner_unit": "company", "d-0-deadline": due,
            "d-1-decision": "业委会公示", "d-1-owner_unit": "committee", "d-1-deadline": due}
    r = client.post("/governance/party/meetings/new/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    m = JointMeeting.objects.get()
    assert m.followups.count() == 2
    assert client.get("/governance/party/meetings/new/").status_code == 200
    assert client.put("/governance/party/meetings/").status_code == 405


def test_quarterly_flag_is_raised_once_per_estate_and_period(world):
    today = date(2026, 7, 10)  # last complete quarter: April–June
    assert sel.last_complete_period(today) == (date(2026, 4, 1), date(2026, 6, 30))
    # estate A held a meeting in May; estate B none
    record(world, when=_at(date(2026, 5, 20)), decisions=[])
    assert svc.meeting_flags_sweep(today=today) == 1
    assert svc.meeting_flags_sweep(today=today) == 0  # idempotent
    flag = MeetingFlag.objects.get()
    assert flag.estate_id == world.estate_b.pk and flag.period_start == date(2026, 4, 1)
    _period, rows = sel.flagged_estates_for(world.users["city"], today=today)
    assert [e.pk for e in rows] == [world.estate_b.pk]
    _period, rows = sel.flagged_estates_for(world.users["community"], today=today)
    assert rows == []  # community 1's only estate met
    # a meeting on the last day of the quarter counts; the day after does not
    assert sel.estates_without_meeting(date(2026, 4, 1), date(2026, 6, 30)).filter(pk=world.estate_a.pk).count() == 0


def test_quarter_boundaries():
    assert sel.period_of(date(2026, 3, 31), 3) == (date(2026, 1, 1), date(2026, 3, 31))
    assert sel.period_of(date(2026, 4, 1), 3) == (date(2026, 4, 1), date(2026, 6, 30))
    assert sel.period_of(date(2026, 12, 31), 3) == (date(2026, 10, 1), date(2026, 12, 31))
    assert sel.last_complete_period(date(2026, 1, 15), 3) == (date(2025, 10, 1), date(2025, 12, 31))


def test_followup_reminders_are_idempotent(world):
    m = record(world)
    f = m.followups.first()
    FollowUp.objects.filter(pk=f.pk).update(deadline=timezone.localdate() + timedelta(days=1))
    FollowUp.objects.exclude(pk=f.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    assert svc.followups_remind() == 2
    assert svc.followups_remind() == 0


def test_party_member_share_by_street(world, django_assert_max_num_queries):
    # committee A: 孙丽 (Party) + 4 more, 2 of them Party → 3/5 = 60 %; committee B: 2 members, none Party
    root = world.users["city"]
    for i, party in enumerate((True, True, False, False)):
        rs.committee_member_add(actor=root, committee=world.committee_a, name=f"委员{i}", position="member",
                                is_party_member=party)
    for i in range(2):
        rs.committee_member_add(actor=root, committee=world.committee_b, name=f"乙委员{i}", position="member")
    svc.organisation_create(actor=root, level="community", name="社区党委", community=world.c1, secretary_name="周")
    branch_parent = PartyOrganisation.objects.get()
    svc.organisation_create(actor=root, level="estate", name="支部", community=world.c1, parent=branch_parent,
                            estates=[world.estate_a], secretary_name="孙")
    with django_assert_max_num_queries(10):
        rows, target = sel.coverage_by_street(world.users["city"])
    by = {r.street.pk: r for r in rows}
    a, b = by[world.s1.pk], by[world.s2.pk]
    assert (a.estates, a.with_branch, a.committees, a.committees_with_party, a.members, a.party_members) == (1, 1, 1, 1, 5, 3)
    assert str(a.party_share) == "60.0" and not a.below(target)
    assert (b.with_branch, b.committees_with_party, b.members, b.party_members) == (0, 0, 2, 0)
    assert str(b.party_share) == "0.0" and b.below(target)
    rows, _t = sel.coverage_by_street(world.users["street"])
    assert [r.street.pk for r in rows] == [world.s1.pk]
    rows, _t = sel.coverage_by_street(world.users["manager_a"])
    assert rows == []


def test_coverage_page(world, login, client):
    login(world.users["district"])
    r = client.get("/governance/party/")
    assert r.status_code == 200 and "党员占比" in r.content.decode()
    login(world.users["resident"])
    assert client.get("/governance/party/").status_code == 403
