"""Estates of the demo city: where they are, what they are called, who manages them, and
everything in them — buildings, units, owners (contracts, parking, staff and committees: ``estate_services``).

``EstatesMixin`` is part of ``CityBuilder``; it appends rows to the builder's bulk-insert
buffers and uses its seeded random streams.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from wuye.registry.models import (
    Building,
    CommitteeMember,
    Estate,
    Owner,
    OwnersCommittee,
    Ownership,
    ParkingSpace,
    ServiceContract,
    Staff,
    Unit,
)

from . import identifiers as ids
from . import names as N
from .common import REFERENCE_DATE, People, money, weighted

FEATURED_ESTATE = "幸福里小区"


class EstatesMixin:
    # -- plan ------------------------------------------------------------------------------------

    def plan_estates(self) -> None:
        """Decide every estate's place, kind, name, management and size before writing any."""
        rng = self.rng("estates")
        scale = self.scale
        featured_street = self.districts[0]["streets"][0]
        featured_community = featured_street["communities"][0]
        other_community = featured_street["communities"][1] if len(featured_street["communities"]) > 1 else featured_community
        places = [featured_community, featured_community, other_community]
        weights = [c["weight"] for c in self.communities]
        places += rng.choices(self.communities, weights=weights, k=scale.estates - len(places))
        # Keep each community's estates together; the featured estate comes first.
        order = {c["id"]: i for i, c in enumerate(self.communities)}
        featured = places[:3]
        rest = sorted(places[3:], key=lambda c: order[c["id"]])
        places = featured + rest

        used_names = {FEATURED_ESTATE}
        self.estates: list[dict] = []
        for i, community in enumerate(places):
            district = community["district"]
            if i < 3:
                kind = "commercial"
            else:
                r = rng.random()
                if district["kind"] == "park":
                    kind = "commercial" if r < 0.62 else "resettlement" if r < 0.90 else "affordable"
                elif district["kind"] == "county":
                    kind = "commercial" if r < 0.45 else "old_compound" if r < 0.75 else "resettlement" if r < 0.93 else "affordable"
                else:
                    kind = "commercial" if r < 0.55 else "old_compound" if r < 0.85 else "affordable" if r < 0.92 else "resettlement"
            year = self._year(rng, kind)
            if i == 0:
                name, year = FEATURED_ESTATE, 2008
            else:
                name = self._estate_name(rng, kind, community, used_names)
            used_names.add(name)
            mode = "professional" if i < 3 else self._mode(rng, kind)
            size = self._size(rng, kind, year)
            road = rng.choice(community["roads"])
            address = f"{district['name']}{road}{rng.randint(1, 399)}号"
            if i == 0:
                address = f"{district['name']}{road}8号"
            elif name.endswith("号院") and not name.startswith(district["short"]):
                address = district["name"] + name.removesuffix("院")  # 文化路55号院 is at 文化路55号
            self.estates.append({
                "i": i, "name": name, "kind": kind, "year": year, "mode": mode, "size": size, "address": address,
                "community": community, "street": community["street"], "district": district, "company": None,
            })
        self.featured_estate = self.estates[0]
        self.featured_estate["size"] = 480
        # Scale sizes so that the city has about the number of units asked for.
        others = self.estates[1:]
        factor = (scale.units - self.featured_estate["size"]) / max(1, sum(e["size"] for e in others))
        for e in others:
            e["size"] = max(12, round(e["size"] * factor))
        self._assign_companies(rng)

    @staticmethod
    def _year(rng: random.Random, kind: str) -> int:
        if kind == "old_compound":
            return rng.randint(1968, 1999)
        if kind == "affordable":
            return rng.randint(2008, 2022)
        if kind == "resettlement":
            return rng.randint(2005, 2024)
        return min(2025, int(rng.triangular(1996, 2026, 2012)))

    @staticmethod
    def _mode(rng: random.Random, kind: str) -> str:
        r = rng.random()
        if kind == "commercial":
            return "professional" if r < 0.95 else "self_managed" if r < 0.98 else "none"
        if kind == "old_compound":
            return "quasi" if r < 0.40 else "none" if r < 0.65 else "self_managed" if r < 0.80 else "professional"
        if kind == "affordable":
            return "professional" if r < 0.80 else "quasi"
        return "professional" if r < 0.60 else "quasi" if r < 0.85 else "self_managed" if r < 0.95 else "none"

    @staticmethod
    def _size(rng: random.Random, kind: str, year: int) -> int:
        if kind == "old_compound":
            return int(rng.triangular(24, 200, 60))
        if kind == "affordable":
            return int(rng.triangular(200, 1200, 450))
        if kind == "resettlement":
            return int(rng.triangular(150, 900, 380))
        base = rng.lognormvariate(5.7, 0.55)  # median about 300 homes
        return int(min(2400, max(60, base * (0.7 if year < 2005 else 1.0))))

    def _estate_name(self, rng: random.Random, kind: str, community: dict, used: set[str]) -> str:
        suffixes = weighted(N.ESTATE_SUFFIXES)
        for attempt in range(60):
            if kind == "commercial":
                name = rng.choice(N.ESTATE_PREFIXES) + rng.choice(suffixes)
            elif kind == "old_compound":
                r = rng.random()
                if r < 0.65:
                    name = rng.choice(N.WORK_UNITS) + rng.choice(weighted(N.WORK_UNIT_SUFFIXES))
                elif r < 0.82:
                    name = f"{rng.choice(community['roads'])}{rng.randint(1, 199)}号院"
                elif r < 0.92:
                    name = rng.choice(N.OLD_VILLAGE_NAMES)
                else:
                    name = community["street"]["root"].removesuffix("路") + "小区"
            elif kind == "affordable":
                if rng.random() < 0.5:
                    name = rng.choice(N.AFFORDABLE_NAMES)
                else:
                    name = rng.choice(community["roads"]) + rng.choice(N.AFFORDABLE_SUFFIXES)
            else:
                name = rng.choice(N.VILLAGES) + rng.choice(weighted(N.RESETTLEMENT_SUFFIXES))
            if attempt >= 3:
                name += rng.choice(N.PHASES)
            if attempt >= 30:
                name = community["district"]["short"] + name
            if name not in used:
                return name
        return f"{name}{len(used)}"  # pragma: no cover - far beyond any scale

    def _assign_companies(self, rng: random.Random) -> None:
        """Each active company first gets one estate near home, the rest go by a skewed weight
        (a few large companies, many small ones), mostly within the company's district."""
        featured = self.companies[0]
        for e in self.estates[:3]:
            e["company"] = featured
        managed = [e for e in self.estates[3:] if e["mode"] in ("professional", "quasi")]
        rng.shuffle(managed)
        active = [c for c in self.companies[1:] if c["status"] != "revoked"]
        by_district: dict[int, list[dict]] = {}
        for e in managed:
            by_district.setdefault(e["district"]["id"], []).append(e)
        for company in active:
            pool = by_district.get(company["district"]["id"])
            if pool:
                pool.pop()["company"] = company
        ranked = [featured] + active
        rng.shuffle(ranked)
        weight_of = {c["id"]: (1.0 / (rank + 1) ** 0.8) * (0.3 if c["status"] == "unfiled" else 1.0)
                     for rank, c in enumerate(ranked)}
        local: dict[int, tuple[list[dict], list[float]]] = {}
        for c in ranked:
            entry = local.setdefault(c["district"]["id"], ([], []))
            entry[0].append(c)
            entry[1].append(weight_of[c["id"]])
        everyone = (ranked, [weight_of[c["id"]] for c in ranked])
        for e in managed:
            if e["company"] is not None:
                continue
            pool = local.get(e["district"]["id"])
            pool = pool if pool and rng.random() < 0.75 else everyone
            e["company"] = rng.choices(pool[0], weights=pool[1], k=1)[0]
        for e in self.estates:
            if e["mode"] in ("professional", "quasi") and e["company"] is None:  # a district without companies
                e["company"] = rng.choices(everyone[0], weights=everyone[1], k=1)[0]

    # -- everything in them ---------------------------------------------------------------------

    def build_estates(self) -> None:
        w = self.writer
        self.t_estate = w.table(Estate, ["id", "name", "address", "community_id", "street_id", "district_id", "kind",
                                         "year_built", "floor_area", "management_mode", "company_id", "search_key",
                                         "created_at", "updated_at"])
        self.t_contract = w.table(ServiceContract, ["id", "estate_id", "company_id", "start_date", "end_date",
                                                    "contracted_grade", "fee_rate", "filing_number", "is_current",
                                                    "created_at", "updated_at"])
        self.t_building = w.table(Building, ["id", "estate_id", "name", "floors", "has_lift", "created_at", "updated_at"])
        self.t_unit = w.table(Unit, ["id", "estate_id", "building_id", "number", "floor", "exclusive_area", "area_source",
                                     "built_area", "sale_status", "created_at", "updated_at"])
        self.t_owner = w.table(Owner, ["id", "kind", "name", "phone", "id_number", "search_key", "created_at", "updated_at"])
        self.t_ownership = w.table(Ownership, ["id", "unit_id", "owner_id", "estate_id", "share", "since",
                                               "created_at", "updated_at"])
        self.t_parking = w.table(ParkingSpace, ["id", "estate_id", "number", "kind", "ownership", "disposal",
                                                "monthly_rent", "offered_for_rent", "created_at", "updated_at"])
        self.t_staff = w.table(Staff, ["id", "company_id", "name", "role", "certificates", "phone", "estate_id",
                                       "post_started", "search_key", "created_at", "updated_at"])
        self.t_committee = w.table(OwnersCommittee, ["id", "estate_id", "term_start", "term_end", "filed_on",
                                                     "is_current", "created_at", "updated_at"])
        self.t_member = w.table(CommitteeMember, ["id", "committee_id", "owner_id", "name", "position",
                                                  "is_party_member", "phone", "created_at", "updated_at"])
        self.rng_units = self.rng("units")
        self.rng_owners = self.rng("owners")
        # One buyer, one head (法释〔2009〕7号 第九条): the database refuses a second owner with the
        # same ID number or credit code, so a drawn number that is already taken is drawn again.
        self.taken_numbers: set[str] = set()
        self.rng_parking = self.rng("parking")
        self.rng_staff = self.rng("staff")
        self.rng_contracts = self.rng("contracts")
        self.rng_committees = self.rng("committees")
        self.people = People(self.rng_owners)
        self.staff_people = People(self.rng_staff)
        self.recent_owners: list[tuple] = []  # (id, name, phone) of people who may buy a second home elsewhere
        self.filing_seq: dict[int, int] = {}
        self.pm_certs = weighted(N.PM_CERTIFICATES)
        self.staff_certs = {role: weighted(pairs) for role, pairs in N.STAFF_CERTIFICATES.items()}
        units_target = sum(e["size"] for e in self.estates)
        parking_weight = [self._parking_ratio(e) * e["size"] for e in self.estates]
        parking_factor = self.scale.parking / max(1.0, sum(parking_weight))
        next_report = 0.2
        done_units = 0
        for estate, pw in zip(self.estates, parking_weight, strict=True):
            estate["id"] = w.next_id(Estate)
            built_cents = self._buildings_units_owners(estate)
            self._estate_row(estate, built_cents)
            self._contracts(estate)
            self._parking(estate, round(pw * parking_factor))
            self._staff(estate)
            self._committee(estate)
            done_units += estate["size"]
            w.flush_if_full()
            if done_units / units_target >= next_report and estate is not self.estates[-1]:
                self.say(f"    … 已生成 {w.counts[Unit] + len(self.t_unit):,} 套房屋（约 {next_report:.0%}）")
                next_report += 0.2
        self._spare_staff()
        w.flush()
        c = w.counts
        self.stage(
            f"小区 {c[Estate]:,} 个（服务合同 {c[ServiceContract]:,} 份），楼栋 {c[Building]:,} 栋，房屋 {c[Unit]:,} 套，"
            f"业主 {c[Owner]:,} 人（产权关系 {c[Ownership]:,} 条），车位 {c[ParkingSpace]:,} 个，"
            f"从业人员 {c[Staff]:,} 人，业主委员会 {c[OwnersCommittee]:,} 个（成员 {c[CommitteeMember]:,} 人）"
        )

    def _estate_row(self, e: dict, built_cents: int) -> None:
        common = 1.06 + (e["id"] % 9) / 100  # common parts and shops on top of the homes
        floor_area = money(int(built_cents * common) // 100 * 100)
        company_id = e["company"]["id"] if e["company"] else None
        self.t_estate.append((
            e["id"], e["name"], e["address"], e["community"]["id"], e["street"]["id"], e["district"]["id"], e["kind"],
            e["year"], floor_area, e["mode"], company_id, self.keys[e["name"]], self.ts, self.ts,
        ))

    def _layout(self, rng: random.Random, e: dict) -> tuple[int, int, int, bool]:
        """(floors, entrances, homes per floor, lift) of one building."""
        kind, year = e["kind"], e["year"]
        if kind == "old_compound":
            floors = rng.choice((4, 5, 5, 6, 6, 6, 7))
            return floors, rng.randint(1, 4), 2, rng.random() < 0.08  # some have had a lift added
        if kind == "commercial" and year < 2005:
            floors = rng.choice((6, 6, 7, 11, 18))
        elif kind == "commercial":
            floors = rng.choice((6, 11, 18, 18, 26, 26, 33))
        else:
            floors = rng.choice((6, 11, 18, 18, 26))
        return floors, rng.randint(1, 3), rng.choice((2, 2, 3, 4)), floors >= 8 or (floors == 7 and year >= 2010)

    def _buildings_units_owners(self, e: dict) -> int:
        """Buildings, units, owners and ownerships of one estate; returns the total built area in fen-m²."""
        rng = self.rng_units
        rnd = rng.random
        randint = rng.randint
        w = self.writer
        ts = self.ts
        eid = e["id"]
        kind, year = e["kind"], e["year"]
        new_build = kind == "commercial" and year >= REFERENCE_DATE.year - 3
        p_unsold = 0.0 if kind == "old_compound" else 0.10 if new_build else 0.012
        p_undelivered = 0.15 if new_build and year >= REFERENCE_DATE.year - 1 else 0.04 if new_build else 0.0
        area_low, area_high = {"old_compound": (42, 78), "affordable": (40, 70), "resettlement": (60, 115)}.get(
            kind, (72, 180) if year >= 2005 else (60, 120))
        # Owners took title after completion; old compounds' homes were sold to tenants in the housing reform.
        since_from = date(max(year + 1, 1998), 1, 1).toordinal()
        since_span = max(1, REFERENCE_DATE.toordinal() - since_from)
        building_label = rng.choice(("{}号楼", "{}号楼", "{}栋", "{}幢"))
        buildings = self.t_building
        units = self.t_unit
        estate_people: list[tuple] = []
        org_owner: dict[str, int] = {}
        featured = e is self.featured_estate
        owner_units: dict[int, int] = {}
        candidates: list[tuple] = []
        total_built = 0
        n_units = 0
        b = 0
        while n_units < e["size"]:
            floors, entrances, per_floor, lift = self._layout(rng, e)
            left = e["size"] - n_units
            if b and left < 12:
                break  # close enough: the estate is about the planned size
            b += 1
            if floors * entrances * per_floor > left * 1.3:
                # The last building: fewer entrances, then fewer floors (but not below 4).
                entrances = max(1, min(entrances, left // (floors * per_floor) or 1))
                floors = max(4, min(floors, -(-left // (entrances * per_floor))))
                lift = lift and (floors >= 7 or kind == "old_compound")
            bid = w.next_id(Building)
            buildings.append((bid, eid, building_label.format(b), floors, lift, ts, ts))
            layouts = [randint(area_low, area_high) * 100 + randint(0, 99) for _ in range(per_floor)]
            ratio = randint(74, 86)  # exclusive area as a share of built-up area (‰ /10)
            for ent in range(1, entrances + 1):
                for fl in range(1, floors + 1):
                    for room in range(1, per_floor + 1):
                        uid = w.next_id(Unit)
                        built = layouts[room - 1] + randint(-40, 40)
                        exclusive = built * ratio // 100
                        total_built += built
                        status, source = _unit_status(rnd, p_unsold, p_undelivered)
                        number = f"{b}-{ent}-{fl}{room:02d}"
                        units.append((uid, eid, bid, number, fl, money(exclusive), source, money(built), status, ts, ts))
                        n_units += 1
                        # Who owns it.
                        person = self._own(e, uid, status, since_from, since_span, org_owner, estate_people)
                        if person is None:
                            continue
                        if featured and status == "delivered" and person[3] and person[4]:
                            candidates.append(person[:4])
                        if featured:
                            owner_units[person[0]] = owner_units.get(person[0], 0) + 1
        if featured:
            # The resident login: a person who alone owns exactly one delivered home here.
            self.candidates = [p for p in candidates if owner_units.get(p[0]) == 1 and p[2]]
        # A few of this estate's owners may also buy elsewhere later.
        for person in estate_people[:: max(1, len(estate_people) // 5)]:
            self.recent_owners.append(person)
        if len(self.recent_owners) > 2000:
            del self.recent_owners[:1000]
        e["people"] = estate_people
        e["units"] = n_units
        return total_built

    def _own(self, e: dict, uid: int, status: str, since_from: int, since_span: int, org_owner: dict,
             estate_people: list) -> tuple | None:
        """The ownerships of one unit: the developer's while unsold, now and then a work unit's in an old
        compound, else one person (an owner of this estate or a recent buyer elsewhere, sometimes) or a
        couple. Returns the person (with a sixth field: alone) or None for an organisation."""
        rng = self.rng_units
        rnd = rng.random
        w = self.writer
        ts = self.ts
        eid = e["id"]
        kind, year = e["kind"], e["year"]
        ownerships = self.t_ownership
        if status == "unsold":
            oid = org_owner.get("developer") or self._org_owner(org_owner, "developer", e)
            ownerships.append((w.next_id(Ownership), uid, oid, eid, "100.00", None, ts, ts))
            return None
        since = date.fromordinal(since_from + int(rnd() * since_span)).isoformat() if status == "delivered" else None
        if kind == "old_compound" and rnd() < 0.03:
            oid = org_owner.get("work_unit") or self._org_owner(org_owner, "work_unit", e)
            ownerships.append((w.next_id(Ownership), uid, oid, eid, "100.00", since, ts, ts))
            return None
        r = rnd()
        if r < 0.05 and estate_people:
            person = estate_people[int(rnd() * len(estate_people))]
        elif r < 0.065 and self.recent_owners:
            person = self.recent_owners[int(rnd() * len(self.recent_owners))]
            estate_people.append(person)
        else:
            person = self._new_person(kind, year)
            estate_people.append(person)
        if rnd() < 0.13:
            spouse = self._new_person(kind, year)
            estate_people.append(spouse)
            share = "50.00" if rnd() < 0.8 else "60.00"
            ownerships.append((w.next_id(Ownership), uid, person[0], eid, share, since, ts, ts))
            ownerships.append((w.next_id(Ownership), uid, spouse[0], eid, "50.00" if share == "50.00" else "40.00", since,
                               ts, ts))
            return (*person[:4], False)
        ownerships.append((w.next_id(Ownership), uid, person[0], eid, "100.00", since, ts, ts))
        return (*person[:4], True)

    def _new_person(self, kind: str, year: int) -> tuple:
        """A new natural-person owner: (id, name, phone, has id number)."""
        rng = self.rng_owners
        rnd = rng.random
        born_to = 1985 if kind == "old_compound" else 2000
        born_from = 1938 if kind == "old_compound" else 1950
        name, male, born = self.people.person(born_from=born_from, born_to=born_to)
        phone = ids.mobile(rng) if rnd() < 0.95 else ""
        id_number = ""
        if rnd() < 0.4:
            birthday = date(born, 1, 1) + timedelta(days=int(rnd() * 365))
            id_number = ids.id_number(rng, born=birthday, male=male)
            while id_number in self.taken_numbers:
                id_number = ids.id_number(rng, born=birthday, male=male)
            self.taken_numbers.add(id_number)
        oid = self.writer.next_id(Owner)
        self.t_owner.append((oid, "person", name, phone, id_number, self.keys[name], self.ts, self.ts))
        return (oid, name, phone, bool(id_number))

    def _org_owner(self, cache: dict, role: str, e: dict) -> int:
        """The developer that still holds unsold homes, or the work unit that owns public housing."""
        rng = self.rng_owners
        if role == "developer":
            brand = rng.choice(N.COMPANY_BRAND_CHARS) + rng.choice(N.COMPANY_BRAND_CHARS)
            name = N.CITY_NAME + brand + rng.choice(N.DEVELOPER_KINDS)
        else:
            base = e["name"]
            for suffix in ("宿舍", "家属院", "家属楼", "宿舍楼"):
                base = base.split(suffix)[0]
            name = N.CITY_NAME + base if base in N.WORK_UNITS else f"{N.CITY_NAME}{e['district']['short']}房产管理所"
        code = ids.credit_code(rng, region=e["district"]["code"], new_style=role == "developer")
        while code in self.taken_numbers:
            code = ids.credit_code(rng, region=e["district"]["code"], new_style=role == "developer")
        self.taken_numbers.add(code)
        oid = self.writer.next_id(Owner)
        self.t_owner.append((oid, "organisation", name, ids.landline(rng, N.CITY_AREA_CODE), code, self.keys[name],
                             self.ts, self.ts))
        cache[role] = oid
        return oid


def _unit_status(rnd, p_unsold: float, p_undelivered: float) -> tuple[str, str]:
    """A unit's sales status and where its area comes from (registered, surveyed, or the sales contract)."""
    r = rnd()
    if r < p_unsold:
        return "unsold", "surveyed" if rnd() < 0.6 else "contract"
    if r < p_unsold + p_undelivered:
        return "sold_undelivered", "contract" if rnd() < 0.7 else "surveyed"
    r2 = rnd()
    return "delivered", "registered" if r2 < 0.88 else "surveyed" if r2 < 0.97 else "contract"
