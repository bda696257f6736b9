"""Parking (rules.md §5): the 只售不租 sweep, the owners' waiting list, offers, pages and panel."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wuye.accounts.models import Role
from wuye.conftest import make_user
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction, AuditLog
from wuye.disclosure.models import ParkingViolation, RentRequest
from wuye.disclosure.parking.selectors import queue_position, waiting_list
from wuye.disclosure.parking.services import (
    parking_violation_sweep,
    rent_request_file,
    rent_request_offer,
    rent_request_withdraw,
)
from wuye.disclosure.parking.tasks import parking_violation_daily
from wuye.notifications.models import Notification
from wuye.registry import services as rs
from wuye.registry.models import ParkingSpace

V = ParkingViolation.Status


def space(world, number, estate=None, **kw):
    data = {"kind": "underground", "ownership": "developer", "disposal": "idle"}
    data.update(kw)
    return rs.parking_create(actor=world.users["city"], estate=estate or world.estate_a, number=number, **data)


def resident(world, name, number, phone="13600000000"):
    """Another verified owner of a unit in estate A, with a resident login."""
    root = world.users["city"]
    unit = rs.unit_create(actor=root, building=world.building_a, number=number, exclusive_area=Decimal("70.00"))
    owner = rs.owner_create(actor=root, name=name, phone=phone)
    rs.ownership_create(actor=root, unit=unit, owner=owner)
    return make_user(f"r_{number}", Role.RESIDENT, owner=owner)


# ---- 只售不租 sweep --------------------------------------------------------------------------


def test_sweep_opens_one_violation_per_estate_and_notifies_the_district(world):
    space(world, "A-002")
    counts = parking_violation_sweep()
    v = ParkingViolation.objects.get()
    assert counts["opened"] == 1 and v.estate == world.estate_a and v.idle_spaces == 2 and v.status == V.OPEN
    assert Notification.objects.filter(user=world.users["district"], subject__contains="只售不租").count() == 1
    assert not Notification.objects.filter(user=world.users["district2"]).exists()
    assert AuditLog.objects.filter(object_type="disclosure.parkingviolation", action=AuditAction.CREATE).count() == 1


def test_sweep_is_idempotent(world):
    parking_violation_sweep()
    again = parking_violation_sweep()
    assert again == {"opened": 0, "refreshed": 0, "resolved": 0}
    assert ParkingViolation.objects.count() == 1
    assert Notification.objects.filter(user=world.users["district"]).count() == 1


def test_sweep_refreshes_the_count_and_resolves_when_none_are_left(world):
    parking_violation_sweep()
    extra = space(world, "A-003")
    assert parking_violation_sweep()["refreshed"] == 1
    assert ParkingViolation.objects.get().idle_spaces == 2
    root = world.users["city"]
    rs.parking_update(actor=root, space=world.parking_a, offered_for_rent=True, monthly_rent=Decimal("350.00"))
    rs.parking_update(actor=root, space=extra, disposal="sold")
    now = timezone.now()
    assert parking_violation_sweep(now=now)["resolved"] == 1
    v = ParkingViolation.objects.get()
    assert v.status == V.RESOLVED and v.resolved_at == now
    assert AuditLog.objects.filter(object_type="disclosure.parkingviolation", action=AuditAction.UPDATE,
                                   changes__status=["open", "resolved"]).exists()
    # a new idle developer space later: a new violation, the resolved one stays in the history
    space(world, "A-004")
    parking_violation_sweep(now=now + timedelta(days=1))
    assert list(ParkingViolation.objects.order_by("id").values_list("status", flat=True)) == ["resolved", "open"]


def test_sale_only_rule_matches_the_model_property(world):
    cases = [("developer", "idle", False, True), ("developer", "idle", True, False), ("developer", "sold", False, False),
             ("developer", "rented", False, False), ("owner", "idle", False, False), ("common", "idle", False, False)]
    for i, (ownership, disposal, offered, violates) in enumerate(cases):
        s = space(world, f"T-{i}", estate=world.estate_b, ownership=ownership, disposal=disposal, offered_for_rent=offered)
        assert s.sale_only_violation is violates
    parking_violation_sweep()
    assert ParkingViolation.objects.get(estate=world.estate_b).idle_spaces == 1


# ---- the waiting list -----------------------------------------------------------------------


def test_file_one_waiting_request_per_owner_and_estate(world):
    r = rent_request_file(actor=world.users["resident"], estate=world.estate_a, plate="京a 12345", phone="13812345678")
    assert r.status == RentRequest.Status.WAITING and r.plate == "京A12345" and r.owner == world.owner_a
    assert AuditLog.objects.filter(object_type="disclosure.rentrequest", action=AuditAction.CREATE).count() == 1
    assert Notification.objects.filter(user=world.users["manager_a"], subject__contains="租用车位").exists()
    with pytest.raises(ServiceError, match="已在本小区"):
        rent_request_file(actor=world.users["resident"], estate=world.estate_a)
    rent_request_withdraw(actor=world.users["resident"], request=r)
    r.refresh_from_db()
    assert r.status == RentRequest.Status.WITHDRAWN and r.decided_at
    assert rent_request_file(actor=world.users["resident"], estate=world.estate_a).status == "waiting"


@pytest.mark.parametrize("user", ["committee", "manager_a", "district", "outsider"])
def test_only_owners_file(world, user):
    with pytest.raises(ServiceError):
        rent_request_file(actor=world.users[user], estate=world.estate_a)


def test_owner_files_only_where_they_own_a_unit(world):
    with pytest.raises(ServiceError, match="没有登记的房屋"):
        rent_request_file(actor=world.users["resident"], estate=world.estate_b)


def test_withdraw_only_own_waiting_request(world):
    other = resident(world, "周敏", "3-1-102")
    r = rent_request_file(actor=world.users["resident"], estate=world.estate_a)
    with pytest.raises(ServiceError):
        rent_request_withdraw(actor=other, request=r)
    rent_request_withdraw(actor=world.users["resident"], request=r)
    with pytest.raises(ServiceError):
        rent_request_withdraw(actor=world.users["resident"], request=r)


def test_waiting_list_order_and_positions(world):

    users = [world.users["resident"]] + [resident(world, f"业主{i}", f"3-2-{i:03d}") for i in range(1, 4)]
    reqs = [rent_request_file(actor=u, estate=world.estate_a) for u in users]
    assert list(waiting_list(world.estate_a.pk)) == reqs
    assert [queue_position(r) for r in reqs] == [1, 2, 3, 4]
    rent_request_withdraw(actor=users[1], request=reqs[1])
    reqs[1].refresh_from_db()
    assert [queue_position(r) for r in reqs] == [1, None, 2, 3]


# ---- offers ---------------------------------------------------------------------------------


def test_offer_lets_the_space_and_notifies_the_owner(world):
    r = rent_request_file(actor=world.users["resident"], estate=world.estate_a)
    out = rent_request_offer(actor=world.users["staff_a"], request=r, space=world.parking_a, monthly_rent="320")
    s = ParkingSpace.objects.get(pk=world.parking_a.pk)
    assert out.status == RentRequest.Status.OFFERED and out.space == s and out.decided_at
    assert (s.disposal, s.monthly_rent) == ("rented", Decimal("320.00"))
    assert AuditLog.objects.filter(object_type="registry.parkingspace", object_id=str(s.pk), action=AuditAction.UPDATE).exists()
    assert AuditLog.objects.filter(object_type="disclosure.rentrequest", changes__status=["waiting", "offered"]).exists()
    n = Notification.objects.get(user=world.users["resident"], subject="已为您安排车位")
    assert "A-001" in n.body and "320.00" in n.body
    # letting the idle developer space also ends the 只售不租 finding
    parking_violation_sweep()
    assert not ParkingViolation.objects.filter(status=V.OPEN).exists()


def test_offer_uses_the_registered_rent_or_asks_for_one(world):
    r = rent_request_file(actor=world.users["resident"], estate=world.estate_a)
    with pytest.raises(ServiceError, match="尚未定价"):
        rent_request_offer(actor=world.users["manager_a"], request=r, space=world.parking_a)
    priced = space(world, "A-010", ownership="common", monthly_rent=Decimal("200.00"))
    rent_request_offer(actor=world.users["manager_a"], request=r, space=priced)
    assert ParkingSpace.objects.get(pk=priced.pk).monthly_rent == Decimal("200.00")


@pytest.mark.parametrize(("kw", "message"), [
    ({"disposal": "rented", "monthly_rent": Decimal("300")}, "不是可出租"),
    ({"disposal": "sold"}, "不是可出租"),
    ({"ownership": "owner", "monthly_rent": Decimal("300")}, "不是可出租"),  # another owner's private space
])
def test_offer_needs_an_idle_lettable_space(world, kw, message):
    r = rent_request_file(actor=world.users["resident"], estate=world.estate_a)
    s = space(world, "A-020", **kw)
    with pytest.raises(ServiceError, match=message):
        rent_request_offer(actor=world.users["manager_a"], request=r, space=s, monthly_rent="300")
    r.refresh_from_db()
    assert r.status == RentRequest.Status.WAITING


def test_an_owner_may_offer_their_own_space_through_the_company(world):
    r = rent_request_file(actor=world.users["resident"], estate=world.estate_a)
    s = space(world, "A-021", ownership="owner", offered_for_rent=True, monthly_rent=Decimal("260"))
    assert rent_request_offer(actor=world.users["manager_a"], request=r, space=s).status == "offered"


def test_offer_refuses_other_estates_spaces_other_companies_and_settled_requests(world):
    r = rent_request_file(actor=world.users["resident"], estate=world.estate_a)
    with pytest.raises(ServiceError, match="本小区的车位"):
        rent_request_offer(actor=world.users["manager_a"], request=r, space=world.parking_b, monthly_rent="1")
    with pytest.raises(ServiceError):
        rent_request_offer(actor=world.users["manager_b"], request=r, space=world.parking_a, monthly_rent="1")
    with pytest.raises(ServiceError):
        rent_request_offer(actor=world.users["committee"], request=r, space=world.parking_a, monthly_rent="1")
    rent_request_withdraw(actor=world.users["resident"], request=r)
    with pytest.raises(ServiceError, match="不在排队"):
        rent_request_offer(actor=world.users["manager_a"], request=r, space=world.parking_a, monthly_rent="1")
    assert ParkingSpace.objects.get(pk=world.parking_a.pk).disposal == "idle"


def test_two_offers_of_one_space_one_wins(world):
    other = resident(world, "周敏", "3-1-102")
    r1 = rent_request_file(actor=world.users["resident"], estate=world.estate_a)
    r2 = rent_request_file(actor=other, estate=world.estate_a)
    rent_request_offer(actor=world.users["manager_a"], request=r1, space=world.parking_a, monthly_rent="300")
    with pytest.raises(ServiceError, match="不是可出租"):
        rent_request_offer(actor=world.users["staff_a"], request=r2, space=world.parking_a, monthly_rent="300")


# ---- pages ----------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("user", "status"), [("district", 200), ("street", 200), ("community", 200),
                                              ("manager_a", 200), ("staff_a", 200), ("committee", 200),
                                              ("city", 200), ("district2", 404), ("manager_b", 404),
                                              ("resident", 403), ("sysadmin", 403), ("outsider", 403)])
def test_parking_estate_scope(world, login, user, status):
    r = login(world.users[user]).get(reverse("disclosure:parking_estate", args=[world.estate_a.pk]))
    assert r.status_code == status


def test_parking_estate_matrix_rates_filters_and_violation(world, login, django_assert_num_queries):
    space(world, "A-002", disposal="sold")
    space(world, "A-003", ownership="common", disposal="rented", kind="common_road", monthly_rent=Decimal("150.00"))
    space(world, "A-004", offered_for_rent=True, monthly_rent=Decimal("300.00"))
    parking_violation_sweep()
    client = login(world.users["district"])
    url = reverse("disclosure:parking_estate", args=[world.estate_a.pk])
    r = client.get(url)
    html = r.content.decode()
    m = r.context["matrix"]
    assert m["total"] == 4
    assert [row["counts"] for row in m["rows"]] == [[1, 0, 2], [0, 0, 0], [0, 1, 0]]  # sold, rented, idle
    assert 'data-testid="violation"' in html and "只售不租" in html
    assert r.context["common_income"] == Decimal("150.00")
    rates = {x["kind"]: x for x in r.context["rates"]}
    assert rates["underground"]["available"] == 1 and rates["underground"]["low"] == Decimal("300.00")
    r = client.get(url, {"disposal": "idle", "ownership": "developer"})
    assert sorted(s.number for s in r.context["rows"]) == ["A-001", "A-004"]
    r = client.get(url, {"violation": "1"})
    assert [s.number for s in r.context["rows"]] == ["A-001"]
    n = _count(client, url)
    for i in range(25):
        space(world, f"B-{i:03d}", disposal=["idle", "sold", "rented"][i % 3], monthly_rent=Decimal(100 + i))
    with django_assert_num_queries(n):
        client.get(url)
    assert client.post(url).status_code == 405


def test_violations_list_scope_filters_counts_and_export(world, login, django_assert_num_queries):
    space(world, "B-002", estate=world.estate_b)
    parking_violation_sweep()
    r = login(world.users["district"]).get(reverse("disclosure:parking_violations"))
    assert r.status_code == 200 and [v.estate.name for v in r.context["rows"]] == ["幸福里小区"]
    assert r.context["counts"] == {"open": 1, "resolved": 0, "idle": 1}
    client = login(world.users["city"])
    url = reverse("disclosure:parking_violations")
    r = client.get(url)
    assert len(r.context["rows"]) == 2
    r = client.get(url, {"district": world.d2.pk})
    assert [v.estate.name for v in r.context["rows"]] == ["翠湖花园"]
    rs.parking_update(actor=world.users["city"], space=world.parking_a, disposal="sold")
    parking_violation_sweep()
    r = client.get(url, {"status": "resolved"})
    assert [v.estate.name for v in r.context["rows"]] == ["幸福里小区"]
    assert r.context["counts"] == {"open": 1, "resolved": 1, "idle": 1}
    r = client.get(url, {"export": "xlsx"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, object_type="disclosure.parkingviolation").exists()
    n = _count(client, url)
    root = world.users["city"]
    for i in range(6):
        e = rs.estate_create(actor=root, name=f"测试小区{i}", address="某路", community=world.c1)
        space(world, "X-1", estate=e)
    parking_violation_sweep()
    with django_assert_num_queries(n):
        client.get(url)
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("user", ["manager_a", "committee", "resident", "outsider"])
def test_violations_list_is_for_officials(world, login, user):
    assert login(world.users[user]).get(reverse("disclosure:parking_violations")).status_code == 403


def test_waiting_page_for_the_company_with_offer_forms(world, login, django_assert_num_queries):
    rent_request_file(actor=world.users["resident"], estate=world.estate_a, phone="13812345678")
    url = reverse("disclosure:parking_waiting", args=[world.estate_a.pk])
    client = login(world.users["manager_a"])
    r = client.get(url)
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="offer-form"' in html and "A-001" in html
    assert "王*英" in html or "王**" in html or "王" in html
    assert "13812345678" not in html and "138****5678" in html
    n = _count(client, url)
    for i in range(1, 6):
        rent_request_file(actor=resident(world, f"业主{i}", f"3-2-{i:03d}"), estate=world.estate_a)
    with django_assert_num_queries(n):
        r = client.get(url)
    assert [row["position"] for row in r.context["rows"]] == [1, 2, 3, 4, 5, 6]
    r = login(world.users["committee"]).get(url)
    assert r.status_code == 200 and 'data-testid="offer-form"' not in r.content.decode()
    assert login(world.users["manager_b"]).get(url).status_code == 404
    assert login(world.users["resident"]).get(url).status_code == 403


def test_offer_view(world, login):
    req = rent_request_file(actor=world.users["resident"], estate=world.estate_a)
    url = reverse("disclosure:parking_offer", args=[req.pk])
    assert login(world.users["manager_b"]).post(url, {"space": world.parking_a.pk, "monthly_rent": "300"}).status_code == 404
    assert login(world.users["committee"]).post(url, {"space": world.parking_a.pk}).status_code == 403
    client = login(world.users["manager_a"])
    assert client.get(url).status_code == 405
    r = client.post(url, {"space": world.parking_a.pk})  # no rent registered and none typed
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.status == "waiting"
    r = client.post(url, {"space": world.parking_a.pk, "monthly_rent": "300"})
    assert r.status_code == 302 and r["Location"] == reverse("disclosure:parking_waiting", args=[world.estate_a.pk])
    req.refresh_from_db()
    assert req.status == "offered" and req.space_id == world.parking_a.pk


def test_rent_page_files_shows_position_and_withdraws(world, login):
    client = login(world.users["resident"])
    url = reverse("disclosure:parking_rent")
    r = client.get(url)
    assert r.status_code == 200 and 'data-testid="rent-form"' in r.content.decode() and "幸福里小区" in r.content.decode()
    assert "翠湖花园" not in r.content.decode()
    r = client.post(url, {"estate": world.estate_a.pk, "plate": "京B54321", "phone": "13812345678"})
    assert r.status_code == 302
    req = RentRequest.objects.get()
    assert req.owner == world.owner_a and req.user == world.users["resident"]
    r = client.get(url)
    assert r.context["cards"][0]["position"] == 1 and 'data-testid="withdraw"' in r.content.decode()
    r = client.post(url, {"estate": world.estate_a.pk})
    assert RentRequest.objects.count() == 1  # a second waiting request refused with a message
    assert client.post(url, {"estate": world.estate_b.pk}).status_code == 404  # not their estate
    other = resident(world, "周敏", "3-1-102")
    assert login(other).post(reverse("disclosure:parking_withdraw", args=[req.pk])).status_code == 404
    client = login(world.users["resident"])
    assert client.get(reverse("disclosure:parking_withdraw", args=[req.pk])).status_code == 405
    r = client.post(reverse("disclosure:parking_withdraw", args=[req.pk]))
    req.refresh_from_db()
    assert r.status_code == 302 and req.status == "withdrawn"


@pytest.mark.parametrize("user", ["district", "manager_a", "committee", "outsider"])
def test_rent_page_is_for_owners(world, login, user):
    assert login(world.users[user]).get(reverse("disclosure:parking_rent")).status_code == 403


def test_parking_public_panel(world, django_assert_num_queries):
    t = Template("{% load parking_panels %}{% parking_public_panel estate %}")
    space(world, "A-005", offered_for_rent=True, monthly_rent=Decimal("280.00"))
    space(world, "A-006", kind="surface", ownership="common", offered_for_rent=True, monthly_rent=Decimal("120.00"))
    parking_violation_sweep()
    with django_assert_num_queries(2):
        html = t.render(Context({"estate": world.estate_a}))
    assert 'data-testid="sale-only-warning"' in html and "280.00" in html and "120.00" in html
    assert '<strong data-testid="available">2</strong>' in html
    html = t.render(Context({"estate": world.estate_b}))
    assert "sale-only-warning" not in html and 'data-testid="none-available"' in html


def test_daily_task_runs_the_sweep(world):

    parking_violation_daily.call_local()
    assert ParkingViolation.objects.filter(estate=world.estate_a, status=V.OPEN).count() == 1
