"""The demo's fee notices and parking on the small city: notices with 12358 and history, flagged
estates, violations consistent with the registry, the featured waiting list with the demo resident
third, the demo logins see their pages, deterministic for a seed."""

from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

from wuye.accounts.models import User
from wuye.demo.disclosure_fees_parking import build_demo_fees_parking
from wuye.demo.generator import build_demo_city
from wuye.disclosure.models import FeeItem, FeeNotice, ParkingViolation, RentRequest
from wuye.disclosure.parking.selectors import queue_position
from wuye.disclosure.parking.services import parking_violation_sweep
from wuye.registry.models import Estate

NOW = datetime(2026, 5, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
B = "django.contrib.auth.backends.ModelBackend"


def fingerprint() -> str:
    rows = list(FeeNotice.objects.order_by("id").values_list(
        "estate_id", "company_id", "service_standard", "price_regime", "base_price", "band_percent", "effective_from",
        "is_current", "legal_basis"))
    rows += list(FeeItem.objects.order_by("id").values_list("notice_id", "name", "rate", "unit"))
    rows += list(ParkingViolation.objects.order_by("id").values_list("estate_id", "idle_spaces", "status", "found_at"))
    rows += list(RentRequest.objects.order_by("id").values_list("estate_id", "owner_id", "status", "space_id",
                                                               "created_at", "plate"))
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_demo_fees_parking_small(db, client):
    city = build_demo_city(scale="small", seed=7, complaints=False, supervision=False, transparency=False, now=NOW)
    said = []
    counts = build_demo_fees_parking(scale="small", seed=7, now=NOW, city_id=city.city_id, say=said.append)
    assert counts["feenotice"] > 5 and counts["feeitem"] >= counts["feenotice"] and said
    # every notice carries 12358; one current notice per estate at most; some estates flagged
    assert not FeeNotice.objects.exclude(hotline="12358").exists()
    assert FeeNotice.objects.filter(is_current=False).exists()
    with_company = Estate.objects.filter(company__isnull=False).count()
    assert FeeNotice.objects.filter(is_current=True).count() < with_company
    featured = FeeNotice.objects.get(estate_id=city.estate_id, is_current=True)
    assert featured.items.filter(name="物业服务费").exists() and "服务" in featured.service_standard
    assert FeeNotice.objects.filter(estate_id=city.estate_id, is_current=False).count() == 1
    # violations are what the daily sweep would leave: running it changes nothing
    open_before = set(ParkingViolation.objects.filter(status="open").values_list("estate_id", "idle_spaces"))
    assert open_before
    assert parking_violation_sweep() == {"opened": 0, "refreshed": 0, "resolved": 0}
    # the featured waiting list: five waiting, the demo resident third
    resident = User.objects.get(username="resident")
    mine = RentRequest.objects.get(estate_id=city.estate_id, owner_id=resident.owner_id, status="waiting")
    assert queue_position(mine) == 3
    assert RentRequest.objects.filter(estate_id=city.estate_id, status="waiting").count() == 5
    for r in RentRequest.objects.filter(status="offered").select_related("space"):
        assert r.space.estate_id == r.estate_id and r.space.disposal == "rented"
    # the demo logins see their pages
    client.force_login(resident, backend=B)
    r = client.get(reverse("disclosure:parking_rent"))
    card = next(c for c in r.context["cards"] if c["estate"].pk == city.estate_id)
    assert r.status_code == 200 and card["position"] == 3
    client.force_login(User.objects.get(username="company"), backend=B)
    assert client.get(reverse("disclosure:parking_waiting", args=[city.estate_id])).status_code == 200
    assert client.get(reverse("disclosure:fee_list")).status_code == 200
    for name in ("city", "district"):
        client.force_login(User.objects.get(username=name), backend=B)
        assert client.get(reverse("disclosure:fee_list")).status_code == 200
        assert client.get(reverse("disclosure:parking_violations")).status_code == 200
        assert client.get(reverse("disclosure:parking_estate", args=[city.estate_id])).status_code == 200
    client.force_login(User.objects.get(username="committee"), backend=B)
    assert client.get(reverse("disclosure:parking_estate", args=[city.estate_id])).status_code == 200
    client.logout()
    assert client.get(reverse("disclosure:fee_public", args=[city.estate_id])).status_code == 200
    # deterministic: the same seed and now give the same rows
    first = fingerprint()
    for model in (RentRequest, ParkingViolation, FeeItem, FeeNotice):
        model.objects.all().delete()
    build_demo_fees_parking(scale="small", seed=7, now=NOW, city_id=city.city_id)
    assert fingerprint() == first  # ids restart too: the writer numbers rows from the highest id left
