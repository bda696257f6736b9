"""The 回头看 sample, reproducible from its published seed (rules.md §10: 双随机、一公开).

Algorithm ``wuye-recheck-v1`` reuses the inspection draw's sampling (``supervision.inspections.draw``,
algorithm ``wuye-draw-v1`` step 2) so that anyone can re-run it from the published seed and lists:

1. ``rng = random.Random(seed)`` — Python's Mersenne Twister seeded with the seed *string*;
2. orders: the candidate rectification orders (closed — 销号 — in the year, sorted by id), each of
   weight 1, sampled with ``draw_estates(rng, candidates, order_count)``;
3. complaints: then, with the same ``rng``, the candidate complaints (closed in the year, in the
   chosen categories, sorted by id) with ``draw_estates(rng, candidates, complaint_count)``.

Only the seed drives the randomness: the same seed and candidate lists always give the same sample.
"""

from __future__ import annotations

import random
from datetime import datetime

from django.utils import timezone

from wuye.cases.models import Complaint
from wuye.cases.models import Status as ComplaintStatus
from wuye.supervision.inspections.draw import draw_estates, new_seed
from wuye.supervision.orders.models import RectificationOrder

ALGORITHM = "wuye-recheck-v1"

__all__ = ["ALGORITHM", "new_seed", "run", "run_stored", "verify", "order_candidates", "complaint_candidates"]


def run(*, seed: str, order_candidates: list[int], complaint_candidates: list[int], order_count: int,
        complaint_count: int) -> dict:
    rng = random.Random(seed)
    orders = draw_estates(rng, [(int(i), 1) for i in order_candidates], int(order_count))
    complaints = draw_estates(rng, [(int(i), 1) for i in complaint_candidates], int(complaint_count))
    return {"orders": orders, "complaints": complaints}


def run_stored(campaign) -> dict:
    """Re-run a drawn campaign from nothing but what it stored."""
    params = (campaign.result or {}).get("params", {})
    return run(seed=campaign.seed, order_candidates=campaign.order_candidates,
               complaint_candidates=campaign.complaint_candidates,
               order_count=int(params.get("order_count", 0)), complaint_count=int(params.get("complaint_count", 0)))


def verify(campaign) -> bool:
    """True when re-running the stored draw gives exactly the stored sample."""
    if campaign.algorithm != ALGORITHM or not campaign.seed:
        return False
    stored = {k: v for k, v in (campaign.result or {}).items() if k != "params"}
    return run_stored(campaign) == stored


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def order_candidates(*, year: int, district_id: int | None) -> list[int]:
    """Rectification orders closed (销号, i.e. verified fixed) in ``year``, from an inspection, sorted by id."""
    start, end = _year_bounds(year)
    qs = RectificationOrder.objects.filter(status=RectificationOrder.Status.CLOSED, closed_at__gte=start,
                                           closed_at__lt=end, inspection__isnull=False)
    if district_id:
        qs = qs.filter(district_id=district_id)
    return list(qs.order_by("id").values_list("id", flat=True))


def complaint_candidates(*, year: int, district_id: int | None, category_ids: list[int]) -> list[int]:
    """Complaints closed (办结) in ``year`` in the chosen categories — never confidential ones nor
    those ruled unreasonable — sorted by id."""
    if not category_ids:
        return []
    start, end = _year_bounds(year)
    qs = Complaint.objects.filter(status=ComplaintStatus.CLOSED, closed_at__gte=start, closed_at__lt=end,
                                  category_id__in=category_ids, confidential=False, unreasonable=False)
    if district_id:
        qs = qs.filter(district_id=district_id)
    return list(qs.order_by("id").values_list("id", flat=True))
