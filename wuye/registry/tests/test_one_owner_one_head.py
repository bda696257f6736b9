"""One buyer, one head (法释〔2009〕7号 第九条): an owner whose ID number (an organisation: its
unified social credit code) is already on file is linked, never registered twice — through the
registry form and through ``POST /api/v1/owners/``; migration 0004 merges the duplicates entered
before; the database refuses a second owner with the same non-empty ID number."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from wuye.accounts.models import Role
from wuye.accounts.testing import api_token_for
from wuye.conftest import make_user
from wuye.core.audit import audit_verify_chain
from wuye.core.models import AuditLog
from wuye.registry import services as rs
from wuye.registry.models import CommitteeMember, Owner, Ownership

ID_A = "11010519491231002X"  # the world's owner A, 王秀英
ORG_CODE = "91350100M000100Y43"
merge_migration = importlib.import_module("wuye.registry.migrations.0004_merge_duplicate_owners")


@pytest.fixture
def second_unit(world):
    return rs.unit_create(actor=world.users["city"], building=world.building_a, number="3-1-102",
                          exclusive_area=Decimal("76.20"), floor=1)


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


# ---- the registry form ----------------------------------------------------------------------


def test_the_form_links_an_owner_already_on_file_by_id_number(world, client, login, second_unit):
    login(world.users["manager_a"])
    owners = Owner.objects.count()
    url = reverse("registry:owner_create") + f"?unit={second_unit.pk}"
    data = {"unit": second_unit.pk, "name": "王秀英", "kind": "person", "phone": "13800000000",
            "id_number": ID_A.lower()}  # the check letter typed in lower case is the same number
    r = client.post(url, data, follow=True)
    assert r.status_code == 200 and "同一业主不重复登记" in r.content.decode()
    assert Owner.objects.count() == owners
    assert Ownership.objects.filter(unit=second_unit, owner=world.owner_a).exists()
    assert Ownership.objects.filter(owner=world.owner_a).count() == 2
    # Submitted again (a retried form): still one owner, one ownership of the unit.
    assert client.post(url, data).status_code == 302
    assert Owner.objects.count() == owners
    assert Ownership.objects.filter(unit=second_unit).count() == 1


def test_the_form_refuses_an_id_number_on_file_under_another_name(world, client, login, second_unit):
    login(world.users["city"])
    url = reverse("registry:owner_create") + f"?unit={second_unit.pk}"
    r = client.post(url, {"unit": second_unit.pk, "name": "王秀兰", "kind": "person", "id_number": ID_A})
    assert r.status_code == 200
    assert "另一姓名/名称的业主名下" in " ".join(r.context["form"].errors["id_number"])
    assert not Ownership.objects.filter(unit=second_unit).exists()
    assert not Owner.objects.filter(name="王秀兰").exists()


def test_a_new_id_number_still_registers_a_new_owner(world, client, login, second_unit):
    login(world.users["city"])
    url = reverse("registry:owner_create") + f"?unit={second_unit.pk}"
    r = client.post(url, {"unit": second_unit.pk, "name": "周敏", "kind": "person", "id_number": "110105198001010016"})
    assert r.status_code == 302
    assert Owner.objects.filter(name="周敏", id_number="110105198001010016").count() == 1


# ---- the API --------------------------------------------------------------------------------


def test_the_api_answers_with_the_existing_owner(world, second_unit):
    client = _api(world.users["city"])
    owners = Owner.objects.count()
    r = client.post("/api/v1/owners/", {"unit": second_unit.pk, "kind": "person", "name": "王秀英",
                                        "id_number": ID_A.lower(), "phone": "13800000000"}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["id"] == world.owner_a.pk and body["name"] == "王秀英"
    assert body["id_number"] != ID_A  # masked as every owner is
    assert Owner.objects.count() == owners
    assert Ownership.objects.filter(unit=second_unit, owner=world.owner_a).exists()
    # The same request again: the same owner, still one ownership of the unit.
    again = client.post("/api/v1/owners/", {"unit": second_unit.pk, "kind": "person", "name": "王秀英",
                                            "id_number": ID_A}, format="json")
    assert again.status_code == 200 and again.json()["id"] == world.owner_a.pk
    assert Ownership.objects.filter(unit=second_unit).count() == 1
    # A new person: 201 with the same shape.
    new = client.post("/api/v1/owners/", {"unit": second_unit.pk, "kind": "person", "name": "周敏",
                                          "id_number": "110105198001010016"}, format="json")
    assert new.status_code == 201 and set(new.json()) == set(body)
    assert new.json()["id"] != world.owner_a.pk


def test_the_api_refuses_an_id_number_under_another_name(world, second_unit):
    r = _api(world.users["city"]).post("/api/v1/owners/", {"unit": second_unit.pk, "kind": "person",
                                                          "name": "王秀兰", "id_number": ID_A}, format="json")
    assert r.status_code == 400 and "另一姓名/名称" in r.content.decode()
    assert not Ownership.objects.filter(unit=second_unit).exists()


def test_an_organisation_is_one_owner_by_its_credit_code(world, second_unit):
    root = world.users["city"]
    first = rs.owner_register(actor=root, unit=world.unit_a, kind=Owner.Kind.ORGANISATION, name="示范市房产管理所",
                              id_number=ORG_CODE)
    assert first.owner_created
    again = rs.owner_register(actor=root, unit=second_unit, kind=Owner.Kind.ORGANISATION, name="示范市房产管理所",
                              id_number=" " + ORG_CODE.lower())
    assert not again.owner_created and again.owner.pk == first.owner.pk
    assert Owner.objects.filter(kind=Owner.Kind.ORGANISATION).count() == 1


# ---- the database ---------------------------------------------------------------------------


def test_the_database_refuses_a_second_owner_with_the_same_id_number(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Owner.objects.create(name="王秀英", id_number=ID_A)
    # Owners without an ID number are not one person for that.
    Owner.objects.create(name="无证件一")
    Owner.objects.create(name="无证件二")
    assert Owner.objects.filter(id_number="").count() >= 2
    with pytest.raises(ValidationError) as exc:
        rs.owner_create(actor=world.users["city"], name="王秀英", id_number=ID_A)
    assert "该证件号码已登记" in str(exc.value)


def test_editing_an_owner_to_another_owners_id_number_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        rs.owner_update(actor=world.users["city"], owner=world.owner_b, id_number=ID_A.lower())
    assert "该证件号码已登记" in str(exc.value)


# ---- the migration that merges the duplicates entered before ------------------------------


def _without_the_constraint():
    """Duplicates as they were before migration 0005 (the test's transaction restores the index)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX uniq_owner_id_number")


def test_the_migration_merges_duplicates_keeping_every_ownership(world, second_unit):
    _without_the_constraint()
    keep = world.owner_a
    # The same person entered twice more: once on another home, once again on her own home.
    dup1 = Owner.objects.create(name="王秀英", id_number=ID_A, phone="13800000000")
    dup2 = Owner.objects.create(name="王秀英", id_number=ID_A.lower())
    on_second = Ownership.objects.create(unit=second_unit, owner=dup1, estate=second_unit.estate, share=Decimal("100"))
    twice = Ownership.objects.create(unit=world.unit_a, owner=dup2, estate=world.estate_a, share=Decimal("50"))
    seat = CommitteeMember.objects.create(committee=world.committee_a, owner=dup1, name="王秀英")
    account = make_user("dup_resident", Role.RESIDENT, owner=dup2)
    other = Owner.objects.create(name="另一人", id_number="110105198001010016")
    last_seq = AuditLog.objects.order_by("-seq").values_list("seq", flat=True).first()

    assert merge_migration.merge_duplicate_owners(django_apps) == 1

    assert not Owner.objects.filter(pk__in=[dup1.pk, dup2.pk]).exists()
    assert Owner.objects.filter(id_number=ID_A).get().pk == keep.pk
    assert Owner.objects.filter(pk=other.pk).exists()
    on_second.refresh_from_db()
    assert on_second.owner_id == keep.pk and on_second.share == Decimal("100")
    # Her own home stays one ownership (the duplicate's share fills the one that had none).
    assert not Ownership.objects.filter(pk=twice.pk).exists()
    own = Ownership.objects.get(unit=world.unit_a, owner=keep)
    assert own.share == Decimal("50")
    assert Ownership.objects.filter(owner=keep).count() == 2
    seat.refresh_from_db()
    account.refresh_from_db()
    assert seat.owner_id == keep.pk and account.owner_id == keep.pk
    # One audit row for the merge, on the chain, with no personal data in it.
    row = AuditLog.objects.filter(seq__gt=last_seq).get()
    assert row.object_type == "registry.owner" and row.object_id == str(keep.pk)
    assert sorted(row.changes["merged_owners"]) == sorted([dup1.pk, dup2.pk])
    assert row.changes["moved"]["registry.ownership"] == 1
    assert row.changes["moved"]["registry.committeemember"] == 1
    assert row.changes["moved"]["accounts.user"] == 1
    assert ID_A not in str(row.changes) and "13800000000" not in str(row.changes)
    assert audit_verify_chain() == []
    # Nothing left to merge: running it again changes nothing.
    assert merge_migration.merge_duplicate_owners(django_apps) == 0
