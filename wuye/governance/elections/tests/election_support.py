"""Helpers of the committee-election tests: owners for estate A, an election with vetted
candidates, a declared result."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from wuye.governance.elections import services as svc
from wuye.governance.models import Candidate
from wuye.registry import services as rs

SURNAMES = "李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑"


def add_owners(world, n: int, *, area=Decimal("90.00")) -> list:
    root = world.users["city"]
    owners = []
    for i in range(n):
        unit = rs.unit_create(actor=root, building=world.building_a, number=f"3-2-{i + 201}", exclusive_area=area,
                              floor=2 + i // 4)
        owner = rs.owner_create(actor=root, name=f"{SURNAMES[i % len(SURNAMES)]}业主{i + 1}")
        rs.ownership_create(actor=root, unit=unit, owner=owner)
        owners.append(owner)
    return owners


def open_election(world, *, seats: int = 5, actor=None, title: str = "幸福里小区第二届业主委员会选举"):
    return svc.election_open(actor=actor or world.users["street"], estate=world.estate_a, title=title, seats=seats,
                             term_years=5)


def with_candidates(world, election, owners, *, party=(), approve=True) -> list[Candidate]:
    out = []
    for i, o in enumerate(owners):
        c = svc.candidate_nominate(actor=world.users["street"], election=election, owner=o, is_party_member=i in party)
        if approve:
            c = svc.candidate_vet(actor=world.users["community"], candidate=c, approved=True)
        out.append(c)
    return out


def voting_election(world, *, seats=5, n_candidates=6, party=(0, 1, 2)):
    owners = add_owners(world, n_candidates)
    e = open_election(world, seats=seats)
    cands = with_candidates(world, e, owners, party=party)
    svc.election_start_vote(actor=world.users["street"], election=e)
    e.refresh_from_db()
    return e, cands


def declare(world, election, cands, *, passing: int, elected_on=date(2026, 11, 1), **kw):
    """The first ``passing`` candidates get 60 % of the area and heads, the others 30 %. The
    assembly's totals (1,200 m², 120 heads) put the participation at 5/6 of both."""
    kw.setdefault("total_area", Decimal("1200.00"))
    kw.setdefault("total_heads", 120)
    results = {c.pk: ((Decimal("600.00"), 60) if i < passing else (Decimal("300.00"), 30)) for i, c in enumerate(cands)}
    return svc.election_declare(actor=kw.pop("actor", world.users["street"]), election=election, elected_on=elected_on,
                                results=results, participating_area=Decimal("1000.00"), participating_heads=100, **kw)
