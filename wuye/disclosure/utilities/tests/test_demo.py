"""The demo's shared utilities on the small city: scenario 8 for the featured estate, exact sums
everywhere, flagged ones for officials, the demo logins see their pages, deterministic for a seed."""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.urls import reverse

from wuye.accounts.models import User
from wuye.demo.disclosure_utilities import build_demo_utilities
from wuye.demo.generator import build_demo_city
from wuye.disclosure.models import HouseholdReading, UtilityAllocation, UtilityShare

NOW = datetime(2026, 5, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def fingerprint() -> str:
    rows = list(UtilityAllocation.objects.order_by("id").values_list(
        "estate_id", "building_id", "utility", "period_start", "status", "master_start", "master_end", "loss",
        "loss_rate", "flagged", "method", "unit_price", "total_charge"))
    rows += list(UtilityShare.objects.order_by("id").values_list("allocation_id", "unit_id", "quantity", "charge"))
    rows += list(HouseholdReading.objects.order_by("id").values_list("allocation_id", "unit_id", "start", "end"))
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_demo_utilities_small(db, client):
    # the city alone: build_demo_city's own transparency step would already call build_demo_utilities
    city = build_demo_city(scale="small", seed=7, complaints=False, supervision=False, transparency=False,
                           now=NOW)
    said = []
    counts = build_demo_utilities(scale="small", seed=7, now=NOW, city_id=city.city_id, say=said.append)
    assert counts["utilityallocation"] > 5 and counts["utilityshare"] > 100 and said
    # scenario 8 for the featured estate
    s8 = UtilityAllocation.objects.get(estate_id=city.estate_id, status="published", period_start__month=3)
    assert (s8.master_usage, s8.household_usage, s8.loss, s8.unit_price, s8.total_charge) == (
        Decimal("12480"), Decimal("11730"), Decimal("750"), Decimal("0.52"), Decimal("390.00"))
    assert UtilityAllocation.objects.filter(estate_id=city.estate_id, status="draft").count() == 1
    # every published allocation sums exactly
    by_id: dict[int, dict] = {}
    for aid, charge, quantity in UtilityShare.objects.values_list("allocation_id", "charge", "quantity"):
        row = by_id.setdefault(aid, {"c": Decimal(0), "q": Decimal(0)})  # summed in Python: SQLite sums floats
        row["c"] += charge
        row["q"] += quantity
    for a in UtilityAllocation.objects.filter(status="published"):
        assert by_id[a.pk]["c"] == a.total_charge and by_id[a.pk]["q"] == a.loss
        assert a.master_usage - a.household_usage == a.loss >= 0
    assert UtilityAllocation.objects.filter(flagged=True).exists()
    # the demo logins see their pages
    resident = User.objects.get(username="resident")
    client.force_login(resident, backend="django.contrib.auth.backends.ModelBackend")
    body = client.get(reverse("disclosure:utility_mine")).content.decode()
    assert "损耗 750 kWh × 本户面积" in body
    client.force_login(User.objects.get(username="company"), backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("disclosure:utility_list")).status_code == 200
    client.force_login(User.objects.get(username="city"), backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("disclosure:utility_flagged")).status_code == 200
    # deterministic: the same seed and now give the same rows
    first = fingerprint()
    UtilityAllocation.objects.all().delete()
    build_demo_utilities(scale="small", seed=7, now=NOW, city_id=city.city_id)
    assert fingerprint() == first
