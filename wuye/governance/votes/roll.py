"""Freezing a motion's voter roll (rules.md §1).

《中华人民共和国民法典》第二百七十八条 counts owners' decisions by two measures: the exclusive
area (专有部分面积) and the headcount (人数). The Supreme People's Court's 2009 interpretation on
building co-ownership (法释〔2009〕7号) says how:

- 第八条: the area is the exclusive area; the registered area (不动产登记簿记载的面积) is used, and
  where none is registered yet, the surveyed area (测绘机构的实测面积), and failing that the area in
  the sale contract. The registry keeps one ``exclusive_area`` per unit with its ``area_source``
  already chosen in that order; the roll copies both.
- 第九条: the headcount counts one exclusive unit as one person; all units the developer has not sold,
  or sold but not yet delivered, count together as one person; several units held by one buyer count
  as one person. Co-owners of one unit are one person (one unit, one head).

Units whose owners overlap (A owns u1 alone and u2 together with B) are merged into connected
groups (union–find over units and owners), so each person is in exactly one entry and each unit
too. A delivered unit with no recorded owner still counts as one head ("未登记业主").

The denominators (total area, total heads) are written on the motion and never move: later edits
of the registry do not change a running vote. Built for estates of 10,000+ units: two reads, one
bulk insert of entries and one of the owner links.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from wuye.core.masking import mask_name
from wuye.governance.models import Motion, RollEntry
from wuye.registry.models import Ownership, Unit

UNKNOWN_OWNER = "未登记业主"
DEVELOPER_NAME = "开发建设单位（未售及已售未交付房屋）"
NAME_MAX = 200
BATCH = 2000


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, x):
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _joined(names: list[str]) -> str:
    text = "、".join(names)
    return text if len(text) <= NAME_MAX else text[: NAME_MAX - 1] + "…"


def roll_groups(units: list[tuple], ownerships: list[tuple]) -> tuple[list[dict], dict | None]:
    """Pure grouping (no database), also used by the property tests.

    ``units``: ``(id, label, area: Decimal, source, sale_status)``; ``ownerships``: ``(unit_id,
    owner_id, owner_name)``. Returns the owners' groups ``[{"units": [...], "owners": [(id, name)]}]``
    (in order of their first unit) and the developer's group (or None).
    """
    delivered = {u[0]: u for u in units if u[4] == Unit.SaleStatus.DELIVERED}
    developer = [u for u in units if u[4] != Unit.SaleStatus.DELIVERED]
    uf = _UnionFind()
    owner_names: dict[int, str] = {}
    for unit_id, owner_id, owner_name in ownerships:
        if unit_id not in delivered:
            continue  # units still with the developer count with the developer (第九条)
        owner_names[owner_id] = owner_name
        uf.union(("u", unit_id), ("o", owner_id))
    groups: dict = {}
    order: list = []
    for unit_id, unit in delivered.items():
        root = uf.find(("u", unit_id))
        if root not in groups:
            groups[root] = {"units": [], "owners": []}
            order.append(root)
        groups[root]["units"].append(unit)
    for owner_id, name in owner_names.items():
        groups[uf.find(("o", owner_id))]["owners"].append((owner_id, name))
    out = []
    for root in order:
        g = groups[root]
        g["owners"].sort()
        out.append(g)
    dev = {"units": developer, "owners": []} if developer else None
    return out, dev


def _unit_json(u: tuple) -> dict:
    return {"id": u[0], "label": u[1], "area": str(u[2]), "source": u[3]}


@transaction.atomic
def roll_freeze(motion: Motion) -> tuple[Decimal, int]:
    """Write the voter roll of ``motion`` (which must have none yet) and its denominators."""
    if RollEntry.objects.filter(motion=motion).exists():
        raise ValueError("roll already frozen")
    units = [
        (pk, f"{building} {number}", area, source, sale)
        for pk, building, number, area, source, sale in Unit.objects.filter(estate_id=motion.estate_id)
        .order_by("building__name", "number", "id")
        .values_list("id", "building__name", "number", "exclusive_area", "area_source", "sale_status")
    ]
    ownerships = list(Ownership.objects.filter(estate_id=motion.estate_id).order_by("owner_id", "unit_id")
                      .values_list("unit_id", "owner_id", "owner__name"))
    groups, dev = roll_groups(units, ownerships)
    entries: list[RollEntry] = []
    owner_lists: list[list[int]] = []
    if dev is not None:
        entries.append(RollEntry(motion=motion, kind=RollEntry.Kind.DEVELOPER, name=_(DEVELOPER_NAME)[:NAME_MAX],
                                 area=sum((u[2] for u in dev["units"]), Decimal("0")),
                                 units=[_unit_json(u) for u in dev["units"]]))
        owner_lists.append([])
    for g in groups:
        names = [name for _id, name in g["owners"]] or [_(UNKNOWN_OWNER)]
        entries.append(RollEntry(motion=motion, kind=RollEntry.Kind.OWNER, name=_joined(names),
                                 area=sum((u[2] for u in g["units"]), Decimal("0")),
                                 units=[_unit_json(u) for u in g["units"]]))
        owner_lists.append([oid for oid, _name in g["owners"]])
    RollEntry.objects.bulk_create(entries, batch_size=BATCH)
    through = RollEntry.owners.through
    links = [through(rollentry_id=e.pk, owner_id=oid) for e, oids in zip(entries, owner_lists, strict=True) for oid in oids]
    through.objects.bulk_create(links, batch_size=BATCH * 2)
    total_area = sum((e.area for e in entries), Decimal("0"))
    total_heads = len(entries)
    Motion.objects.filter(pk=motion.pk).update(total_area=total_area, total_heads=total_heads)
    motion.total_area, motion.total_heads = total_area, total_heads
    return total_area, total_heads


def masked_name(entry: RollEntry) -> str:
    """The entry's name for pages and the API: each owner's name masked (张*); the developer's
    and the unknown owner's labels as they are."""
    if entry.kind == RollEntry.Kind.DEVELOPER or entry.name in (UNKNOWN_OWNER, _(UNKNOWN_OWNER)):
        return entry.name
    return "、".join(mask_name(n) for n in entry.name.split("、"))
