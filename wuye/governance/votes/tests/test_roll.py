"""The voter roll (rules.md §1; 民法典 第278条; 法释〔2009〕7号 第八条、第九条): who counts as one head,
with what area, and that the roll never moves after the vote is called."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wuye.governance.models import Motion, RollEntry
from wuye.governance.votes.roll import masked_name, roll_freeze, roll_groups
from wuye.registry import services as rs
from wuye.registry.models import Unit

pytestmark = pytest.mark.django_db


def _motion(estate) -> Motion:
    now = timezone.now()
    return Motion.objects.create(estate=estate, title="测试表决", matter="hire_or_fire_manager", rule="ordinary",
                                 notice_date=now.date(), voting_opens_at=now + timedelta(days=16),
                                 voting_closes_at=now + timedelta(days=30))


def _unit(world, number, area, **kw):
    return rs.unit_create(actor=world.users["city"], building=world.building_a, number=number,
                          exclusive_area=Decimal(area), **kw)


def _owner(world, name):
    return rs.owner_create(actor=world.users["city"], name=name)


def _own(world, unit, owner):
    rs.ownership_create(actor=world.users["city"], unit=unit, owner=owner)


def _entries(motion):
    return {e.name: e for e in RollEntry.objects.filter(motion=motion).prefetch_related("owners")}


def test_every_counting_rule(world):
    """world's unit 3-1-101 (89.50, 王秀英) plus: two unsold and one sold-undelivered unit (one
    developer head), a buyer with two units (one head), co-owners (one head), overlapping owners
    (merged), an unowned delivered unit (one head), surveyed and contract areas recorded."""
    _unit(world, "D-1", "100.00", sale_status=Unit.SaleStatus.UNSOLD)
    _unit(world, "D-2", "50.25", sale_status=Unit.SaleStatus.UNSOLD)
    d3 = _unit(world, "D-3", "70.00", sale_status=Unit.SaleStatus.SOLD_UNDELIVERED)
    _own(world, d3, _owner(world, "钱买家"))  # sold but not delivered: still the developer's head (第九条)
    buyer = _owner(world, "李建国")
    for n, a in (("B-1", "80.10"), ("B-2", "60.00")):
        _own(world, _unit(world, n, a, area_source=Unit.AreaSource.SURVEYED), buyer)
    co = _unit(world, "C-1", "95.00", area_source=Unit.AreaSource.CONTRACT)
    _own(world, co, _owner(world, "张明"))
    _own(world, co, _owner(world, "刘芳"))
    a, b = _owner(world, "周一"), _owner(world, "吴二")
    u1, u2, u3 = _unit(world, "M-1", "10.00"), _unit(world, "M-2", "20.00"), _unit(world, "M-3", "30.00")
    _own(world, u1, a)
    _own(world, u2, a)
    _own(world, u2, b)
    _own(world, u3, b)
    _unit(world, "N-1", "66.60")
    motion = _motion(world.estate_a)
    area, heads = roll_freeze(motion)
    e = _entries(motion)
    # heads: 王秀英, developer, 李建国, 张明+刘芳, 周一+吴二, 未登记业主 → 6
    assert heads == 6 and motion.total_heads == 6
    assert area == Decimal("89.50") + Decimal("220.25") + Decimal("140.10") + Decimal("95.00") + Decimal("60.00") + Decimal("66.60")
    dev = [x for x in e.values() if x.kind == RollEntry.Kind.DEVELOPER]
    assert len(dev) == 1 and dev[0].area == Decimal("220.25") and len(dev[0].units) == 3
    assert list(dev[0].owners.all()) == []
    assert e["李建国"].area == Decimal("140.10")
    assert {u["source"] for u in e["李建国"].units} == {"surveyed"}
    co_entry = e["张明、刘芳"]  # names in the order the owners were registered
    assert co_entry.units[0]["source"] == "contract" and co_entry.area == Decimal("95.00")
    assert {o.name for o in co_entry.owners.all()} == {"张明", "刘芳"}
    merged = next(x for x in e.values() if "周一" in x.name)
    assert "吴二" in merged.name and merged.area == Decimal("60.00") and len(merged.units) == 3
    assert e["未登记业主"].area == Decimal("66.60")
    assert e["王秀英"].units == [{"id": world.unit_a.pk, "label": "3号楼 3-1-101", "area": "89.50", "source": "registered"}]
    m = Motion.objects.get(pk=motion.pk)
    assert (m.total_area, m.total_heads) == (area, 6)


def test_registry_edits_do_not_move_a_frozen_roll(world):
    motion = _motion(world.estate_a)
    roll_freeze(motion)
    _unit(world, "X-9", "120.00")
    rs.unit_update(actor=world.users["city"], unit=world.unit_a, exclusive_area=Decimal("200.00"))
    m = Motion.objects.get(pk=motion.pk)
    assert (m.total_area, m.total_heads) == (Decimal("89.50"), 1)
    assert RollEntry.objects.get(motion=motion).area == Decimal("89.50")
    with pytest.raises(ValueError):
        roll_freeze(motion)


def test_masked_names(world):
    _own(world, world.unit_a, _owner(world, "欧阳娜娜"))
    _unit(world, "D-1", "10.00", sale_status=Unit.SaleStatus.UNSOLD)
    _unit(world, "N-1", "10.00")
    motion = _motion(world.estate_a)
    roll_freeze(motion)
    names = sorted(masked_name(e) for e in RollEntry.objects.filter(motion=motion))
    assert "王**、欧***" in names or "欧***、王**" in names
    assert "未登记业主" in names and any(n.startswith("开发建设单位") for n in names)


def test_freezing_is_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    owners = [_owner(world, f"业主{i}") for i in range(30)]
    for i in range(60):
        _own(world, _unit(world, f"Q-{i}", "50.00"), owners[i % 30])
    motion = _motion(world.estate_a)
    with django_assert_max_num_queries(8):
        _area, heads = roll_freeze(motion)
    assert heads == 31


# ---- property: the grouping against a brute-force reference ---------------------------------

def _reference(units, ownerships):
    """Brute force: repeatedly merge groups sharing an owner, starting from one group per unit."""
    delivered = [u[0] for u in units if u[4] == "delivered"]
    owners_of = {u: {o for (uu, o, _n) in ownerships if uu == u} for u in delivered}
    groups = [({u}, set(owners_of[u])) for u in delivered]
    merged = True
    while merged:
        merged = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                if groups[i][1] & groups[j][1]:
                    groups[i] = (groups[i][0] | groups[j][0], groups[i][1] | groups[j][1])
                    del groups[j]
                    merged = True
                    break
            if merged:
                break
    return sorted((sorted(us), sorted(os)) for us, os in groups)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["delivered", "delivered", "delivered", "unsold", "sold_undelivered"]), min_size=0,
                max_size=12),
       st.lists(st.tuples(st.integers(0, 11), st.integers(0, 6)), max_size=20))
def test_grouping_matches_brute_force(statuses, links):
    units = [(i, f"u{i}", Decimal(i + 1), "registered", s) for i, s in enumerate(statuses)]
    ownerships = sorted({(u, o, f"o{o}") for u, o in links if u < len(units)})
    groups, dev = roll_groups(units, ownerships)
    got = sorted((sorted(u[0] for u in g["units"]), sorted(o for o, _n in g["owners"])) for g in groups)
    assert got == _reference(units, ownerships)
    # every unit in exactly one head; each owner in at most one head
    all_units = [u[0] for g in groups for u in g["units"]] + [u[0] for u in (dev["units"] if dev else [])]
    assert sorted(all_units) == list(range(len(units)))
    owners = [o for g in groups for o, _n in g["owners"]]
    assert len(owners) == len(set(owners))
    assert (dev is not None) == any(s != "delivered" for s in statuses)
