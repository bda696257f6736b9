"""The demo committee elections at ``small`` scale: rows that agree with the committees and the
rules, elections in progress for the demo logins, the same rows for the same seed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from wuye.accounts.models import User
from wuye.demo.generator import build_demo_city
from wuye.demo.governance_elections import build_demo_elections
from wuye.governance.elections.services import filing_deadline
from wuye.governance.models import Candidate, Election, ElectionEvent
from wuye.registry.models import CommitteeMember

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SEED = 7


def digest():
    return (list(Election.objects.order_by("id").values_list("id", "estate_id", "status", "seats", "elected_on",
                                                             "filed_on", "committee_id", "created_by_id")),
            list(Candidate.objects.order_by("id").values_list("election_id", "owner_id", "vetting", "yes_area",
                                                              "yes_heads", "elected", "is_party_member")),
            list(ElectionEvent.objects.order_by("id").values_list("election_id", "action", "note", "actor_id")))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            city = build_demo_city(scale="small", seed=SEED, now=NOW, complaints=False, supervision=False,
                                   transparency=False)
            with transaction.atomic():
                build_demo_elections(scale="small", seed=SEED, now=NOW, city_id=city.city_id)
                first = digest()
                transaction.set_rollback(True)
            lines = []
            counts = build_demo_elections(scale="small", seed=SEED, now=NOW, city_id=city.city_id, say=lines.append)
            yield {"counts": counts, "digests": (first, digest()), "lines": lines}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def d(demo, db):
    return demo


def test_same_seed_same_rows(d):
    first, second = d["digests"]
    assert first == second and first[0]


def test_counts_and_bounds(d):
    c = d["counts"]
    assert c["election"] == Election.objects.count() > 0
    assert c["candidate"] == Candidate.objects.count() and c["electionevent"] == ElectionEvent.objects.count()
    assert sum(c.values()) < 20_000
    assert "业委会选举" in d["lines"][0]


def test_historical_elections_agree_with_committees(d):
    for e in Election.objects.filter(status__in=["elected", "filed"]).select_related("committee"):
        assert e.committee.estate_id == e.estate_id and e.committee.term_start == e.elected_on
        assert e.committee.filed_on == e.filed_on
        assert 5 <= e.seats <= 11 and e.seats % 2 == 1
        elected = list(Candidate.objects.filter(election=e, elected=True).values_list("owner_id", flat=True))
        members = list(CommitteeMember.objects.filter(committee=e.committee).values_list("owner_id", flat=True))
        assert sorted(elected) == sorted(members) and len(elected) == e.seats
        assert e.filing_due == filing_deadline(e.elected_on)  # the configured days, by the period rules
    assert Election.objects.filter(status="filed").exists()


def test_in_progress_for_the_demo_logins(d):
    community, street = User.objects.get(username="community"), User.objects.get(username="street")
    assert Election.objects.filter(status="nominating", estate__community_id=community.community_id).exists()
    assert Election.objects.filter(status="voting", estate__street_id=street.street_id).exists()
    assert Candidate.objects.filter(vetting="pending", election__status="nominating").exists()


def test_demo_logins_see_the_pages(d):
    community = User.objects.get(username="community")
    client = Client()
    client.force_login(community, backend="django.contrib.auth.backends.ModelBackend")
    r = client.get(reverse("governance:election_list"))
    assert r.status_code == 200 and r.content.decode().count('data-testid="row"') >= 1
    e = Election.objects.filter(status="nominating", estate__community_id=community.community_id).first()
    body = client.get(reverse("governance:election_detail", args=[e.pk])).content.decode()
    assert 'data-testid="vet-form"' in body
    district = User.objects.get(username="district")
    client.force_login(district, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("governance:committees_due")).status_code == 200
