"""Demo shared utilities (水电公摊, issue 5 item 2, scenario 8) for the demo city.

``build_demo_utilities(scale=..., seed=..., now=..., city_id=..., say=...)`` adds:

- for a sample of estates with a company, the last three months' electricity allocations of one
  building (and, for some, the quarter's water allocation of the whole estate): master-meter and
  household readings, the loss split by area, by household or by a published formula, exact to
  the fen, published for 15 days; loss rates mostly 3–9 %, about one in ten above the 10 %
  threshold (flagged for the district);
- the featured estate (the demo ``committee`` login's, where the demo ``resident`` owns a home):
  scenario 8 — the master meter of the resident's building reads 12,480 kWh for March, the
  household meters add up to 11,730 kWh, the 750 kWh loss is split by area at 0.52 yuan/kWh —
  published, plus this month's draft with its readings entered but not yet computed, for the
  demo ``company`` login.

Readings and shares (one row per unit each) are the big tables: allocations are written until a
row budget (``ROW_BUDGET``) is spent, so the megacity stays within ~300k rows and a couple of
minutes. Rows are written in bulk (``BulkWriter``), not through the services; the same seed and
``now`` give the same rows.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.core.calendar import period_last_day
from wuye.core.money import money, round_half_up
from wuye.disclosure.allocation import split_money
from wuye.disclosure.models import DisclosureSettings, HouseholdReading, UtilityAllocation, UtilityShare
from wuye.disclosure.utilities.services import WEIGHT_PLACES, formula_text_for, loss_rate_of, weights_for
from wuye.registry.models import Building, Estate, Ownership, Unit

from .bulk import BulkWriter, timestamp

SH = ZoneInfo("Asia/Shanghai")
ROW_BUDGET = {"small": 60_000, "city": 120_000, "megacity": 250_000}
SAMPLE_RATE = 0.6  # of estates with a company get allocations (until the budget is spent)
PRICES = {"electricity": [Decimal("0.52"), Decimal("0.4883"), Decimal("0.56")],
          "water": [Decimal("3.95"), Decimal("4.20"), Decimal("5.00")]}


def _month(d: date, back: int) -> tuple[date, date]:
    y, m = d.year, d.month - back
    while m <= 0:
        y, m = y - 1, m + 12
    first = date(y, m, 1)
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def build_demo_utilities(*, scale: str = "small", seed: int = 2026, now: datetime | None = None,
                         city_id: int | None = None, say: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write the demo utility allocations (call inside a transaction). Returns rows written per table."""
    say = say or (lambda text: None)
    started = time.monotonic()
    rng = random.Random(f"utilities:{seed}")
    now = (now or timezone.now()).astimezone(SH).replace(microsecond=0)
    estates_qs = Estate.objects.filter(company__isnull=False)
    if city_id:
        estates_qs = estates_qs.filter(district__city_id=city_id)
    estates = list(estates_qs.order_by("id").values("id", "name", "company_id"))
    if not estates:
        return {}
    featured_id, featured_building = _featured()
    builder = _UtilitiesBuilder(rng, now.date(), scale)
    builder.write_featured([e for e in estates if e["id"] == featured_id], featured_building)
    rest = [e for e in estates if e["id"] != featured_id]
    rng.shuffle(rest)
    builder.write_sample(rest)
    builder.w.finish()
    counts = builder.counts
    written = {m._meta.model_name: n for m, n in builder.w.counts.items()}
    say(f"  水电公摊：已公示 {counts['published']}（其中损耗率超预警 {counts['flagged']}），草稿 {counts['draft']}；"
        f"分户读数 {written.get('householdreading', 0)} 条，分户公摊 {written.get('utilityshare', 0)} 条"
        f"（{time.monotonic() - started:.1f} 秒）")
    return written


def _featured() -> tuple[int | None, int | None]:
    """The demo ``committee`` login's estate and the building of the demo ``resident``'s home in it."""
    committee = User.objects.filter(username="committee", role=Role.COMMITTEE).values("estate_id").first()
    resident = User.objects.filter(username="resident", role=Role.RESIDENT).values("owner_id").first()
    featured_id = committee["estate_id"] if committee else None
    featured_building = None
    if featured_id:
        owned = (Ownership.objects.filter(owner_id=resident["owner_id"], estate_id=featured_id)
                 .values_list("unit__building_id", flat=True).first() if resident else None)
        featured_building = owned or Building.objects.filter(estate_id=featured_id).order_by("id") \
            .values_list("id", flat=True).first()
    return featured_id, featured_building


