"""Tallying an owners' vote of 10,000 voters (issue 5 item 11: < 1 s on PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuye_megacity .venv/bin/python bench/vote_tally.py
    … bench/vote_tally.py --heads 10000 --turnout 0.75 --repeat 7 --keep

Builds, inside one transaction, a bench estate under the first community of the database with
``--heads`` delivered units (each with its own owner; every 50th buyer holds a second unit, every
40th unit has two co-owners, and 3 % of the units are unsold — so the roll exercises the counting
rules), freezes the roll with ``roll_freeze`` (timed), bulk-inserts ballots for ``--turnout`` of the
heads, ANALYZEs the ballot and roll tables, then times ``motion_result`` (the one aggregate query)
``--repeat`` times and prints the median, the figures and the explanation. Everything is rolled
back at the end unless ``--keep``. Writes no audit rows (the registry rows are bulk-inserted).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from wuye.governance.models import Ballot, Motion, RollEntry  # noqa: E402
from wuye.governance.votes.roll import roll_freeze  # noqa: E402
from wuye.governance.votes.tally import motion_counts, motion_result  # noqa: E402
from wuye.registry.models import Building, Estate, Owner, Ownership, Unit  # noqa: E402
from wuye.territory.models import Community  # noqa: E402


class Rollback(Exception):
    pass


def build(heads: int, rng: random.Random) -> Motion:
    community = Community.objects.select_related("street").order_by("id").first()
    if community is None:
        sys.exit("no community in this database: build the demo city first")
    estate = Estate.objects.create(name="计票基准测试小区", address="基准路 1 号", community=community,
                                   street_id=community.street_id, district_id=community.street.district_id)
    n_units = heads + heads // 50 + heads * 3 // 100
    buildings = Building.objects.bulk_create([Building(estate=estate, name=f"{i + 1}号楼") for i in range(n_units // 400 + 1)])
    units = Unit.objects.bulk_create([
        Unit(estate=estate, building=buildings[i // 400], number=f"{i // 400 + 1}-{i % 400 + 1}",
             exclusive_area=Decimal(rng.randint(4000, 16000)) / 100,
             area_source=rng.choice(["registered"] * 8 + ["surveyed", "contract"]),
             sale_status="unsold" if i >= n_units - heads * 3 // 100 else "delivered")
        for i in range(n_units)], batch_size=5000)
    delivered = [u for u in units if u.sale_status == "delivered"]
    owners = Owner.objects.bulk_create([Owner(name=f"业主{i}") for i in range(len(delivered) + len(delivered) // 40 + 1)],
                                       batch_size=5000)
    links = []
    buyer = 0
    for i, unit in enumerate(delivered):
        if i % 51 == 50:  # every 50th buyer holds a second unit: one head
            links.append(Ownership(unit=unit, owner=owners[buyer - 1], estate=estate))
            continue
        links.append(Ownership(unit=unit, owner=owners[buyer], estate=estate))
        if i % 40 == 0:  # co-owners: one head
            links.append(Ownership(unit=unit, owner=owners[len(delivered) + i // 40], estate=estate))
        buyer += 1
    Ownership.objects.bulk_create(links, batch_size=5000)
    now = timezone.now()
    return Motion.objects.create(estate=estate, title="关于解聘现物业服务企业的表决（基准）", matter="hire_or_fire_manager",
                                 rule="ordinary", notice_date=(now - timedelta(days=20)).date(),
                                 voting_opens_at=now - timedelta(days=4), voting_closes_at=now + timedelta(days=10),
                                 called_at=now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heads", type=int, default=10_000)
    parser.add_argument("--turnout", type=float, default=0.75)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="commit the bench estate instead of rolling back")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            motion = build(args.heads, rng)
            t1 = time.perf_counter()
            area, heads = roll_freeze(motion)
            t2 = time.perf_counter()
            entries = list(RollEntry.objects.filter(motion=motion).values_list("id", flat=True))
            voters = rng.sample(entries, int(len(entries) * args.turnout))
            now = timezone.now()
            Ballot.objects.bulk_create([
                Ballot(motion=motion, entry_id=e, choice=rng.choices(["yes", "no", "abstain"], [58, 34, 8])[0],
                       channel="online" if i % 3 else "paper", ballot_no="" if i % 3 else f"P{i:06d}", cast_at=now)
                for i, e in enumerate(voters)], batch_size=5000)
            t3 = time.perf_counter()
            if connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("ANALYZE governance_ballot; ANALYZE governance_rollentry;")
            motion = Motion.objects.get(pk=motion.pk)
            motion_counts(motion)  # warm-up
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                result = motion_result(motion)
                times.append(time.perf_counter() - started)
            print(f"built registry in {t1 - t0:.2f} s; roll_freeze {t2 - t1:.2f} s → {heads} heads, {area} m²; "
                  f"{len(voters)} ballots inserted in {t3 - t2:.2f} s")
            print(f"motion_result × {args.repeat}: median {statistics.median(times) * 1000:.1f} ms, "
                  f"max {max(times) * 1000:.1f} ms")
            for key in ("total_heads", "participating_heads", "yes_heads", "total_area", "participating_area",
                        "yes_area", "participation_area_ratio", "participation_head_ratio", "approval_area_ratio",
                        "approval_head_ratio", "quorum_met", "passed"):
                print(f"  {key}: {result[key]}")
            print(f"  explanation: {result['explanation']}")
            if not args.keep:
                raise Rollback
    except Rollback:
        print("rolled back (use --keep to commit the bench estate)")


if __name__ == "__main__":
    main()
