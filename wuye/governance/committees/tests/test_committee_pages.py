"""Every page of party building and committee supervision renders for its users and refuses the
others (issue 19: pages with menu entries for community, street, committee, company, resident)."""

from __future__ import annotations

from django.utils import timezone

from wuye.governance.committees import services as cgov
from wuye.governance.committees.models import CommitteeMeeting, ConflictDeclaration, MemberChange
from wuye.governance.party import services as party
from wuye.governance.party.models import PartyMember


def test_party_pages(world, login, client):
    c = world.users["community"]
    root = party.organisation_create(actor=c, level="community", name="多福巷社区党委", community=world.c1,
                                     secretary_name="周红", secretary_phone="13911112222")
    login(c)
    for url in ("/governance/party/", "/governance/party/organisations/", "/governance/party/organisations/new/",
                f"/governance/party/organisations/{root.pk}/", "/governance/party/flags/", "/governance/party/meetings/"):
        r = client.get(url)
        assert r.status_code == 200, url
    html = client.get("/governance/party/organisations/").content.decode()
    assert "139****2222" in html and "13911112222" not in html
    r = client.post("/governance/party/organisations/new/", {
        "level": "estate", "name": "幸福里小区党支部", "community": world.c1.pk, "parent": root.pk,
        "estates": [world.estate_a.pk], "secretary_name": "孙丽"})
    assert r.status_code == 302
    branch = root.branches.get()
    r = client.post(f"/governance/party/organisations/{branch.pk}/", {"owner": world.owner_a.pk})
    assert r.status_code == 200 and "须取得本人书面同意" in r.content.decode() and not PartyMember.objects.exists()
    r = client.post(f"/governance/party/organisations/{branch.pk}/", {
        "owner": world.owner_a.pk, "consent": "on", "consent_on": "2026-01-05"})
    assert r.status_code == 302 and PartyMember.objects.count() == 1
    login(world.users["manager_a"])
    assert client.get("/governance/party/").status_code == 403
    assert client.get(f"/governance/party/organisations/{root.pk}/").status_code == 404
    login(world.users["city"])
    assert client.get("/governance/party/settings/").status_code == 200


def test_committee_pages(world, login, client):
    login(world.users["committee"])
    for url in ("/governance/oversight/decisions/", "/governance/oversight/decisions/new/",
                "/governance/oversight/meetings/", "/governance/oversight/meetings/new/",
                "/governance/oversight/questions/", f"/governance/oversight/committees/{world.committee_a.pk}/"):
        assert client.get(url).status_code == 200, url
    r = client.post("/governance/oversight/meetings/new/", {"held_on": timezone.localdate().isoformat(), "title": "第五次会议",
                                                            "attendees": "全体委员", "minutes": "纪要"})
    assert r.status_code == 302 and CommitteeMeeting.objects.count() == 1
    r = client.post("/governance/oversight/decisions/new/", {
        "title": "督促保洁整改", "matter": "contract", "decided_on": timezone.localdate().isoformat(), "body": "督促"})
    assert r.status_code == 302
    member = world.committee_a.members.first()
    r = client.post(f"/governance/oversight/committees/{world.committee_a.pk}/", {
        "form": "conflict", "ci-member": member.pk, "ci-kind": "contract", "ci-detail": "与物业公司有保洁分包合同"})
    assert r.status_code == 302 and ConflictDeclaration.objects.count() == 1
    r = client.post(f"/governance/oversight/committees/{world.committee_a.pk}/", {
        "form": "change", "mc-kind": "substitution", "mc-substitute_name": "递补乙", "mc-legal_basis": "议事规则第九条",
        "mc-effective_on": timezone.localdate().isoformat()})
    assert r.status_code == 302 and MemberChange.objects.count() == 1
    login(world.users["street"])
    for url in ("/governance/oversight/committees/", f"/governance/oversight/committees/{world.committee_a.pk}/",
                "/governance/oversight/decisions/?due=overdue", "/governance/oversight/questions/?status=escalated",
                f"/governance/oversight/estates/{world.estate_a.pk}/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/governance/oversight/").status_code == 302  # one estate: straight to it
    assert "与物业公司有保洁分包合同" in client.get(f"/governance/oversight/committees/{world.committee_a.pk}/").content.decode()
    login(world.users["resident"])
    assert client.get("/governance/oversight/").status_code == 302
    assert client.get("/governance/oversight/committees/").status_code == 403
    login(world.users["city"])
    assert client.get("/governance/oversight/settings/").status_code == 200
    r = client.post("/governance/oversight/settings/", {"review_days": 7, "review_unit": "calendar_days", "answer_days": 5,
                                                        "answer_unit": "working_days", "correction_days": 20})
    assert r.status_code == 302


def test_review_period_follows_the_setting(world):
    from wuye.core.calendar import PeriodUnit, period_last_day
    from wuye.governance.committees.models import CommitteeSettings

    s = CommitteeSettings.current()
    s.review_days, s.review_unit = 5, PeriodUnit.CALENDAR_DAYS
    s.save()
    d = cgov.decision_record(actor=world.users["committee"], title="t", body="b", matter="routine",
                             decided_on=timezone.localdate())
    assert d.review_due == period_last_day(timezone.localdate(), 5, PeriodUnit.CALENDAR_DAYS)
    s.review_unit = PeriodUnit.WORKING_DAYS
    s.save()
    d2 = cgov.decision_record(actor=world.users["committee"], title="t2", body="b", matter="routine",
                              decided_on=timezone.localdate())
    assert d2.review_due == period_last_day(timezone.localdate(), 5, PeriodUnit.WORKING_DAYS)
    assert d2.review_due >= d.review_due
