"""Two ballots at the same moment (issue 5 item 5: one ballot per roll entry; ballot numbers
unique per motion). PostgreSQL only: it needs two connections at once.

Two co-owners of one unit (one head on the roll) vote online together: one ballot is stored; the
other is refused with a clear message, or — if it arrives after the first committed — becomes a
counted change. Two clerks enter the same paper ballot number for two voters together: one is
stored, the other is told the number is already entered.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from wuye.accounts.models import Role
from wuye.conftest import build_world, make_user
from wuye.core.testing import race
from wuye.governance.models import Ballot, Motion, RollEntry
from wuye.governance.votes import services as svc
from wuye.registry import services as rs

from .test_vote_support import add_owners, call

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two connections at once (PostgreSQL)"),
]


def _open(world) -> Motion:
    now = timezone.now()
    return call(world, notice=now - timedelta(days=16), opens=now - timedelta(hours=1), closes=now + timedelta(days=5))


def test_two_co_owners_at_once_one_ballot(transactional_db):
    world = build_world()
    root = world.users["city"]
    spouse = rs.owner_create(actor=root, name="李建国")
    rs.ownership_create(actor=root, unit=world.unit_a, owner=spouse)
    spouse_user = make_user("spouse", Role.RESIDENT, owner=spouse)
    motion = _open(world)
    assert motion.total_heads == 1

    def cast(user, choice):
        return lambda: svc.ballot_cast(actor=user, motion=Motion.objects.get(pk=motion.pk), choice=choice)

    results = race(cast(world.users["resident"], "yes"), cast(spouse_user, "no"))
    ballots = list(Ballot.objects.filter(motion=motion))
    assert len(ballots) == 1
    oks = [r for r in results if r[0] == "ok"]
    assert len(oks) >= 1
    assert ballots[0].changes == len(oks) - 1
    for kind, exc in results:
        if kind == "refused":
            assert "刚刚" in " ".join(exc.messages)


def test_same_paper_number_twice_at_once(transactional_db):
    world = build_world()
    people = add_owners(world, 2)
    motion = _open(world)
    e1 = RollEntry.objects.get(motion=motion, owners=people[0][1])
    e2 = RollEntry.objects.get(motion=motion, owners=people[1][1])

    def paper(user, entry):
        return lambda: svc.ballot_cast(actor=user, motion=Motion.objects.get(pk=motion.pk), entry=entry,
                                       channel="paper", ballot_no="No.0007", choice="yes")

    results = race(paper(world.users["committee"], e1), paper(world.users["street"], e2))
    assert Ballot.objects.filter(motion=motion).count() == 1
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    refused = next(exc for kind, exc in results if kind == "refused")
    assert "No.0007 已录入" in " ".join(refused.messages)
