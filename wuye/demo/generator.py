"""The deterministic demo city (示范市).

``build_demo_city(scale=..., seed=...)`` fills an empty database with a realistic city: its
districts, streets and communities with their codes, functional departments, property
companies, estates with their contracts, buildings, units, owners, parking spaces, staff and
owners' committees, and the demo logins. The same seed gives the same data: every choice comes
from ``random.Random`` seeded per stage, and every date derives from ``REFERENCE_DATE``.

The big tables are written with bulk inserts (``BulkWriter``) inside one transaction; no
per-row service call and no per-row audit row. One IMPORT audit row records the run.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.core.audit import audit_record
from wuye.core.models import AuditAction
from wuye.registry.models import PropertyCompany
from wuye.territory.models import City, Community, Department, District, Street

from . import identifiers as ids
from . import names as N
from .bulk import BulkWriter, timestamp
from .common import Initials, People, weighted
from .complaints import build_demo_complaints
from .estate_services import EstateServicesMixin
from .estates import EstatesMixin
from .supervision import build_demo_supervision
from .transition import build_demo_transition
from .transparency import build_demo_transparency

DEMO_PASSWORD = "Wuye@2026"
FEATURED_COMPANY = "示范市安居物业服务有限公司"


@dataclass(frozen=True)
class Scale:
    name: str
    districts: int
    streets_per_district: tuple[int, int]
    communities_per_street: tuple[int, int]
    estates: int
    companies: int
    units: int
    parking: int


SCALES = {
    "small": Scale("small", 2, (2, 3), (2, 3), 20, 8, 3_000, 600),
    "city": Scale("city", 8, (8, 12), (3, 6), 1_200, 400, 300_000, 60_000),
    "megacity": Scale("megacity", 16, (10, 16), (4, 8), 10_000, 3_000, 3_000_000, 600_000),
}


@dataclass
class DemoCity:
    """What was built: the city, the featured records behind the demo logins, and counts."""

    city_id: int
    district_id: int
    street_id: int
    community_id: int
    department_id: int
    company_id: int
    estate_id: int
    resident_owner_id: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


# ---- the builder -------------------------------------------------------------------------------


class CityBuilder(EstatesMixin, EstateServicesMixin):
    def __init__(self, *, scale: Scale, seed: int, say: Callable[[str], None]):
        self.scale = scale
        self.seed = seed
        self.say = say
        self.started = time.monotonic()
        self.stage_started = self.started
        self.writer = BulkWriter(batch_size=100_000 if connection.vendor == "postgresql" else 50_000)
        self.ts = timestamp(timezone.now())  # created_at / updated_at: when the rows were written
        self.keys = Initials()
        self.candidates: list[tuple] = []

    def rng(self, stage: str) -> random.Random:
        """One random stream per stage, so that stages don't shift each other's choices."""
        return random.Random(f"wuye-demo:{self.seed}:{stage}")

    def stage(self, text: str) -> None:
        now = time.monotonic()
        self.say(f"  {text}（{now - self.stage_started:.1f} 秒）")
        self.stage_started = now

    # -- territory ------------------------------------------------------------------------------

    def build_territory(self) -> None:
        rng = self.rng("territory")
        w = self.writer
        ts = self.ts
        keys = self.keys
        cities = w.table(City, ["id", "name", "code", "created_at", "updated_at"])
        districts = w.table(District, ["id", "city_id", "name", "kind", "code", "search_key", "created_at", "updated_at"])
        streets = w.table(Street, ["id", "district_id", "name", "kind", "code", "search_key", "created_at", "updated_at"])
        communities = w.table(Community, ["id", "street_id", "name", "code", "search_key", "created_at", "updated_at"])
        departments = w.table(Department, ["id", "district_id", "kind", "name", "phone", "created_at", "updated_at"])

        self.city_id = w.next_id(City)
        cities.append((self.city_id, N.CITY_NAME, N.CITY_CODE, ts, ts))
        self.districts: list[dict] = []
        self.streets: list[dict] = []
        self.communities: list[dict] = []
        used_street_names: set[str] = set()
        for name, kind, code in N.DISTRICTS[: self.scale.districts]:
            did = w.next_id(District)
            short = N.PARK_SHORT.get(name) or N.district_short(name)
            district = {"id": did, "name": name, "kind": kind, "code": code, "short": short,
                        "roads": rng.sample(N.ROADS, 16), "streets": [], "departments": {}}
            self.districts.append(district)
            districts.append((did, self.city_id, name, kind, code, keys[name], ts, ts))
            for kind_value, pattern in N.DEPARTMENT_NAMES.items():
                dept_name = pattern.format(d=name, s=short, c=N.CITY_NAME)
                dept_id = w.next_id(Department)
                district["departments"][kind_value] = dept_id
                departments.append((dept_id, did, kind_value, dept_name[:80], ids.landline(rng, N.CITY_AREA_CODE), ts, ts))
            n_streets = rng.randint(*self.scale.streets_per_district)
            n_towns = n_streets * 2 // 3 if kind == "county" else 0
            street_no = town_no = 0
            for i in range(n_streets):
                is_town = i >= n_streets - n_towns
                roots = N.TOWN_ROOTS if is_town else N.STREET_ROOTS
                for attempt in range(40):
                    root = rng.choice(roots)
                    if attempt >= 20:  # every root taken: tell it apart by its district
                        root = short + root
                    sname = root + ("镇" if is_town else "街道")
                    if sname not in used_street_names:
                        break
                used_street_names.add(sname)
                if is_town:
                    town_no += 1
                    scode = f"{code}{100 + town_no:03d}000"
                else:
                    street_no += 1
                    scode = f"{code}{street_no:03d}000"
                sid = w.next_id(Street)
                street = {"id": sid, "name": sname, "district": district, "communities": [], "root": root}
                district["streets"].append(street)
                self.streets.append(street)
                streets.append((sid, did, sname, "town" if is_town else "street", scode, keys[sname], ts, ts))
                n_comm = rng.randint(*self.scale.communities_per_street)
                for j, croot in enumerate(rng.sample(N.COMMUNITY_ROOTS, n_comm), start=1):
                    cname = croot + "社区"
                    cid = w.next_id(Community)
                    community = {"id": cid, "name": cname, "street": street, "district": district,
                                 "roads": rng.sample(district["roads"], 3), "weight": rng.uniform(0.4, 2.0)}
                    street["communities"].append(community)
                    self.communities.append(community)
                    communities.append((cid, sid, cname, f"{scode[:9]}{j:03d}", keys[cname], ts, ts))
        w.flush()
        self.stage(
            f"行政区划：1 个城市，{len(self.districts)} 个区县/园区，{len(self.streets)} 个街道/乡镇，"
            f"{len(self.communities)} 个社区，{len(self.districts) * len(N.DEPARTMENT_NAMES)} 个职能部门"
        )

    # -- companies ------------------------------------------------------------------------------

    def build_companies(self) -> None:
        rng = self.rng("companies")
        people = People(rng)
        w = self.writer
        ts = self.ts
        rows = w.table(PropertyCompany, ["id", "name", "credit_code", "legal_representative", "address", "service_phone",
                                         "filing_status", "search_key", "created_at", "updated_at"])
        kinds = weighted(N.COMPANY_KINDS)
        statuses = weighted([("filed", 86), ("pending", 6), ("unfiled", 5), ("revoked", 3)])
        used_names = {FEATURED_COMPANY}
        used_codes: set[str] = set(PropertyCompany.objects.values_list("credit_code", flat=True))
        self.companies: list[dict] = []
        featured_district = self.districts[0]
        for i in range(self.scale.companies):
            district = featured_district if i == 0 else rng.choice(self.districts)
            if i == 0:
                name = FEATURED_COMPANY
            else:
                for _attempt in range(200):
                    r = rng.random()
                    prefix = N.CITY_NAME if r < 0.6 else district["short"] if r < 0.8 else "山东" if r < 0.9 else ""
                    brand = rng.choice(N.COMPANY_BRAND_CHARS) + rng.choice(N.COMPANY_BRAND_CHARS)
                    name = prefix + brand + rng.choice(kinds)
                    if brand[0] != brand[1] and name not in used_names:
                        break
                else:  # pragma: no cover - the pools hold far more names than any scale needs
                    name = f"{N.CITY_NAME}第{i}{rng.choice(kinds)}"
            used_names.add(name)
            while True:
                code = ids.credit_code(rng, region=district["code"], new_style=rng.random() < 0.7)
                if code not in used_codes:
                    break
            used_codes.add(code)
            status = "filed" if i == 0 else rng.choice(statuses)
            office = "".join(rng.sample(N.COMPANY_BRAND_CHARS, 2)) + rng.choice(N.OFFICE_BUILDINGS)
            address = f"{district['name']}{rng.choice(district['roads'])}{rng.randint(1, 399)}号{office}{rng.randint(2, 28)}楼"
            phone = ids.landline(rng, N.CITY_AREA_CODE) if rng.random() < 0.8 else ids.mobile(rng)
            cid = w.next_id(PropertyCompany)
            legal = people.name(born_from=1958, born_to=1988)
            rows.append((cid, name, code, legal, address, phone, status, self.keys[name], ts, ts))
            self.companies.append({"id": cid, "name": name, "district": district, "status": status, "legal": legal})
        w.flush()
        self.stage(f"物业服务企业：{len(self.companies)} 家（统一社会信用代码均含正确校验位）")

    # -- logins ---------------------------------------------------------------------------------

    def build_users(self) -> None:
        rng = self.rng("users")
        people = People(rng)
        district = self.districts[0]
        street = district["streets"][0]
        community = street["communities"][0]
        resident = self.candidates[0]
        director = self.featured_director
        company = self.companies[0]
        password = make_password(DEMO_PASSWORD)
        now = timezone.now()
        specs = [
            ("admin", Role.SYSADMIN, "系统管理员", {}),
            ("security", Role.SECADMIN, "安全管理员", {}),
            ("auditor", Role.AUDITOR, "安全审计员", {}),
            ("city", Role.CITY, people.name(born_from=1968, born_to=1985), {}),
            ("district", Role.DISTRICT, people.name(born_from=1968, born_to=1990), {"district_id": district["id"]}),
            ("street", Role.STREET, people.name(born_from=1970, born_to=1992), {"street_id": street["id"]}),
            ("community", Role.COMMUNITY, people.name(born_from=1975, born_to=1998), {"community_id": community["id"]}),
            ("dept_market", Role.DEPARTMENT, people.name(born_from=1970, born_to=1992),
             {"department_id": district["departments"]["market"]}),
            ("company", Role.COMPANY_MANAGER, company["legal"], {"company_id": company["id"]}),
            ("committee", Role.COMMITTEE, director[1], {"estate_id": self.featured_estate["id"]}),
            ("resident", Role.RESIDENT, resident[1], {"owner_id": resident[0]}),
        ]
        users = []
        for username, role, full_name, binding in specs:
            phone = {"committee": director[2], "resident": resident[2]}.get(username) or ids.mobile(rng)
            users.append(User(
                id=self.writer.next_id(User), username=username, role=role, full_name=full_name, phone=phone,
                password=password, password_changed_at=now, date_joined=now, is_active=True, **binding,
            ))
        User.objects.bulk_create(users)
        self.stage(f"演示账号：{len(users)} 个（密码 {DEMO_PASSWORD}）")

    def result(self) -> DemoCity:
        district = self.districts[0]
        street = district["streets"][0]
        return DemoCity(
            city_id=self.city_id, district_id=district["id"], street_id=street["id"],
            community_id=street["communities"][0]["id"], department_id=district["departments"]["market"],
            company_id=self.companies[0]["id"], estate_id=self.featured_estate["id"],
            resident_owner_id=self.candidates[0][0],
            counts={m._meta.model_name: n for m, n in self.writer.counts.items()},
            seconds=time.monotonic() - self.started,
        )


def build_demo_city(*, scale: str = "small", seed: int = 2026, say: Callable[[str], None] | None = None,
                    complaints: bool = True, supervision: bool = True, transparency: bool = True,
                    transition: bool = False, now: datetime | None = None) -> DemoCity:
    """Build the demo city in one transaction and return what was built.

    The database must not hold the demo city or the demo logins yet (the ``demo`` command checks
    that first); otherwise a unique constraint fails and nothing is written. ``complaints`` adds
    the year of complaints before ``now`` (``wuye.demo.complaints``); ``supervision`` then adds the
    year of inspections, star ratings and credit (``wuye.demo.supervision``); ``transparency``
    adds disclosures, parking, votes, elections and articles (``wuye.demo.transparency``);
    ``transition`` (on in ``manage.py demo``) then developers, handover cases, old compounds, 准物业
    and the 回头看 (``wuye.demo.transition``; each part's own demo test builds it on its own).
    """
    say = say or (lambda text: None)
    builder = CityBuilder(scale=SCALES[scale], seed=seed, say=say)
    with transaction.atomic():
        builder.build_territory()
        builder.build_companies()
        builder.plan_estates()
        builder.build_estates()
        builder.build_users()
        builder.writer.finish()
        result = builder.result()
        if complaints:
            done = build_demo_complaints(scale=scale, seed=seed, now=now, city_id=builder.city_id, say=say)
            result.counts.update(complaint=done.complaints, task=done.tasks, event=done.events)
        if supervision:
            sup = build_demo_supervision(scale=scale, seed=seed, now=now or (done.now if complaints else None),
                                         city_id=builder.city_id, say=say)
            result.counts.update(inspection=sup.counts.get("inspection", 0), creditevent=sup.counts.get("creditevent", 0))
        if transparency:
            tr = build_demo_transparency(scale=scale, seed=seed, now=now or (done.now if complaints else None),
                                         city_id=builder.city_id, say=say)
            result.counts.update(tr)
        if transparency and transition:
            tn = build_demo_transition(scale=scale, seed=seed, now=now or (done.now if complaints else None),
                                       city_id=builder.city_id, say=say)
            result.counts.update(tn)
        audit_record(
            action=AuditAction.IMPORT, object_type="territory.city", object_id=result.city_id,
            object_repr=N.CITY_NAME, detail="演示城市数据已生成", username="manage.py demo",
            changes={"scale": scale, "seed": seed, "counts": result.counts,
                     **({"complaints_until": done.now.isoformat()} if complaints else {})},
        )
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    builder.say(f"  更新查询统计信息（{time.monotonic() - started:.1f} 秒）")
    result.seconds = time.monotonic() - builder.started
    return result
