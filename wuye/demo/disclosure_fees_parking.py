"""Demo fee notices and parking (issue 5 items 3 and 4) for the demo city.

``build_demo_fees_parking(scale=..., seed=..., now=..., city_id=..., say=...)`` adds:

- fee notices (明码标价) for most estates with a company: the standard from the contract's grade
  and the estate's active star rating, the contract's fee rate as the property-service item, the
  parking and other items the estate's kind calls for, government-guided prices (base and band)
  for old compounds and resettlement housing, market prices otherwise, 12358 always; some estates
  also keep last year's superseded notice, and some have none (flagged "未公示收费标准");
- 只售不租 violations, consistent with the registry: every estate that has idle developer-held
  spaces not offered for rent has one open violation (as the daily sweep would leave it), and
  some other estates a resolved one from earlier in the year;
- owners' waiting lists for rent in a sample of estates with parking: waiting requests in order,
  a few withdrawn, and offered ones on spaces that are rented;
- the featured estate 幸福里小区: a current notice and a superseded one, a waiting list of five in
  which the demo ``resident`` is third (the demo ``company`` manager can offer spaces).

Rows are written in bulk (``BulkWriter``); the same seed and ``now`` give the same rows. At
``megacity`` it writes about 10k notices, 35k items and a few thousand requests.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.core.money import round_half_up
from wuye.disclosure.models import FeeItem, FeeNotice, ParkingViolation, RentRequest
from wuye.registry.models import Estate, Owner, Ownership, ParkingSpace, ServiceContract
from wuye.supervision.models import StarRating
from wuye.territory.models import City

from .bulk import BulkWriter, timestamp

SH = ZoneInfo("Asia/Shanghai")
FEATURED = "幸福里小区"
NOTICE_RATE = 0.85  # of estates with a company: a current notice
HISTORY_RATE = 0.25  # of those: also last year's superseded notice
QUEUE_ESTATES = {"small": 1000, "city": 300, "megacity": 800}  # estates with a waiting list, at most
GRADE_NAMES = {"1": "一星级", "2": "二星级", "3": "三星级", "4": "四星级", "5": "五星级"}
CONTENT = [
    "房屋共用部位的维修、养护和管理",
    "共用设施设备的日常运行、维修、养护和管理",
    "公共区域清洁卫生、垃圾分类收集和清运",
    "公共绿化养护",
    "秩序维护、门岗值守和车辆停放管理",
    "消防设施日常巡查及消防通道管理",
    "物业档案资料管理及客户服务（24 小时报修）",
]
EXTRA_ITEMS = [
    ("电梯运行维护费", (0.2, 0.6), "元/m²·月", "有电梯的住宅楼"),
    ("二次供水设施运行费", (0.05, 0.2), "元/m²·月", "高层住宅"),
    ("装修垃圾清运费", (300, 800), "元/户·次", "装修期间一次性收取"),
    ("临时停车费", (5, 10), "元/次", "外来车辆，首小时免费"),
]
BASIS = ["物业服务合同（备案号 {filing}）", "物业服务合同（备案号 {filing}）；{city}住宅物业服务收费管理办法",
         "前期物业服务合同（备案号 {filing}）；价格主管部门核定文件"]
PAYER = "业主（已交付房屋）；开发建设单位（未售或未交付房屋）"
PLATES = "京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川贵云陕甘青"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def money(x: float | Decimal) -> Decimal:
    """A drawn amount in yuan, rounded half up to the fen by the platform's one rule."""
    return round_half_up(Decimal(str(x)), 2)


