"""The double-random draw (双随机、一公开, rules.md §10), reproducible from its stored inputs.

Algorithm ``wuye-draw-v1`` (anyone can re-run it from the published seed and lists):

1. ``rng = random.Random(seed)`` — Python's Mersenne Twister seeded with the seed *string*.
2. Estates: the candidates sorted by id, each with a weight (the black-list weight for an estate
   whose company is on the black list, else 1). For each candidate in that order draw
   ``u = rng.random()`` and give it the key ``u ** (1 / weight)`` (Efraimidis–Spirakis weighted
   sampling without replacement); the ``n`` largest keys are drawn (ties: smaller id first), in
   order of decreasing key. When the plan names its target estates, those are taken as they are
   (sorted by id) and no random number is used for them.
3. Inspectors: the candidates sorted by id; ``rng.shuffle`` of that list; the first ``m`` are drawn,
   the rest (in shuffled order) are the reserve.
4. Assignment: for each drawn estate in draw order, the ``k`` drawn inspectors without a conflict of
   interest with that estate who have the fewest estates so far (ties: earlier in the drawn order);
   when the drawn inspectors cannot cover an estate, the next conflict-free reserve inspectors
   join (recorded as supplementary).

Only the seed drives the randomness, so the same inputs always give the same result.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field

from wuye.credit.lists import black_listed_company_ids
from wuye.registry.models import Estate

from .models import Inspector, InspectorConflict

ALGORITHM = "wuye-draw-v1"


@dataclass
class DrawResult:
    estates: list[int]
    inspectors: list[int]
    assignments: dict[int, list[int]]
    supplementary: list[int] = field(default_factory=list)
    short: list[int] = field(default_factory=list)  # estates that got fewer than k inspectors

    def as_json(self) -> dict:
        return {
            "estates": list(self.estates),
            "inspectors": list(self.inspectors),
            "assignments": {str(e): list(ids) for e, ids in self.assignments.items()},
            "supplementary": list(self.supplementary),
            "short": list(self.short),
        }


def new_seed() -> str:
    """A seed nobody can predict: 128 bits from the operating system's CSPRNG, as hex."""
    return secrets.token_hex(16)


def draw_estates(rng: random.Random, candidates: list[tuple[int, int]], n: int) -> list[int]:
    """Weighted sampling without replacement (Efraimidis–Spirakis) over candidates sorted by id."""
    keyed = []
    for estate_id, weight in sorted(candidates):
        u = rng.random()
        keyed.append((u ** (1.0 / max(int(weight), 1)), estate_id))
    keyed.sort(key=lambda kv: (-kv[0], kv[1]))
    return [estate_id for _key, estate_id in keyed[:n]]


def run(*, seed: str, estate_candidates: list, inspector_candidates: list, conflicts: dict,
        estate_count: int, inspector_count: int, per_estate: int, targeted: bool = False) -> DrawResult:
    """The whole draw from its inputs. ``estate_candidates``: [[estate id, weight], …];
    ``inspector_candidates``: [inspector id, …]; ``conflicts``: {inspector id (str or int): [estate id, …]}."""
    rng = random.Random(seed)
    candidates = [(int(e), int(w)) for e, w in estate_candidates]
    if targeted:
        estates = sorted(e for e, _w in candidates)
    else:
        estates = draw_estates(rng, candidates, estate_count)
    pool = sorted(int(i) for i in inspector_candidates)
    rng.shuffle(pool)
    drawn, reserve = pool[:inspector_count], pool[inspector_count:]
    blocked = {int(k): {int(e) for e in v} for k, v in (conflicts or {}).items()}
    load: dict[int, int] = {i: 0 for i in pool}
    order = {i: n for n, i in enumerate(pool)}
    assignments: dict[int, list[int]] = {}
    supplementary: list[int] = []
    short: list[int] = []
    for estate in estates:
        free = [i for i in drawn if estate not in blocked.get(i, ())]
        free.sort(key=lambda i: (load[i], order[i]))
        chosen = free[:per_estate]
        if len(chosen) < per_estate:
            for i in reserve:
                if len(chosen) >= per_estate:
                    break
                if estate in blocked.get(i, ()) or i in chosen:
                    continue
                chosen.append(i)
                if i not in supplementary:
                    supplementary.append(i)
        if len(chosen) < per_estate:
            short.append(estate)
        for i in chosen:
            load[i] += 1
        assignments[estate] = chosen
    return DrawResult(estates, drawn, assignments, supplementary, short)