def _units_of(building_id=None, estate_id=None, limit=400):
    qs = Unit.objects.filter(building_id=building_id) if building_id else Unit.objects.filter(estate_id=estate_id)
    return list(qs.order_by("id").values_list("id", "exclusive_area")[:limit])


class _UtilitiesBuilder:
    """The allocations of one run: the featured estate's, then a sample's, all drawn from ``rng`` in turn."""

    def __init__(self, rng: random.Random, today: date, scale: str):
        self.rng = rng
        self.today = today
        settings_row = DisclosureSettings.current()
        self.threshold = Fraction(settings_row.utility_loss_threshold)
        self.public_days = settings_row.utility_public_days
        self.managers = dict(User.objects.filter(role=Role.COMPANY_MANAGER, company_id__isnull=False)
                             .order_by("-id").values_list("company_id", "id"))
        w = self.w = BulkWriter(batch_size=50_000)
        self.allocations = w.table(UtilityAllocation, [
            "id", "created_at", "updated_at", "estate_id", "building_id", "company_id", "utility", "period_start",
            "period_end", "status", "version", "master_start", "master_end", "master_usage", "household_usage",
            "loss", "loss_rate", "flagged", "method", "area_weight", "formula_text", "unit_price", "total_charge",
            "public_from", "public_until", "created_by_id"])
        self.readings = w.table(HouseholdReading, ["id", "allocation_id", "unit_id", "start", "end", "usage"])
        self.shares = w.table(UtilityShare, ["id", "allocation_id", "unit_id", "area", "weight", "quantity",
                                             "charge"])
        self.budget = ROW_BUDGET.get(scale, ROW_BUDGET["small"])
        self.counts = {"published": 0, "draft": 0, "flagged": 0}

    def ts(self, d: date, hour: int) -> str:
        return timestamp(datetime(d.year, d.month, d.day, hour, self.rng.randint(0, 59), tzinfo=SH))

    # ---- which allocations

    def write_featured(self, order: list[dict], featured_building: int | None) -> None:
        """The featured estate: scenario 8, then this month's draft."""
        rng, today = self.rng, self.today
        march = date(today.year if today.month > 3 else today.year - 1, 3, 1), \
            date(today.year if today.month > 3 else today.year - 1, 3, 31)
        if not (order and featured_building):
            return
        e = order[0]
        units = _units_of(featured_building, limit=2000)
        if not units:
            return
        n = len(units)
        base = [Decimal(11730 // n)] * n
        for i in range(11730 - int(sum(base))):
            base[i % n] += 1
        # vary the households around the mean, keeping the sum at 11,730 kWh
        for i in range(0, n - 1, 2):
            shift = Decimal(min(rng.randint(0, 40), int(base[i + 1])))
            base[i] += shift
            base[i + 1] -= shift
        self.budget -= self.write(e, featured_building, units, "electricity", march, usages=base,
                                  master_usage=Decimal(12480), price=Decimal("0.52"))
        self.budget -= self.write(e, featured_building, units, "electricity", _month(today, 1), publish=False)

    def write_sample(self, rest: list[dict]) -> None:
        """The last three months' electricity of one building (and sometimes the quarter's water) per estate."""
        rng, today = self.rng, self.today
        for e in rest:
            if self.budget <= 0:
                break
            if rng.random() > SAMPLE_RATE:
                continue
            building = Building.objects.filter(estate_id=e["id"]).order_by("id").values_list("id", flat=True)
            building_ids = list(building[:8])
            if not building_ids:
                continue
            bid = rng.choice(building_ids)
            units = _units_of(bid)
            if not units:
                continue
            method, aw = rng.choices([("area", None), ("household", None), ("formula", Decimal("70"))],
                                     weights=[7, 2, 1])[0]
            for back in (3, 2, 1):
                self.budget -= self.write(e, bid, units, "electricity", _month(today, back), method=method,
                                          area_weight=aw)
            if rng.random() < 0.25 and self.budget > 0:
                whole = _units_of(estate_id=e["id"], limit=600)
                q_end = _month(today, 1)[1]
                q_start = _month(today, 3)[0]
                self.budget -= self.write(e, None, whole, "water", (q_start, q_end))
            self.w.flush_if_full()

    # ---- one allocation

    def write(self, estate, building_id, units, utility, period, *, usages=None, master_usage=None, method="area",
              area_weight=None, price=None, publish=True, rate=None):
        """One allocation with its readings and (when published) its shares; returns the rows it costs."""
        rng, today = self.rng, self.today
        aid = self.w.next_id(UtilityAllocation)
        if usages is None:
            usages = self.drawn_usages(units, utility)
        household = sum(usages, Decimal(0))
        if master_usage is None:
            master_usage = self.drawn_master_usage(household, rate)
        loss = master_usage - household
        price = price or rng.choice(PRICES[utility])
        master_start = Decimal(rng.randint(10_000, 900_000))
        exact_rate = loss_rate_of(loss, master_usage)
        rate2 = round_half_up(exact_rate, 2)
        flagged = exact_rate > self.threshold
        for (uid, _a), q in zip(units, usages, strict=True):
            start = Decimal(rng.randint(1_000, 60_000))
            self.readings.append((self.w.next_id(HouseholdReading), aid, uid, str(start), str(start + q), str(q)))
        total = self.write_shares(aid, units, method, area_weight, loss * price, loss) if publish else Decimal(0)
        published = period[1] + timedelta(days=rng.randint(3, 8))
        public = ((published.isoformat(), period_last_day(published, self.public_days).isoformat()) if publish
                  else (None, None))
        created = period[1] + timedelta(days=rng.randint(1, 3))
        self.allocations.append((
            aid, self.ts(min(created, today), 9), self.ts(min(published if publish else created, today), 16),
            estate["id"], building_id, estate["company_id"], utility, period[0].isoformat(), period[1].isoformat(),
            "published" if publish else "draft", 3 if publish else 1, str(master_start),
            str(master_start + master_usage), str(master_usage), str(household if publish else 0),
            str(loss if publish else 0), str(rate2 if publish else 0), flagged and publish, method,
            None if area_weight is None else str(area_weight),
            formula_text_for(area_weight) if method == "formula" else "",
            str(price), str(total), public[0], public[1], self.managers.get(estate["company_id"])))
        self.counts["published" if publish else "draft"] += 1
        self.counts["flagged"] += int(flagged and publish)
        return len(units) * (2 if publish else 1)

    def drawn_usages(self, units, utility: str) -> list[Decimal]:
        """Household usages drawn around the estate's use per m² (a quarter's for water)."""
        rng = self.rng
        per_m2 = rng.uniform(0.9, 2.4) if utility == "electricity" else rng.uniform(0.03, 0.08)
        months = 3 if utility == "water" else 1
        return [Decimal(max(0, round(float(a) * per_m2 * months * rng.uniform(0.4, 1.6)))) for _u, a in units]

    def drawn_master_usage(self, household: Decimal, rate: float | None) -> Decimal:
        """The master meter's usage for a loss rate: mostly 3–9 %, about one in ten above the threshold."""
        rng = self.rng
        if rate is None:
            rate = rng.uniform(10.5, 18) if rng.random() < 0.1 else rng.uniform(3, 9)
        return household + Decimal(round(float(household) * rate / (100 - rate)))

    def write_shares(self, aid: int, units, method: str, area_weight, charge: Decimal, loss: Decimal) -> Decimal:
        """The loss and its charge split over the units, exact to the fen; returns the total charge."""
        weights = weights_for(method, [a for _u, a in units], area_weight)
        total = money(charge)
        for (uid, area), wt, q, c in zip(units, weights, split_money(round_half_up(loss, 3), weights, places=3),
                                         split_money(total, weights), strict=True):
            self.shares.append((self.w.next_id(UtilityShare), aid, uid, str(area),
                                str(round_half_up(wt, WEIGHT_PLACES)), str(q), str(c)))
        return total
