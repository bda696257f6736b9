"""What serves a demo estate: its service contracts, parking spaces, the company's staff and the
owners' committee (``EstateServicesMixin`` is part of ``generator.CityBuilder``, beside ``EstatesMixin``).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from wuye.core.calendar import add_years
from wuye.registry.models import (
    CommitteeMember,
    OwnersCommittee,
    ParkingSpace,
    ServiceContract,
    Staff,
)

from . import identifiers as ids
from . import names as N
from .common import REFERENCE_DATE, money, weighted


class EstateServicesMixin:
    """Contracts, parking, staff and committees of each estate."""

    def _contracts(self, e: dict) -> None:
        company = e["company"]
        if company is None:
            return
        rng = self.rng_contracts
        w = self.writer
        ref = REFERENCE_DATE
        if e is self.featured_estate:
            grade, fee = "3", 220
            start, end = date(2024, 1, 1), date(2028, 12, 31)
        else:
            if e["mode"] == "quasi":
                grade, fee = "1", rng.randint(6, 12) * 5
            else:
                if e["kind"] == "commercial":
                    low, high = (3, 5) if e["year"] >= 2015 else (2, 4) if e["year"] >= 2005 else (1, 3)
                else:
                    low, high = 1, 2
                grade = str(rng.randint(low, high))
                band = {"1": (10, 20), "2": (18, 30), "3": (28, 44), "4": (40, 60), "5": (56, 96)}[grade]
                fee = rng.randint(*band) * 5
            term = rng.choice((1, 2, 3, 3, 3, 5, 5))
            start = ref - timedelta(days=rng.randint(20, 6 * 365))
            end = add_years(start, term) - timedelta(days=1)
            if end < ref and rng.random() > 0.12:  # most were renewed; some ran out and nobody renewed them
                while end < ref:
                    start = end + timedelta(days=1)
                    end = add_years(start, term) - timedelta(days=1)
        rows = self.t_contract
        if e is not self.featured_estate and rng.random() < 0.35:
            prev_company = company if rng.random() < 0.5 else rng.choice(self.companies)
            prev_end = start - timedelta(days=1)
            prev_start = add_years(start, -rng.choice((2, 3, 5)))
            rows.append((w.next_id(ServiceContract), e["id"], prev_company["id"], prev_start.isoformat(),
                         prev_end.isoformat(), grade, money(max(30, fee - rng.randint(0, 6) * 5)),
                         self._filing_number(rng, prev_start), False, self.ts, self.ts))
        rows.append((w.next_id(ServiceContract), e["id"], company["id"], start.isoformat(), end.isoformat(), grade,
                     money(fee), self._filing_number(rng, start), True, self.ts, self.ts))
        e["contract_start"] = start

    def _filing_number(self, rng: random.Random, start: date) -> str:
        if rng.random() < 0.1:
            return ""  # not filed with the housing authority
        seq = self.filing_seq[start.year] = self.filing_seq.get(start.year, 0) + 1
        return f"示物合备〔{start.year}〕{seq:05d}号"

    @staticmethod
    def _parking_ratio(e: dict) -> float:
        kind, year = e["kind"], e["year"]
        if kind == "old_compound":
            return 0.1
        if kind == "commercial":
            return 0.25 if year < 2005 else 0.7 if year < 2013 else 1.0
        return 0.4

    def _parking(self, e: dict, count: int) -> None:
        if count <= 0:
            return
        rng = self.rng_parking
        rnd = rng.random
        w = self.writer
        ts = self.ts
        kind, year = e["kind"], e["year"]
        if kind == "old_compound":
            mix = (("common_road", 0.7), ("surface", 1.0))
        elif kind == "commercial" and year >= 2005:
            mix = (("underground", 0.70), ("surface", 0.88), ("mechanical", 0.93 if year >= 2012 else 0.88),
                   ("common_road", 1.0))
        elif kind == "commercial":
            mix = (("surface", 0.6), ("common_road", 1.0))
        else:
            mix = (("surface", 0.5), ("underground", 0.9), ("common_road", 1.0))
        prefix = {"underground": "B1-", "surface": "D", "mechanical": "J", "common_road": "L"}
        rent_band = {"underground": (20, 45), "mechanical": (15, 30), "surface": (10, 25), "common_road": (6, 15)}
        seq = {k: 0 for k in prefix}
        rows = self.t_parking
        for _ in range(count):
            r = rnd()
            pkind = next(k for k, edge in mix if r <= edge)
            seq[pkind] += 1
            number = f"{prefix[pkind]}{seq[pkind]:03d}"
            if pkind == "underground" and seq[pkind] > 500:
                number = f"B2-{seq[pkind] - 500:03d}"
            r = rnd()
            if pkind in ("underground", "mechanical"):
                owner_kind = "owner" if r < 0.55 else "developer"
            elif pkind == "surface":
                owner_kind = "common" if r < 0.6 else "developer" if r < 0.85 else "owner"
            else:
                owner_kind = "common"
            rent = None
            offered = False
            if owner_kind == "owner":
                disposal = "sold"
            else:
                disposal = "rented" if rnd() < (0.72 if owner_kind == "common" else 0.5) else "idle"
                # rules.md §5: a share of developer-held idle spaces is kept off the rental market.
                offered = disposal == "rented" or rnd() < (0.85 if owner_kind == "common" else 0.55)
                if offered:
                    low, high = rent_band[pkind]
                    rent = money(rng.randint(low, high) * 1000)
            rows.append((w.next_id(ParkingSpace), e["id"], number, pkind, owner_kind, disposal, rent, offered, ts, ts))

    def _staff(self, e: dict) -> None:
        company = e["company"]
        if company is None:
            return
        rng = self.rng_staff
        w = self.writer
        ts = self.ts
        rows = self.t_staff
        pm_certs = self.pm_certs
        start = e.get("contract_start", REFERENCE_DATE - timedelta(days=365))
        span = max(1, (REFERENCE_DATE - start).days)
        size = e["units"]
        crew = [("project_manager", 1), ("customer_service", 1 + size // 600), ("engineer", 1 + size // 400),
                ("security", 1 + size // 250), ("cleaner", 1 + size // 300)]
        if e["kind"] == "commercial" and e["year"] >= 2005:
            crew.append(("gardener", 1))
        if e["mode"] == "quasi":
            crew = [("project_manager", 1), ("security", 1), ("cleaner", 1)]
        for role, n in crew:
            for _ in range(n):
                name = self.staff_people.name(born_from=1962, born_to=2002)
                if role == "project_manager":
                    certs = rng.choice(pm_certs)
                    posted = start + timedelta(days=rng.randrange(min(span, 400)))
                else:
                    certs = rng.choice(self.staff_certs[role])
                    posted = REFERENCE_DATE - timedelta(days=rng.randint(10, 5 * 365))
                rows.append((w.next_id(Staff), company["id"], name, role, certs, ids.mobile(rng), e["id"],
                             posted.isoformat(), self.keys[name], ts, ts))

    def _spare_staff(self) -> None:
        """Head-office staff of each active company, not posted to an estate."""
        rng = self.rng_staff
        w = self.writer
        pm_certs = weighted(N.PM_CERTIFICATES)
        for company in self.companies:
            if company["status"] == "revoked":
                continue
            for role in ("project_manager", "customer_service") if rng.random() < 0.5 else ("customer_service",):
                name = self.staff_people.name(born_from=1965, born_to=2000)
                certs = rng.choice(pm_certs) if role == "project_manager" else ""
                posted = REFERENCE_DATE - timedelta(days=rng.randint(30, 3 * 365))
                self.t_staff.append((w.next_id(Staff), company["id"], name, role, certs, ids.mobile(rng), None,
                                     posted.isoformat(), self.keys[name], self.ts, self.ts))

    def _committee(self, e: dict) -> None:
        """rules.md §1: 5–11 members, an odd number, a term of at most 5 years; most committees
        have at least half Party members."""
        rng = self.rng_committees
        featured = e is self.featured_estate
        p = {"commercial": 0.5 if e["units"] >= 100 else 0.2, "resettlement": 0.15, "affordable": 0.05,
             "old_compound": 0.08}[e["kind"]]
        if e["mode"] == "self_managed":
            p = 0.8
        people = list({person[0]: person for person in e["people"] if person[2]}.values())
        if not featured and (rng.random() >= p or len(people) < 11):
            return
        w = self.writer
        ts = self.ts
        if featured:
            n = 7
            start = date(2024, 3, 16)
            years = 5
        else:
            n = 5 if e["units"] < 200 else rng.choice((5, 7, 7, 9)) if e["units"] < 800 else rng.choice((7, 9, 11))
            start = REFERENCE_DATE - timedelta(days=rng.randint(30, 5 * 365))
            years = 5 if rng.random() < 0.6 else 3
        end = add_years(start, years) - timedelta(days=1)
        r = rng.random()
        filed = start + timedelta(days=rng.randint(3, 28)) if featured or r < 0.8 else (
            start + timedelta(days=rng.randint(35, 90)) if r < 0.9 else None)
        cid = w.next_id(OwnersCommittee)
        self.t_committee.append((cid, e["id"], start.isoformat(), end.isoformat(),
                                 filed.isoformat() if filed else None, True, ts, ts))
        resident = self.candidates[0][0] if featured and self.candidates else None
        chosen = rng.sample([p for p in people if p[0] != resident], n)
        half = (n + 1) // 2
        party = half + rng.randint(0, n - half) if featured or rng.random() < 0.85 else rng.randint(1, half - 1)
        flags = [True] * party + [False] * (n - party)
        rng.shuffle(flags)
        deputies = 1 if n <= 7 else 2
        for k, (person, is_party) in enumerate(zip(chosen, flags, strict=True)):
            position = "director" if k == 0 else "deputy" if k <= deputies else "member"
            if k == 0 and featured:
                is_party = True
            self.t_member.append((w.next_id(CommitteeMember), cid, person[0], person[1], position, is_party,
                                  person[2], ts, ts))
        if featured:
            self.featured_director = chosen[0]