def build_demo_fees_parking(*, scale: str = "small", seed: int = 2026, now: datetime | None = None,
                            city_id: int | None = None, say: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write the demo fee notices, 只售不租 violations and waiting lists (inside a transaction)."""
    say = say or (lambda text: None)
    started = time.monotonic()
    rng = random.Random(f"fees-parking:{seed}")
    now = (now or timezone.now()).astimezone(SH).replace(microsecond=0)
    estates_qs = Estate.objects.all()
    if city_id:
        estates_qs = estates_qs.filter(district__city_id=city_id)
    estates = list(estates_qs.order_by("id").values("id", "name", "kind", "company_id", "district__name",
                                                    "year_built"))
    if not estates:
        return {}
    builder = _FeesParkingBuilder(rng, now, estates_qs, estates, city_id)
    n_flagged = builder.write_notices()
    builder.write_violations()
    builder.write_waiting_lists(scale)
    w = builder.w
    w.finish()
    counts = {m._meta.model_name: n for m, n in w.counts.items()}
    say(f"    收费公示 {counts.get('feenotice', 0):,} 份（{n_flagged:,} 个小区未公示），"
        f"车位只售不租 {counts.get('parkingviolation', 0):,} 条，租车位申请 {counts.get('rentrequest', 0):,} 条"
        f"（{time.monotonic() - started:.1f} 秒）")
    return counts


class _FeesParkingBuilder:
    """The rows of one run: fee notices, then violations, then waiting lists, all drawn from ``rng`` in turn."""

    def __init__(self, rng: random.Random, now: datetime, estates_qs, estates: list[dict], city_id: int | None):
        self.rng = rng
        self.now = now
        self.today = now.date()
        self.estates_qs = estates_qs
        self.estates = estates
        id_set = {e["id"] for e in estates}
        self.contracts = {c["estate_id"]: c for c in ServiceContract.objects.filter(is_current=True).values(
            "estate_id", "contracted_grade", "fee_rate", "filing_number", "start_date") if c["estate_id"] in id_set}
        self.stars = {s["estate_id"]: s["level"] for s in StarRating.objects.filter(status=StarRating.Status.ACTIVE)
                      .values("estate_id", "level") if s["estate_id"] in id_set}
        self.kinds: dict[int, set] = defaultdict(set)
        for estate_id, kind in (ParkingSpace.objects.filter(estate__in=estates_qs).order_by()
                                .values_list("estate_id", "kind").distinct()):
            self.kinds[estate_id].add(kind)
        self.managers = dict(User.objects.filter(role=Role.COMPANY_MANAGER, company_id__isnull=False)
                             .order_by("-id").values_list("company_id", "id"))
        self.city_name = ""
        if city_id:
            self.city_name = City.objects.filter(pk=city_id).values_list("name", flat=True).first() or ""
        self.w = BulkWriter(batch_size=50_000)
        self.notices = self.w.table(FeeNotice, [
            "id", "created_at", "updated_at", "estate_id", "company_id", "payer", "service_content",
            "service_standard", "billing_method", "billing_start", "price_regime", "base_price", "band_percent",
            "legal_basis", "hotline", "effective_from", "is_current", "created_by_id"])
        self.items = self.w.table(FeeItem, ["id", "notice_id", "name", "rate", "unit", "note"])
        self.phones: dict[int, str] = {}

    def ts(self, d: date, hour: int = 9) -> str:
        return timestamp(datetime(d.year, d.month, d.day, hour, self.rng.randint(0, 59), tzinfo=SH))

    # ---- fee notices

    def write_notices(self) -> int:
        """A current notice (and sometimes last year's) per estate with a company; returns the estates without."""
        rng, today = self.rng, self.today
        n_flagged = 0
        for e in self.estates:
            contract = self.contracts.get(e["id"])
            if not e["company_id"] or contract is None:
                continue
            featured = e["name"] == FEATURED
            if not featured and rng.random() > NOTICE_RATE:
                n_flagged += 1
                continue
            rate = money(contract["fee_rate"])
            if featured or rng.random() < HISTORY_RATE:
                old_rate = money(max(Decimal("0.30"), rate - Decimal(rng.choice(("0.10", "0.20", "0.30")))))
                self.notice(e, contract, effective=today - timedelta(days=rng.randint(300, 700)), current=False,
                            rate=old_rate)
            self.notice(e, contract, effective=today - timedelta(days=rng.randint(5, 280)), current=True, rate=rate)
            self.w.flush_if_full()
        return n_flagged

    def notice(self, e: dict, contract: dict, *, effective: date, current: bool, rate: Decimal) -> None:
        rng, w = self.rng, self.w
        nid = w.next_id(FeeNotice)
        grade = GRADE_NAMES.get(contract["contracted_grade"], "二星级")
        standard = f"合同约定{grade}服务"
        if e["id"] in self.stars:
            standard += f"；现评定为{GRADE_NAMES[str(self.stars[e['id']])]}小区"
        guided = e["kind"] in ("old_compound", "resettlement", "affordable")
        band = Decimal(rng.choice((10, 15, 20))) if guided else None
        base = rate if guided else None
        content = "；".join(rng.sample(CONTENT[:4], 3) + rng.sample(CONTENT[4:], 2)) + "。"
        basis = rng.choice(BASIS).format(filing=contract["filing_number"] or "—", city=self.city_name or "本市")
        self.notices.append((
            nid, self.ts(effective), self.ts(effective), e["id"], e["company_id"], PAYER, content, standard[:100],
            "按建筑面积按月计收", (contract["start_date"] or effective).isoformat(),
            "government_guided" if guided else "market", None if base is None else str(base),
            None if band is None else str(band), basis[:300], "12358", effective.isoformat(), current,
            self.managers.get(e["company_id"])))
        self.items.append((w.next_id(FeeItem), nid, "物业服务费", str(rate), "元/m²·月", "按房屋建筑面积计"))
        self.notice_extra_items(nid, self.kinds.get(e["id"], set()))

    def notice_extra_items(self, nid: int, parking_kinds: set) -> None:
        rng, w, items = self.rng, self.w, self.items
        if parking_kinds & {"underground", "mechanical"}:
            items.append((w.next_id(FeeItem), nid, "地下车位管理费", str(money(rng.choice((50, 60, 80, 100)))),
                          "元/个·月", "已购车位业主缴纳"))
        if parking_kinds & {"surface", "common_road"}:
            items.append((w.next_id(FeeItem), nid, "地面车位管理费", str(money(rng.choice((30, 40, 50)))),
                          "元/个·月", "车位租金另行公示"))
        for name, (low, high), unit, note in rng.sample(EXTRA_ITEMS, rng.randint(0, 2)):
            value = rng.uniform(low, high)
            items.append((w.next_id(FeeItem), nid, name, str(money(value if high < 10 else round(value, -1))),
                          unit, note))

    # ---- 只售不租: what the daily sweep would leave, plus earlier resolved findings

    def write_violations(self) -> None:
        rng, w, today, ts = self.rng, self.w, self.today, self.ts
        violations = w.table(ParkingViolation, ["id", "created_at", "updated_at", "estate_id", "idle_spaces",
                                                "status", "found_at", "resolved_at", "note"])
        found = dict(ParkingSpace.objects.filter(estate__in=self.estates_qs, ownership=ParkingSpace.Ownership.DEVELOPER,
                                                 disposal=ParkingSpace.Disposal.IDLE, offered_for_rent=False)
                     .order_by().values("estate_id").annotate(n=Count("id")).values_list("estate_id", "n"))
        note = "开发建设单位持有的空置车位未向业主出租（只售不租）"
        for estate_id in sorted(self.kinds):
            if estate_id in found:
                at = today - timedelta(days=rng.randint(1, 120))
                violations.append((w.next_id(ParkingViolation), ts(at, 4), ts(at, 4), estate_id, found[estate_id],
                                   "open", ts(at, 4), None, note))
            elif rng.random() < 0.12:
                at = today - timedelta(days=rng.randint(150, 330))
                done = at + timedelta(days=rng.randint(20, 90))
                violations.append((w.next_id(ParkingViolation), ts(at, 4), ts(done, 4), estate_id, 0, "resolved",
                                   ts(at, 4), ts(done, 4), note))

    # ---- waiting lists

    def write_waiting_lists(self, scale: str) -> None:
        rng = self.rng
        self.requests = self.w.table(RentRequest, ["id", "created_at", "updated_at", "estate_id", "owner_id",
                                                   "user_id", "plate", "phone", "status", "space_id", "decided_at"])
        featured_estate = next((e["id"] for e in self.estates if e["name"] == FEATURED), None)
        demo_resident = User.objects.filter(username="resident", role=Role.RESIDENT).values("id", "owner_id").first()
        chosen = [x for x in sorted(self.kinds) if x != featured_estate]
        rng.shuffle(chosen)
        chosen = sorted(chosen[: QUEUE_ESTATES.get(scale, 300)])
        if featured_estate in self.kinds:
            chosen.append(featured_estate)
        owners_by_estate: dict[int, list[int]] = defaultdict(list)
        for estate_id, owner_id in (Ownership.objects.filter(estate_id__in=chosen, owner__kind=Owner.Kind.PERSON)
                                    .order_by("estate_id", "id").values_list("estate_id", "owner_id")):
            owners_by_estate[estate_id].append(owner_id)
        self.phones = dict(Owner.objects.filter(id__in={o for v in owners_by_estate.values() for o in v[:60]})
                           .values_list("id", "phone"))
        rented = defaultdict(list)
        for estate_id, space_id in (ParkingSpace.objects.filter(estate_id__in=chosen,
                                                                disposal=ParkingSpace.Disposal.RENTED)
                                    .exclude(ownership=ParkingSpace.Ownership.OWNER).order_by("estate_id", "number")
                                    .values_list("estate_id", "id")):
            rented[estate_id].append(space_id)
        for estate_id in chosen:
            owners = list(dict.fromkeys(owners_by_estate.get(estate_id, [])))[:40]
            if owners:
                self.waiting_list(estate_id, owners, rented.get(estate_id, []),
                                  featured=estate_id == featured_estate, demo_resident=demo_resident)

    def waiting_list(self, estate_id: int, owners: list[int], spaces: list[int], *, featured: bool,
                     demo_resident: dict | None) -> None:
        rng, now = self.rng, self.now
        resident_owner = demo_resident["owner_id"] if demo_resident else None
        pool = list(owners)
        if demo_resident and resident_owner in pool:
            pool.remove(resident_owner)
        rng.shuffle(pool)
        n_wait = 5 if featured else rng.randint(1, 6)
        waiting_owners = pool[:n_wait]
        if featured and demo_resident and resident_owner in owners:
            waiting_owners = pool[:2] + [resident_owner] + pool[2:4]
        at = now - timedelta(days=rng.randint(30, 90))
        for owner_id in waiting_owners:  # first come, first served: each later than the one before
            at += timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 9))
            user_id = demo_resident["id"] if demo_resident and owner_id == resident_owner else None
            self.request(estate_id, owner_id, "waiting", at, user_id=user_id)
        rest = pool[n_wait:]
        for j, owner_id in enumerate(rest[: min(len(spaces), rng.randint(0, 3))]):
            self.request(estate_id, owner_id, "offered", now - timedelta(days=rng.randint(100, 300)),
                         space_id=spaces[j])
        for owner_id in rest[3:3 + rng.randint(0, 1)]:
            self.request(estate_id, owner_id, "withdrawn", now - timedelta(days=rng.randint(60, 200)))

    def plate(self) -> str:
        rng = self.rng
        return rng.choice(PLATES) + rng.choice(LETTERS) + "".join(rng.choice("0123456789") for _ in range(5))

    def request(self, estate_id, owner_id, status, created: datetime, user_id=None, space_id=None) -> None:
        rng = self.rng
        decided = None if status == "waiting" else timestamp(created + timedelta(days=rng.randint(2, 40)))
        self.requests.append((self.w.next_id(RentRequest), timestamp(created), decided or timestamp(created),
                              estate_id, owner_id, user_id, self.plate() if rng.random() < 0.8 else "",
                              self.phones.get(owner_id, ""), status, space_id, decided))
