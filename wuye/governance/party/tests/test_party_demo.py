"""The demo Party building, joint meetings and committee supervision at ``small`` scale: branches
for a realistic share of estates, a year of joint meetings with follow-ups in every state,
decisions with guidance opinions and one correction order, questions answered and one escalated;
the same rows for the same seed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from wuye.demo.generator import build_demo_city
from wuye.demo.party import build_demo_party
from wuye.governance.committees.models import CommitteeDecision, GuidanceOpinion, OwnerQuestion
from wuye.governance.party.models import FollowUp, JointMeeting, PartyMember, PartyOrganisation
from wuye.registry.models import Estate

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SEED = 7


def digest():
    return (list(PartyOrganisation.objects.order_by("id").values_list("id", "level", "name", "community_id", "parent_id")),
            list(FollowUp.objects.order_by("id").values_list("meeting_id", "number", "status", "deadline", "owner_unit")),
            list(CommitteeDecision.objects.order_by("id").values_list("estate_id", "status", "title", "review_due")),
            list(OwnerQuestion.objects.order_by("id").values_list("decision_id", "status", "owner_id")))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            city = build_demo_city(scale="small", seed=SEED, now=NOW, complaints=False, supervision=False,
                                   transparency=False)
            with transaction.atomic():
                build_demo_party(scale="small", seed=SEED, now=NOW, city_id=city.city_id)
                first = digest()
                transaction.set_rollback(True)
            lines = []
            counts = build_demo_party(scale="small", seed=SEED, now=NOW, city_id=city.city_id, say=lines.append)
            yield {"counts": counts, "digests": (first, digest()), "lines": lines}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def d(demo, db):
    return demo


def test_same_seed_same_rows(d):
    first, second = d["digests"]
    assert first == second and first[0] and first[1]


def test_what_the_demo_shows(d):
    estates = Estate.objects.count()
    branched = Estate.objects.filter(party_organisations__level="estate").distinct().count()
    assert 0.2 < branched / estates < 0.9
    assert PartyMember.objects.exists()
    assert set(FollowUp.objects.values_list("status", flat=True)) == set(FollowUp.Status.values)
    held = JointMeeting.objects.values_list("held_at", flat=True)
    assert (max(held) - min(held)).days > 250  # a year of meetings
    assert CommitteeDecision.objects.filter(status__in=("correction", "answered", "corrected")).count() == 1
    assert CommitteeDecision.objects.filter(status="recorded").exists()
    assert set(GuidanceOpinion.objects.values_list("opinion", flat=True)) >= {"agree", "advise", "object"}
    assert OwnerQuestion.objects.filter(status="answered").exists()
    assert OwnerQuestion.objects.filter(status="escalated").count() == 1
    assert sum(d["counts"].values()) < 20_000 and "三方联席会议" in d["lines"][0]
