"""API half of the permission matrix: every registry resource × every persona × (object on side
A, object on side B) × (list, retrieve, update, create, delete).

Side A is the first district (幸福里小区, company A); side B the second (翠湖花园, company B).
The table below is the specification from the issue (§8: each role sees exactly its share);
the test compares it with what the API answers, and checks that a refused write changed
nothing and left a DENIED audit row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from wuye.accounts.testing import api_token_for
from wuye.conftest import CREDIT_CODES
from wuye.core.models import AuditAction, AuditLog
from wuye.registry import services as rs
from wuye.registry.api import RESOURCES as REGISTERED
from wuye.registry.models import (
    CommitteeMember,
    Ownership,
)

ROLES = ["city", "district", "district2", "street", "community", "department", "manager_a", "staff_a",
         "manager_b", "committee", "resident", "sysadmin", "secadmin", "auditor", "outsider"]

# Which side of the world each persona sees.
SEES = {
    "city": {"a", "b"},
    "district": {"a"}, "district2": {"b"}, "street": {"a"}, "community": {"a"}, "department": {"a"},
    "manager_a": {"a"}, "staff_a": {"a"}, "manager_b": {"b"},
    "committee": {"a"}, "resident": {"a"},
    "sysadmin": set(), "secadmin": set(), "auditor": set(), "outsider": set(),
}
OFFICIALS = {"city", "district", "district2", "street", "community"}
MANAGERS = {"manager_a", "manager_b"}


@dataclass
class Resource:
    prefix: str
    obj: Callable[[Any, str], Any]  # (world, side) -> the record on that side
    patch: dict | None  # None: no update through the API (405)
    create: Callable[[Any, str], dict] | None  # (world, side) -> body; None: no create (405)
    writers: set[str] = field(default_factory=set)  # may change a visible record
    creators: set[str] = field(default_factory=set)  # may create records (in their scope)
    delete: int | None = 204  # answer to a writer's delete; None: no delete (405)
    sided_create: bool = True  # the body references a record on one side


def _extra_unit(world, side):
    building = world.building_a if side == "a" else world.building_b
    return building.units.get(number=f"{side.upper()}-extra")


RESOURCES = [
    Resource(
        "companies",
        lambda w, side: w.company_a if side == "a" else w.company_b,
        {"address": "东城区新中街 9 号"},
        lambda w, side: {"name": f"新{side}物业有限公司", "credit_code": CREDIT_CODES[2 if side == "a" else 3],
                         "legal_representative": "周敏", "address": "示范市", "service_phone": "01065550009"},
        writers={"city", "district", "district2", "manager_a", "manager_b"},
        creators={"city", "district", "district2"},
        delete=400,  # still serving an estate: protected
        sided_create=False,
    ),
    Resource(
        "estates",
        lambda w, side: w.estate_a if side == "a" else w.estate_b,
        {"address": "示范市新地址 1 号"},
        lambda w, side: {"name": "新建小区", "address": "示范市", "community": (w.c1 if side == "a" else w.c2).pk},
        writers=OFFICIALS, creators=OFFICIALS, delete=400,
    ),
    Resource(
        "contracts",
        lambda w, side: (w.estate_a if side == "a" else w.estate_b).contracts.get(is_current=True),
        None,
        lambda w, side: {"estate": (w.estate_a if side == "a" else w.estate_b).pk,
                         "company": (w.company_a if side == "a" else w.company_b).pk,
                         "start_date": "2028-01-01", "end_date": "2030-12-31", "contracted_grade": "2",
                         "fee_rate": "1.80"},
        creators=OFFICIALS | MANAGERS, delete=None,
    ),
    Resource(
        "buildings",
        lambda w, side: w.building_a if side == "a" else w.building_b,
        {"floors": 9},
        lambda w, side: {"estate": (w.estate_a if side == "a" else w.estate_b).pk, "name": "新楼"},
        writers=OFFICIALS | MANAGERS, creators=OFFICIALS | MANAGERS, delete=400,
    ),
    Resource(
        "units",
        lambda w, side: w.unit_a if side == "a" else w.unit_b,
        {"floor": 3},
        lambda w, side: {"building": (w.building_a if side == "a" else w.building_b).pk, "number": "9-9-909",
                         "exclusive_area": "66.60"},
        writers=OFFICIALS | MANAGERS, creators=OFFICIALS | MANAGERS,
    ),
    Resource(
        "owners",
        lambda w, side: w.owner_a if side == "a" else w.owner_b,
        {"name": "王秀兰"},
        lambda w, side: {"name": "新业主", "phone": "13600000000", "unit": _extra_unit(w, side).pk},
        writers=OFFICIALS | MANAGERS, creators=OFFICIALS | MANAGERS, delete=400,
    ),
    Resource(
        "ownerships",
        lambda w, side: Ownership.objects.get(unit=w.unit_a if side == "a" else w.unit_b),
        None,
        lambda w, side: {"unit": _extra_unit(w, side).pk, "owner": (w.owner_a if side == "a" else w.owner_b).pk},
        writers=OFFICIALS | MANAGERS, creators=OFFICIALS | MANAGERS,
    ),
    Resource(
        "parking-spaces",
        lambda w, side: w.parking_a if side == "a" else w.parking_b,
        {"monthly_rent": "123.45"},
        lambda w, side: {"estate": (w.estate_a if side == "a" else w.estate_b).pk, "number": "N-1",
                         "kind": "surface", "ownership": "common", "disposal": "idle"},
        writers=OFFICIALS | MANAGERS, creators=OFFICIALS | MANAGERS,
    ),
    Resource(
        "staff",
        lambda w, side: w.staff_a if side == "a" else w.staff_b,
        {"certificates": "物业管理师"},
        lambda w, side: {"company": (w.company_a if side == "a" else w.company_b).pk, "name": "新员工",
                         "role": "cleaner"},
        writers={"city", "district", "district2"} | MANAGERS, creators={"city", "district", "district2"} | MANAGERS,
    ),
    Resource(
        "committees",
        lambda w, side: w.committee_a if side == "a" else w.committee_b,
        {"filed_on": "2024-01-20"},
        lambda w, side: {"estate": (w.estate_a if side == "a" else w.estate_b).pk, "term_start": "2029-01-01",
                         "term_end": "2033-12-31"},
        writers=OFFICIALS, creators=OFFICIALS,
    ),
    Resource(
        "committee-members",
        lambda w, side: CommitteeMember.objects.get(committee=w.committee_a if side == "a" else w.committee_b),
        {"name": "孙丽华"},
        lambda w, side: {"committee": (w.committee_a if side == "a" else w.committee_b).pk, "name": "新委员",
                         "position": "member"},
        writers=OFFICIALS, creators=OFFICIALS,
    ),
]


def expected_answers(res: Resource, role: str) -> dict:
    sees = SEES[role]
    out = {}
    for side in ("a", "b"):
        visible = side in sees
        out[("retrieve", side)] = 200 if visible else 404

        if res.patch is None:
            out[("update", side)] = 405
        else:
            out[("update", side)] = 404 if not visible else 200 if role in res.writers else 403

        if res.create is None:
            out[("create", side)] = 405
        elif role not in res.creators:
            out[("create", side)] = 403
        else:
            out[("create", side)] = 201 if (visible or not res.sided_create) else 400

        if res.delete is None:
            out[("delete", side)] = 405
        else:
            out[("delete", side)] = 404 if not visible else res.delete if role in res.writers else 403
    return out


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def _denied_rows() -> int:
    return AuditLog.objects.filter(action=AuditAction.DENIED).count()


@pytest.fixture
def matrix_world(world):
    """The shared world plus what the matrix needs on both sides: a second committee member and
    a unit without owner."""
    root = world.users["city"]
    rs.committee_member_add(actor=root, committee=world.committee_b, name="周红", position="director")
    for side, building in (("a", world.building_a), ("b", world.building_b)):
        rs.unit_create(actor=root, building=building, number=f"{side.upper()}-extra", exclusive_area=Decimal("50.00"))
    return world


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("res", RESOURCES, ids=lambda r: r.prefix)
def test_api_permission_matrix(matrix_world, res: Resource, role: str):
    world = matrix_world
    client = _client(world.users[role])
    model = type(res.obj(world, "a"))
    objects = {side: res.obj(world, side) for side in ("a", "b")}

    # List: exactly the visible side's records.
    listed = client.get(f"/api/v1/{res.prefix}/", {"page_size": 200})
    assert listed.status_code == 200
    ids = {row["id"] for row in listed.json()["results"]}
    assert {side for side, obj in objects.items() if obj.pk in ids} == SEES[role]

    expected = expected_answers(res, role)
    actual = {}
    for side, obj in objects.items():
        url = f"/api/v1/{res.prefix}/{obj.pk}/"

        before = _denied_rows()
        actual[("retrieve", side)] = client.get(url).status_code
        if actual[("retrieve", side)] == 404:
            assert _denied_rows() == before + 1

        if res.patch is not None:
            before = _denied_rows()
            snapshot = {k: getattr(model.objects.get(pk=obj.pk), k) for k in res.patch}
            answer = client.patch(url, res.patch, format="json")
            actual[("update", side)] = answer.status_code
            after = {k: getattr(model.objects.get(pk=obj.pk), k) for k in res.patch}
            if answer.status_code == 200:
                assert after != snapshot
                assert AuditLog.objects.filter(action=AuditAction.UPDATE, object_id=str(obj.pk),
                                               object_type=model._meta.label_lower,
                                               actor=world.users[role]).exists()
            else:
                assert after == snapshot, "a refused update changed the record"
                assert _denied_rows() > before
        else:
            actual[("update", side)] = client.patch(url, {}, format="json").status_code

        if res.create is not None:
            before_count, before = model.objects.count(), _denied_rows()
            answer = client.post(f"/api/v1/{res.prefix}/", res.create(world, side), format="json")
            actual[("create", side)] = answer.status_code
            if answer.status_code == 201:
                assert model.objects.filter(pk=answer.json()["id"]).exists()
            else:
                assert model.objects.count() == before_count, "a refused create wrote a record"
                assert _denied_rows() > before
        else:
            actual[("create", side)] = client.post(f"/api/v1/{res.prefix}/", {}, format="json").status_code

    # Deletes last: they remove what the other actions use.
    for side, obj in objects.items():
        url = f"/api/v1/{res.prefix}/{obj.pk}/"
        before = _denied_rows()
        answer = client.delete(url)
        actual[("delete", side)] = answer.status_code
        exists = model.objects.filter(pk=obj.pk).exists()
        if answer.status_code == 204:
            assert not exists
            assert AuditLog.objects.filter(action=AuditAction.DELETE, object_id=str(obj.pk),
                                           object_type=model._meta.label_lower).exists()
        else:
            assert exists, "a refused delete removed the record"
            if answer.status_code in (403, 404):
                assert _denied_rows() > before
            if answer.status_code == 400:
                assert "不能删除" in answer.json()["detail"]

    assert actual == expected


def test_matrix_covers_every_registry_resource():
    assert {r.prefix for r in RESOURCES} == {prefix for prefix, _, _ in REGISTERED}

