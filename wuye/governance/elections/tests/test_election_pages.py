"""Pages of committee elections: happy paths, wrong method, wrong user (403/404), the database
afterwards, events and audit rows, and query counts of the lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wuye.core.models import AuditLog
from wuye.governance.elections import services as svc
from wuye.governance.models import Candidate, Election, ElectionEvent
from wuye.registry import services as rs
from wuye.registry.models import OwnersCommittee

from .election_support import add_owners, declare, open_election, voting_election, with_candidates

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    client.get(url)  # warm up the session and per-process caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _many_elections(world, n):
    for i in range(n):
        e = open_election(world, title=f"第{i + 2}届选举")
        svc.election_cancel(actor=world.users["street"], election=e, note="重新筹备")


# ---------------------------------------------------------------- list


@pytest.mark.parametrize("who", ["city", "district", "street", "community", "committee", "resident"])
def test_list_readers(world, login, who):
    open_election(world)
    r = login(world.users[who]).get(reverse("governance:election_list"))
    assert r.status_code == 200
    assert "幸福里小区第二届业主委员会选举" in r.content.decode()


@pytest.mark.parametrize("who", ["manager_a", "staff_a", "sysadmin", "auditor", "outsider", "department"])
def test_list_refused_roles(world, login, who):
    r = login(world.users[who]).get(reverse("governance:election_list"))
    assert r.status_code == 403
    assert AuditLog.objects.filter(action="denied", actor=world.users[who]).exists()


def test_list_scoped_and_anonymous(world, login, client):
    open_election(world)
    r = client.get(reverse("governance:election_list"))
    assert r.status_code == 302 and "login" in r["Location"]
    r = login(world.users["district2"]).get(reverse("governance:election_list"))
    assert r.status_code == 200 and "幸福里" not in r.content.decode() and 'data-testid="empty"' in r.content.decode()


def test_list_wrong_method(world, login):
    assert login(world.users["street"]).post(reverse("governance:election_list")).status_code == 405


def test_list_filters_and_htmx(world, login):
    open_election(world)
    c = login(world.users["street"])
    r = c.get(reverse("governance:election_list"), {"status": "filed"})
    assert "幸福里小区第二届" not in r.content.decode()
    r = c.get(reverse("governance:election_list"), {"q": "幸福"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="wy-results")
    body = r.content.decode()
    assert "幸福里小区第二届" in body and "<html" not in body


def test_list_query_count_does_not_grow(world, login, django_assert_num_queries):
    c = login(world.users["district"])
    url = reverse("governance:election_list")
    _many_elections(world, 1)
    n = _count(c, url)
    _many_elections(world, 6)
    with django_assert_num_queries(n):
        assert c.get(url).status_code == 200


# ---------------------------------------------------------------- new


def test_new_happy_path(world, login):
    c = login(world.users["community"])
    assert c.get(reverse("governance:election_new")).status_code == 200
    r = c.post(reverse("governance:election_new"), {"estate": world.estate_a.pk, "title": "幸福里第二届业委会选举",
                                                    "seats": 7, "term_years": 5})
    e = Election.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("governance:election_detail", args=[e.pk])
    assert e.seats == 7 and e.created_by == world.users["community"]
    assert ElectionEvent.objects.filter(election=e, action="open").exists()
    assert AuditLog.objects.filter(object_type="governance.election", object_id=str(e.pk), action="create").exists()


@pytest.mark.parametrize("seats", [4, 6, 12])
def test_new_even_seats_refused_with_message(world, login, seats):
    c = login(world.users["street"])
    r = c.post(reverse("governance:election_new"), {"estate": world.estate_a.pk, "title": "选举", "seats": seats,
                                                    "term_years": 5})
    assert r.status_code == 400 and "单数组成" in r.content.decode()
    assert 'value="选举"' in r.content.decode()  # what was typed is kept
    assert not Election.objects.exists()


def test_new_estate_outside_scope_refused(world, login):
    r = login(world.users["street"]).post(reverse("governance:election_new"), {
        "estate": world.estate_b.pk, "title": "选举", "seats": 5, "term_years": 5})
    assert r.status_code == 400 and not Election.objects.exists()


@pytest.mark.parametrize("who", ["district", "city", "committee", "resident", "manager_a"])
def test_new_refused(world, login, who):
    assert login(world.users[who]).get(reverse("governance:election_new")).status_code == 403


def test_new_wrong_method(world, login):
    assert login(world.users["street"]).put(reverse("governance:election_new")).status_code == 405


# ---------------------------------------------------------------- detail and actions


def test_detail_shows_candidates_party_and_vetting(world, login):
    owners = add_owners(world, 2)
    e = open_election(world)
    with_candidates(world, e, owners[:1], party=(0,))
    svc.candidate_vet(actor=world.users["community"], approved=False, note="不符合条件",
                      candidate=svc.candidate_nominate(actor=world.users["street"], election=e, owner=owners[1]))
    r = login(world.users["resident"]).get(reverse("governance:election_detail", args=[e.pk]))
    body = r.content.decode()
    assert r.status_code == 200
    assert body.count('data-testid="party-badge"') == 1 and "不符合条件" in body and "审查通过" in body
    assert 'data-testid="nominate-form"' not in body and 'data-testid="vet-form"' not in body
    body = login(world.users["community"]).get(reverse("governance:election_detail", args=[e.pk])).content.decode()
    assert 'data-testid="nominate-form"' in body and 'data-testid="cancel-form"' in body


@pytest.mark.parametrize("who", ["district2", "manager_a", "sysadmin", "outsider"])
def test_detail_out_of_scope_404(world, login, who):
    e = open_election(world)
    assert login(world.users[who]).get(reverse("governance:election_detail", args=[e.pk])).status_code == 404


def test_detail_query_count_does_not_grow(world, login, django_assert_num_queries):
    owners = add_owners(world, 8)
    e = open_election(world)
    with_candidates(world, e, owners[:2])
    c = login(world.users["community"])
    url = reverse("governance:election_detail", args=[e.pk])
    n = _count(c, url)
    with_candidates(world, e, owners[2:], party=(1, 3))
    with django_assert_num_queries(n):
        assert c.get(url).status_code == 200


def test_nominate_view(world, login):
    owners = add_owners(world, 1)
    e = open_election(world)
    url = reverse("governance:election_candidate_nominate", args=[e.pk])
    c = login(world.users["committee"])
    assert c.get(url).status_code == 405
    r = c.post(url, {"owner": owners[0].pk, "is_party_member": "on", "statement": "党员，退休教师"})
    assert r.status_code == 302
    cand = Candidate.objects.get(election=e)
    assert cand.is_party_member and cand.statement == "党员，退休教师"
    r = c.post(url, {"owner": world.owner_b.pk})
    assert r.status_code == 400  # not an owner of the estate: not among the choices
    assert login(world.users["resident"]).post(url, {"owner": world.owner_a.pk}).status_code == 403
    assert login(world.users["district2"]).post(url, {"owner": world.owner_a.pk}).status_code == 404
    assert Candidate.objects.filter(election=e).count() == 1


def test_vet_view(world, login):
    owners = add_owners(world, 2)
    e = open_election(world)
    c1 = svc.candidate_nominate(actor=world.users["street"], election=e, owner=owners[0])
    c2 = svc.candidate_nominate(actor=world.users["street"], election=e, owner=owners[1])
    url1 = reverse("governance:election_candidate_vet", args=[c1.pk])
    assert login(world.users["street"]).post(url1, {"decision": "approved"}).status_code == 403
    c = login(world.users["community"])
    assert c.get(url1).status_code == 405
    assert c.post(url1, {"decision": "approved", "note": "符合条件"}).status_code == 302
    c1.refresh_from_db()
    assert c1.vetting == "approved" and c1.vetted_by == world.users["community"]
    url2 = reverse("governance:election_candidate_vet", args=[c2.pk])
    r = c.post(url2, {"decision": "rejected"}, follow=True)
    assert "审查未通过须填写审查意见" in r.content.decode()
    c2.refresh_from_db()
    assert c2.vetting == "pending"
    assert login(world.users["district2"]).post(url2, {"decision": "approved"}).status_code == 404


def test_start_vote_declare_and_file_views(world, login):
    owners = add_owners(world, 6)
    e = open_election(world)
    cands = with_candidates(world, e, owners, party=(0, 1))
    street = login(world.users["street"])
    assert street.get(reverse("governance:election_start_vote", args=[e.pk])).status_code == 405
    assert street.post(reverse("governance:election_start_vote", args=[e.pk])).status_code == 302
    e.refresh_from_db()
    assert e.status == "voting"
    url = reverse("governance:election_declare", args=[e.pk])
    assert login(world.users["resident"]).get(url).status_code == 403
    c = login(world.users["community"])
    r = c.get(url)
    assert r.status_code == 200 and r.content.decode().count('data-testid="result-row"') == 6
    elected_on = timezone.localdate() - timedelta(days=40)
    data = {"elected_on": elected_on.isoformat(), "total_area": "1200", "total_heads": "120",
            "participating_area": "1000", "participating_heads": "100", "director": str(cands[1].pk)}
    for i, cand in enumerate(cands):
        data[f"area_{cand.pk}"] = "600" if i != 5 else "100"
        data[f"heads_{cand.pk}"] = "60" if i != 5 else "10"
    bad = {**data, f"area_{cands[4].pk}": "100"}  # only four elected: refused, nothing changes
    r = c.post(url, bad)
    assert r.status_code == 400 and "单数组成" in r.content.decode()
    e.refresh_from_db()
    assert e.status == "voting"
    r = c.post(url, data, follow=True)
    assert r.status_code == 200
    body = r.content.decode()
    assert "低于 50% 的要求" in body  # 2 of 5 Party members: a warning, not a refusal
    e.refresh_from_db()
    assert e.status == "elected" and e.filing_due == svc.filing_deadline(elected_on)
    assert 'data-testid="late"' in body  # filing already overdue
    committee = OwnersCommittee.objects.get(estate=world.estate_a, is_current=True)
    assert committee.members.get(position="director").name == cands[1].name
    file_url = reverse("governance:election_file", args=[e.pk])
    assert login(world.users["community"]).post(file_url, {"filed_on": timezone.localdate()}).status_code == 403
    d = login(world.users["district"])
    r = d.post(file_url, {"filed_on": timezone.localdate().isoformat()}, follow=True)
    assert "逾期备案" in r.content.decode()
    e.refresh_from_db()
    assert e.status == "filed" and e.filed_on == timezone.localdate()
    assert [ev.action for ev in ElectionEvent.objects.filter(election=e)][-3:] == ["declare", "party_warning", "file"]
    assert AuditLog.objects.filter(object_type="governance.election", object_id=str(e.pk), action="update").count() == 3


def test_action_at_wrong_moment_gets_message(world, login):
    e = open_election(world)
    r = login(world.users["district"]).post(reverse("governance:election_file", args=[e.pk]),
                                            {"filed_on": "2026-11-01"}, follow=True)
    assert "不能登记备案" in r.content.decode()
    e.refresh_from_db()
    assert e.status == "nominating"


def test_cancel_view(world, login):
    e = open_election(world)
    url = reverse("governance:election_cancel", args=[e.pk])
    assert login(world.users["committee"]).post(url, {"note": "x"}).status_code == 403
    c = login(world.users["street"])
    assert c.get(url).status_code == 405
    c.post(url, {"note": ""})
    e.refresh_from_db()
    assert e.status == "nominating"
    c.post(url, {"note": "筹备组重新组建"})
    e.refresh_from_db()
    assert e.status == "cancelled"


# ---------------------------------------------------------------- committees due


def test_committees_due(world, login):
    e, cands = voting_election(world, n_candidates=5)
    declare(world, e, cands, passing=5, elected_on=timezone.localdate() - timedelta(days=31))
    c = login(world.users["district"])
    r = c.get(reverse("governance:committees_due"))
    body = r.content.decode()
    assert r.status_code == 200 and "东城区" in body and "西城区" not in body
    assert 'data-testid="late"' in body and "幸福里小区" in body
    r = c.get(reverse("governance:committees_due"), {"tab": "terms"})
    assert r.status_code == 200


def test_committees_due_terms_tab(world, login):
    today = timezone.localdate()
    rs.committee_create(actor=world.users["city"], estate=world.estate_b, term_start=today - timedelta(days=1500),
                        term_end=today + timedelta(days=40))
    r = login(world.users["city"]).get(reverse("governance:committees_due"), {"tab": "terms"})
    body = r.content.decode()
    assert "翠湖花园" in body and "40 天" in body
    r = login(world.users["district"]).get(reverse("governance:committees_due"), {"tab": "terms"})
    assert "翠湖花园" not in r.content.decode()


@pytest.mark.parametrize("who", ["resident", "committee", "manager_a", "sysadmin", "department"])
def test_committees_due_refused(world, login, who):
    assert login(world.users[who]).get(reverse("governance:committees_due")).status_code == 403


def test_committees_due_wrong_method(world, login):
    assert login(world.users["city"]).post(reverse("governance:committees_due")).status_code == 405


def test_committees_due_query_count(world, login, django_assert_num_queries):
    c = login(world.users["city"])
    url = reverse("governance:committees_due") + "?tab=terms"
    today = timezone.localdate()
    rs.committee_create(actor=world.users["city"], estate=world.estate_b, term_start=date(2022, 1, 1),
                        term_end=today + timedelta(days=10))
    n = _count(c, url)
    rs.committee_create(actor=world.users["city"], estate=world.estate_a, term_start=date(2022, 1, 1),
                        term_end=today + timedelta(days=20))
    with django_assert_num_queries(n):
        assert c.get(url).status_code == 200