def run_stored(draw) -> DrawResult:
    """Re-run a stored ``Draw`` from nothing but what it stored."""
    data = draw.result or {}
    params = data.get("params", {})
    return run(
        seed=draw.seed, estate_candidates=draw.estate_candidates, inspector_candidates=draw.inspector_candidates,
        conflicts=draw.conflicts, estate_count=int(params.get("estate_count", 0)),
        inspector_count=int(params.get("inspector_count", 0)), per_estate=int(params.get("per_estate", 1)),
        targeted=bool(params.get("targeted", False)),
    )


def draw_verify(draw) -> bool:
    """True when re-running the stored draw gives exactly the stored result."""
    if draw.algorithm != ALGORITHM:
        return False
    stored = dict(draw.result or {})
    stored.pop("params", None)
    return run_stored(draw).as_json() == stored


# ---- candidates from the database (at draw time; stored with the draw) --------------------------


def estate_candidates_for(plan, *, blacklist_weight: int) -> list[list[int]]:
    """[[estate id, weight], …] sorted by id: the plan's named target estates, or the estates of its
    territory that have a company; black-listed companies' estates weigh ``blacklist_weight``."""
    targets = list(plan.target_estates.order_by("id").values_list("id", "company_id"))
    if targets:
        rows = targets
    else:
        qs = Estate.objects.filter(company__isnull=False)
        if plan.street_id:
            qs = qs.filter(street_id=plan.street_id)
        elif plan.district_id:
            qs = qs.filter(district_id=plan.district_id)
        rows = list(qs.order_by("id").values_list("id", "company_id"))
    black = black_listed_company_ids()
    return [[eid, blacklist_weight if cid in black else 1] for eid, cid in rows]


def inspector_candidates_for(plan) -> list[int]:
    """Active pool members of the plan's territory: a district plan draws from its district's pool;
    a city-wide plan from the city pool and every district's pool."""
    qs = Inspector.objects.filter(active=True, user__is_active=True)
    if plan.district_id:
        qs = qs.filter(district_id=plan.district_id)
    return sorted(qs.values_list("id", flat=True))


def conflicts_for(inspector_ids: list[int], estate_candidates: list[list[int]]) -> dict[str, list[int]]:
    """{inspector id: [candidate estate ids they must not inspect]}: declared company or estate
    conflicts, and an inspector whose account belongs to the estate's company."""
    estate_ids = [e for e, _w in estate_candidates]
    company_of = dict(Estate.objects.filter(id__in=estate_ids).values_list("id", "company_id"))
    by_company: dict[int, list[int]] = {}
    for eid in estate_ids:
        by_company.setdefault(company_of.get(eid), []).append(eid)
    out: dict[int, set[int]] = {}
    for c in InspectorConflict.objects.filter(inspector_id__in=inspector_ids).values("inspector_id", "company_id", "estate_id"):
        blocked = out.setdefault(c["inspector_id"], set())
        if c["company_id"]:
            blocked.update(by_company.get(c["company_id"], []))
        if c["estate_id"] and c["estate_id"] in company_of:
            blocked.add(c["estate_id"])
    for iid, company_id in Inspector.objects.filter(id__in=inspector_ids, user__company__isnull=False).values_list(
            "id", "user__company_id"):
        out.setdefault(iid, set()).update(by_company.get(company_id, []))
    return {str(k): sorted(v) for k, v in sorted(out.items()) if v}
