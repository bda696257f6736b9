"""Committee elections (rules.md §1; issue 5 item 7): seats, nomination, vetting, the vote, the
declaration, filing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wuye.accounts.models import Role
from wuye.conftest import make_user
from wuye.core.calendar import add_months, add_years
from wuye.core.errors import ConflictError, ServiceError
from wuye.core.models import AuditLog
from wuye.governance.elections import services as svc
from wuye.governance.models import Candidate, Election, ElectionEvent, GovernanceSettings
from wuye.governance.votes.tally import HALF, exceeds
from wuye.notifications.models import Notification
from wuye.registry.models import CommitteeMember, OwnersCommittee

from .election_support import add_owners, declare, open_election, voting_election, with_candidates

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- seats and opening


@pytest.mark.parametrize("seats", [4, 6, 12, 3, 13, 10, 0])
def test_seat_count_refused(world, seats):
    with pytest.raises(ServiceError) as exc:
        open_election(world, seats=seats)
    assert "5 至 11 人单数" in str(exc.value)
    assert not Election.objects.exists()


@pytest.mark.parametrize("seats", [5, 7, 9, 11])
def test_seat_count_ok(world, seats):
    e = open_election(world, seats=seats)
    assert e.seats == seats and e.status == Election.Status.NOMINATING


@given(st.integers(min_value=-3, max_value=30))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_check_seats_property(seats):
    gs = GovernanceSettings()
    ok = 5 <= seats <= 11 and seats % 2 == 1
    if ok:
        svc.check_seats(seats, gs)
    else:
        with pytest.raises(ServiceError):
            svc.check_seats(seats, gs)


def test_term_over_five_years_refused(world):
    with pytest.raises(ServiceError, match="任期"):
        svc.election_open(actor=world.users["street"], estate=world.estate_a, title="x", seats=5, term_years=6)


def test_open_writes_event_audit_and_notifies(world):
    e = open_election(world, actor=world.users["community"])
    assert list(ElectionEvent.objects.filter(election=e).values_list("action", flat=True)) == ["open"]
    assert AuditLog.objects.filter(object_type="governance.election", object_id=str(e.pk), action="create").exists()
    assert Notification.objects.filter(user=world.users["committee"], subject__contains="选举").exists()


@pytest.mark.parametrize("who", ["district", "city", "committee", "resident", "manager_a", "department"])
def test_only_street_or_community_open(world, who):
    with pytest.raises(ServiceError, match="街道办事处或社区居委会"):
        open_election(world, actor=world.users[who])


def test_other_street_cannot_open(world):
    other = make_user("street2", Role.STREET, street=world.s2)
    with pytest.raises(ServiceError):
        open_election(world, actor=other)


def test_one_running_election_per_estate(world):
    open_election(world)
    with pytest.raises(ServiceError, match="进行中"):
        open_election(world)


# ---------------------------------------------------------------- nomination and vetting


def test_nominate_party_member_and_vet(world):
    owners = add_owners(world, 2)
    e = open_election(world)
    c = svc.candidate_nominate(actor=world.users["committee"], election=e, owner=owners[0], is_party_member=True,
                               statement="退休教师，热心公益")
    assert c.is_party_member and c.vetting == Candidate.Vetting.PENDING and c.name == owners[0].name
    c = svc.candidate_vet(actor=world.users["community"], candidate=c, approved=True, note="符合条件")
    assert c.vetting == Candidate.Vetting.APPROVED and c.vetted_by == world.users["community"] and c.vetted_at
    assert c.vetting_note == "符合条件"
    c2 = svc.candidate_nominate(actor=world.users["street"], election=e, owner=owners[1])
    with pytest.raises(ServiceError, match="审查意见"):
        svc.candidate_vet(actor=world.users["community"], candidate=c2, approved=False)
    c2 = svc.candidate_vet(actor=world.users["community"], candidate=c2, approved=False, note="长期拖欠物业费")
    assert c2.vetting == Candidate.Vetting.REJECTED
    assert list(ElectionEvent.objects.filter(election=e).values_list("action", flat=True)) == [
        "open", "nominate", "vet", "nominate", "vet"]
    assert AuditLog.objects.filter(object_type="governance.candidate", object_id=str(c2.pk), action="update").exists()


def test_vetting_is_once_and_by_community_only(world):
    owners = add_owners(world, 1)
    e = open_election(world)
    c = svc.candidate_nominate(actor=world.users["street"], election=e, owner=owners[0])
    for who in ("street", "district", "committee"):
        with pytest.raises(ServiceError, match="社区党组织"):
            svc.candidate_vet(actor=world.users[who], candidate=c, approved=True)
    svc.candidate_vet(actor=world.users["community"], candidate=c, approved=True)
    with pytest.raises(ConflictError):
        svc.candidate_vet(actor=world.users["community"], candidate=c, approved=False, note="x")


def test_candidate_must_be_owner_of_estate(world):
    e = open_election(world)
    with pytest.raises(ServiceError, match="本小区业主"):
        svc.candidate_nominate(actor=world.users["street"], election=e, owner=world.owner_b)
    svc.candidate_nominate(actor=world.users["street"], election=e, owner=world.owner_a)
    with pytest.raises(ServiceError, match="已是本次选举"):
        svc.candidate_nominate(actor=world.users["street"], election=e, owner=world.owner_a)


def test_resident_cannot_nominate(world):
    e = open_election(world)
    with pytest.raises(ServiceError, match="无权"):
        svc.candidate_nominate(actor=world.users["resident"], election=e, owner=world.owner_a)


# ---------------------------------------------------------------- start the vote


def test_start_vote_needs_enough_approved_and_all_vetted(world):
    owners = add_owners(world, 6)
    e = open_election(world)
    with_candidates(world, e, owners[:4])
    with pytest.raises(ServiceError, match="少于应选人数"):
        svc.election_start_vote(actor=world.users["street"], election=e)
    with_candidates(world, e, owners[4:5])
    with_candidates(world, e, owners[5:6], approve=False)
    with pytest.raises(ServiceError, match="未经社区党组织审查"):
        svc.election_start_vote(actor=world.users["street"], election=e)
    svc.candidate_vet(actor=world.users["community"], candidate=Candidate.objects.get(owner=owners[5]),
                      approved=False, note="不符合条件")
    svc.election_start_vote(actor=world.users["street"], election=e)
    e.refresh_from_db()
    assert e.status == Election.Status.VOTING and e.motion is None
    with pytest.raises(ServiceError, match="不能执行“提名候选人”"):
        svc.candidate_nominate(actor=world.users["street"], election=e, owner=world.owner_a)


def test_start_vote_links_a_committee_election_motion(world):
    owners = add_owners(world, 5)
    e = open_election(world)
    with_candidates(world, e, owners)
    now = timezone.now()
    today = timezone.localdate()
    opens = timezone.make_aware(datetime.combine(today + timedelta(days=16), time(9)))
    svc.election_start_vote(actor=world.users["street"], election=e, notice_date=today, voting_opens_at=opens,
                            voting_closes_at=opens + timedelta(days=14), now=now)
    e.refresh_from_db()
    assert e.motion is not None and e.motion.matter == "committee_election" and e.motion.estate_id == e.estate_id
    assert e.motion.total_heads == 6  # five new owners + 王秀英
    client = Client()
    client.force_login(world.users["street"], backend="django.contrib.auth.backends.ModelBackend")
    assert 'data-testid="motion"' in client.get(reverse("governance:election_detail", args=[e.pk])).content.decode()
    with pytest.raises(ServiceError, match="尚未结束计票"):
        svc.election_declare(actor=world.users["street"], election=e, elected_on=today, results={},
                             participating_area=Decimal("100"), participating_heads=5)


def test_start_vote_half_dates_refused(world):
    owners = add_owners(world, 5)
    e = open_election(world)
    with_candidates(world, e, owners)
    with pytest.raises(ServiceError, match="同时填写"):
        svc.election_start_vote(actor=world.users["street"], election=e, notice_date=date(2026, 11, 20))


# ---------------------------------------------------------------- declare


def test_declare_creates_current_committee(world):
    e, cands = voting_election(world, n_candidates=6, party=(0, 1, 2))
    old = world.committee_a
    d = declare(world, e, cands, passing=5)
    e.refresh_from_db()
    assert e.status == Election.Status.ELECTED
    assert e.elected_on == date(2026, 11, 1) and e.filing_due == date(2026, 12, 1)
    assert len(d.elected) == 5 and d.warnings == []
    committee = OwnersCommittee.objects.get(estate=world.estate_a, is_current=True)
    assert committee == e.committee and committee.term_start == date(2026, 11, 1)
    assert committee.term_end == date(2031, 11, 1)
    old.refresh_from_db()
    assert not old.is_current
    members = list(CommitteeMember.objects.filter(committee=committee).order_by("id"))
    assert [m.name for m in members] == [c.name for c in cands[:5]]
    assert members[0].position == "director" and {m.position for m in members[1:]} == {"member"}
    assert [m.is_party_member for m in members] == [True, True, True, False, False]
    assert all(m.owner_id for m in members)
    assert list(Candidate.objects.filter(election=e, elected=True).order_by("id")) == cands[:5]
    c6 = Candidate.objects.get(pk=cands[5].pk)
    assert c6.yes_area == Decimal("300.00") and c6.yes_heads == 30 and not c6.elected
    assert ElectionEvent.objects.filter(election=e, action="declare").exists()
    assert AuditLog.objects.filter(object_type="registry.ownerscommittee", object_id=str(committee.pk)).exists()
    assert Notification.objects.filter(user=world.users["street"], subject__contains="备案").exists()
    assert Notification.objects.filter(user=world.users["district"], subject__contains="备案").exists()


@pytest.mark.parametrize("passing", [4, 6, 0])
def test_declare_refuses_even_or_too_few(world, passing):
    e, cands = voting_election(world, seats=7, n_candidates=8)
    with pytest.raises(ServiceError, match="单数组成"):
        declare(world, e, cands, passing=passing)
    e.refresh_from_db()
    assert e.status == Election.Status.VOTING
    assert OwnersCommittee.objects.get(estate=world.estate_a, is_current=True) == world.committee_a


def test_more_passing_than_seats_takes_the_best(world):
    e, cands = voting_election(world, seats=5, n_candidates=7)
    results = {c.pk: (Decimal(600 + i), 60 + i) for i, c in enumerate(cands)}
    d = svc.election_declare(actor=world.users["community"], election=e, elected_on=date(2026, 11, 1), results=results,
                             participating_area=Decimal("1000"), participating_heads=100,
                             total_area=Decimal("1200"), total_heads=120)
    assert [c.pk for c in d.elected] == [c.pk for c in reversed(cands)][:5]
    assert CommitteeMember.objects.get(committee=d.committee, position="director").name == cands[-1].name


def test_tie_at_the_cut_refused(world):
    e, cands = voting_election(world, seats=5, n_candidates=6)
    results = {c.pk: (Decimal("600"), 60) for c in cands}
    with pytest.raises(ServiceError, match="得票相同"):
        svc.election_declare(actor=world.users["street"], election=e, elected_on=date(2026, 11, 1), results=results,
                             participating_area=Decimal("1000"), participating_heads=100,
                             total_area=Decimal("1200"), total_heads=120)


def test_exactly_half_is_not_elected(world):
    """过半数 is strictly more than half: 500 of 1000 m² or 50 of 100 heads is not enough."""
    e, cands = voting_election(world, seats=5, n_candidates=7)
    results = {c.pk: (Decimal("500.01"), 51) for c in cands[:5]}
    results[cands[5].pk] = (Decimal("500.00"), 90)
    results[cands[6].pk] = (Decimal("900.00"), 50)
    d = svc.election_declare(actor=world.users["street"], election=e, elected_on=date(2026, 11, 1), results=results,
                             participating_area=Decimal("1000"), participating_heads=100,
                             total_area=Decimal("1200"), total_heads=120)
    assert {c.pk for c in d.elected} == {c.pk for c in cands[:5]}


@given(area=st.integers(0, 2000), heads=st.integers(0, 200), p_area=st.integers(1, 2000), p_heads=st.integers(1, 200))
@settings(max_examples=200, deadline=None)
def test_more_than_half_property(area, heads, p_area, p_heads):
    area_c = Decimal(area) / 100
    p_area_c = Decimal(p_area) / 100
    expected = 2 * area > p_area and 2 * heads > p_heads
    got = exceeds(area_c, p_area_c, HALF) and exceeds(heads, p_heads, HALF)
    assert got == expected


def test_party_share_warning_not_refusal(world):
    e, cands = voting_election(world, n_candidates=5, party=(0, 1))
    d = declare(world, e, cands, passing=5)
    assert len(d.warnings) == 1 and "40.0%" in d.warnings[0] and "50%" in d.warnings[0]
    assert ElectionEvent.objects.filter(election=e, action="party_warning").exists()
    e.refresh_from_db()
    assert e.status == Election.Status.ELECTED


def test_party_share_exactly_at_threshold_no_warning(world):
    GovernanceSettings.objects.update_or_create(pk=1, defaults={"party_share_percent": 60})
    e, cands = voting_election(world, n_candidates=5, party=(0, 1, 2))
    assert declare(world, e, cands, passing=5).warnings == []


def test_chosen_director(world):
    e, cands = voting_election(world, n_candidates=5)
    d = declare(world, e, cands, passing=5, director=cands[3])
    assert CommitteeMember.objects.get(committee=d.committee, position="director").name == cands[3].name


def test_director_must_be_elected(world):
    e, cands = voting_election(world, n_candidates=6)
    with pytest.raises(ServiceError):
        declare(world, e, cands, passing=5, director=cands[5])


def test_quorum_checked_when_totals_given(world):
    e, cands = voting_election(world, n_candidates=5)
    with pytest.raises(ServiceError, match="三分之二"):
        declare(world, e, cands, passing=5, total_area=Decimal("1500.01"), total_heads=150)
    with pytest.raises(ServiceError, match="三分之二"):
        declare(world, e, cands, passing=5, total_area=Decimal("1500.00"), total_heads=151)
    d = declare(world, e, cands, passing=5, total_area=Decimal("1500.00"), total_heads=150)  # exactly 2/3 is enough
    assert len(d.elected) == 5


def test_declare_requires_voting_and_organiser(world):
    owners = add_owners(world, 5)
    e = open_election(world)
    cands = with_candidates(world, e, owners)
    with pytest.raises(ServiceError, match="不能执行“公布选举结果”"):
        declare(world, e, cands, passing=5)
    svc.election_start_vote(actor=world.users["street"], election=e)
    for who in ("district", "committee", "city"):
        with pytest.raises(ServiceError, match="无权"):
            declare(world, e, cands, passing=5, actor=world.users[who])


def test_future_elected_on_refused(world):
    e, cands = voting_election(world, n_candidates=5)
    with pytest.raises(ServiceError, match="当选日期"):
        declare(world, e, cands, passing=5, elected_on=date(2099, 1, 1))


# ---------------------------------------------------------------- filing


def test_file_within_30_days(world):
    """Elected on Thursday 1 October 2026: the 30th day is Saturday 31 October, a rest day, so the
    filing period ends on Monday 2 November (民法典 第二百零三条). (This test used to expect the
    raw 31 October.)"""
    e, cands = voting_election(world, n_candidates=5)
    declare(world, e, cands, passing=5, elected_on=date(2026, 10, 1))
    e.refresh_from_db()
    assert e.filing_due == date(2026, 11, 2)
    assert svc.filing_is_late(e, today=date(2026, 11, 2)) is False
    assert svc.filing_is_late(e, today=date(2026, 11, 3)) is True
    svc.election_file(actor=world.users["district"], election=e, filed_on=date(2026, 11, 2))
    e.refresh_from_db()
    assert e.status == Election.Status.FILED and e.filed_on == date(2026, 11, 2) and not svc.filing_is_late(e)
    e.committee.refresh_from_db()
    assert e.committee.filed_on == date(2026, 11, 2)
    assert ElectionEvent.objects.filter(election=e, action="file").exists()
    with pytest.raises(ServiceError, match="不能执行“登记备案”"):
        svc.election_file(actor=world.users["street"], election=e, filed_on=date(2026, 11, 3))


def test_late_filing_recorded_as_late(world):
    e, cands = voting_election(world, n_candidates=5)
    declare(world, e, cands, passing=5, elected_on=date(2026, 10, 1))
    e.refresh_from_db()
    svc.election_file(actor=world.users["street"], election=e, filed_on=date(2026, 11, 3))
    e.refresh_from_db()
    assert svc.filing_is_late(e)
    assert "逾期" in ElectionEvent.objects.get(election=e, action="file").note


@pytest.mark.parametrize("who", ["community", "committee", "city", "district2"])
def test_only_street_or_district_file(world, who):
    e, cands = voting_election(world, n_candidates=5)
    declare(world, e, cands, passing=5)
    with pytest.raises(ServiceError, match="无权"):
        svc.election_file(actor=world.users[who], election=e, filed_on=date(2026, 11, 10))


def test_cancel_needs_reason(world):
    e = open_election(world)
    with pytest.raises(ServiceError):
        svc.election_cancel(actor=world.users["street"], election=e, note=" ")
    svc.election_cancel(actor=world.users["community"], election=e, note="筹备组重新组建")
    e.refresh_from_db()
    assert e.status == Election.Status.CANCELLED
    open_election(world)  # a new election may then be opened


def test_conflict_when_status_moved_underneath(world):
    e, cands = voting_election(world, n_candidates=5)
    stale = Election.objects.get(pk=e.pk)
    svc.election_cancel(actor=world.users["street"], election=e, note="x")
    with pytest.raises(ServiceError):
        declare(world, stale, cands, passing=5)


def test_add_months_clamps():
    """The committee's term and the reminder horizon use the one calendar helper (core.calendar)."""
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_years(date(2024, 2, 29), 5) == date(2029, 2, 28)
