"""Permission matrix of the registry pages: every registry type × every role × an object in the
persona's scope (the "A" side of the world) and one out of it (the "B" side), on the detail page
and the edit page (GET and POST).

Out of scope is 404, visible but not writable is 403; both write a DENIED audit row, and a
refused POST changes nothing.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from wuye.core.models import AuditAction, AuditLog

from .view_support import ALL_ROLES, denied_rows, edit_payload, fast_passwords  # noqa: F401

SEES_A = {"city", "district", "street", "community", "department", "manager_a", "staff_a", "committee", "resident"}
SEES_B = {"city", "district2", "manager_b"}

# Who may change a visible record of each type (registry.selectors.can_change), on each side.
OFFICIALS_A = {"city", "district", "street", "community"}
WRITES = {
    "company": ({"city", "district", "manager_a"}, {"city", "district2", "manager_b"}),
    "estate": (OFFICIALS_A, {"city", "district2"}),
    "building": (OFFICIALS_A | {"manager_a"}, {"city", "district2", "manager_b"}),
    "unit": (OFFICIALS_A | {"manager_a"}, {"city", "district2", "manager_b"}),
    "owner": (OFFICIALS_A | {"manager_a"}, {"city", "district2", "manager_b"}),
    "parking": (OFFICIALS_A | {"manager_a"}, {"city", "district2", "manager_b"}),
    "staff": ({"city", "district", "manager_a"}, {"city", "district2", "manager_b"}),
    "committee": (OFFICIALS_A, {"city", "district2"}),
}

# slug → (world attribute of the A object, of the B object, field changed by the edit POST, new value)
OBJECTS = {
    "company": ("company_a", "company_b", "legal_representative", "新法人"),
    "estate": ("estate_a", "estate_b", "address", "新地址 99 号"),
    "building": ("building_a", "building_b", "floors", 12),
    "unit": ("unit_a", "unit_b", "floor", 9),
    "owner": ("owner_a", "owner_b", "name", "王秀英（更名）"),
    "parking": ("parking_a", "parking_b", "number", "Z-999"),
    "staff": ("staff_a", "staff_b", "certificates", "物业管理师"),
    "committee": ("committee_a", "committee_b", "filed_on", "2024-02-01"),
}


def expected(slug: str, role: str, side: int) -> tuple[int, int]:
    """(detail status, edit status) for ``role`` on side 0 (A) or 1 (B)."""
    sees = role in (SEES_A if side == 0 else SEES_B)
    if not sees:
        return 404, 404
    return 200, (200 if role in WRITES[slug][side] else 403)


@pytest.mark.parametrize("slug", list(OBJECTS))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_detail_and_edit_matrix(world, client, login, slug, role):
    user = world.users[role]
    login(user)
    attr_a, attr_b, field, new_value = OBJECTS[slug]
    for side, attr in enumerate((attr_a, attr_b)):
        obj = getattr(world, attr)
        model = type(obj)
        detail_status, edit_status = expected(slug, role, side)
        where = f"{slug} {attr} as {role}"

        before = denied_rows(model, obj.pk)
        r = client.get(reverse(f"registry:{slug}_detail", args=[obj.pk]))
        assert r.status_code == detail_status, where
        assert denied_rows(model, obj.pk) == before + (detail_status != 200), where

        edit_url = reverse(f"registry:{slug}_edit", args=[obj.pk])
        before = denied_rows(model, obj.pk)
        r = client.get(edit_url)
        assert r.status_code == edit_status, where
        assert denied_rows(model, obj.pk) == before + (edit_status != 200), where

        original = getattr(model.objects.get(pk=obj.pk), field)
        payload = edit_payload(slug, obj, world.users["city"], **{field: new_value})
        before = denied_rows(model, obj.pk)
        updates = AuditLog.objects.filter(action=AuditAction.UPDATE).count()
        r = client.post(edit_url, payload)
        stored = getattr(model.objects.get(pk=obj.pk), field)
        if edit_status == 200:
            assert r.status_code == 302, (where, r.content.decode()[:2000])
            assert str(stored) == str(new_value), where
            row = AuditLog.objects.filter(action=AuditAction.UPDATE, object_type=model._meta.label_lower,
                                          object_id=str(obj.pk)).first()
            assert row is not None and field in row.changes and row.actor_id == user.pk, where
            setattr(obj, field, stored)
        else:
            assert r.status_code == edit_status, where
            assert stored == original, where
            assert AuditLog.objects.filter(action=AuditAction.UPDATE).count() == updates, where
            assert denied_rows(model, obj.pk) == before + 1, where


@pytest.mark.parametrize("slug", list(OBJECTS))
@pytest.mark.parametrize("role", ["district2", "manager_b", "outsider", "auditor"])
def test_out_of_scope_delete_changes_nothing(world, client, login, slug, role):
    login(world.users[role])
    obj = getattr(world, OBJECTS[slug][0])
    model = type(obj)
    before = denied_rows(model, obj.pk)
    assert client.get(reverse(f"registry:{slug}_confirm_delete", args=[obj.pk])).status_code == 404
    assert client.post(reverse(f"registry:{slug}_delete", args=[obj.pk])).status_code == 404
    assert model.objects.filter(pk=obj.pk).exists()
    assert denied_rows(model, obj.pk) == before + 2


OFFICIALS = OFFICIALS_A | {"district2"}
CREATE_ALLOWED = {
    "company": {"city", "district", "district2"},
    "estate": OFFICIALS,
    "building": OFFICIALS | {"manager_a", "manager_b"},
    "unit": OFFICIALS | {"manager_a", "manager_b"},
    "owner": OFFICIALS | {"manager_a", "manager_b"},
    "parking": OFFICIALS | {"manager_a", "manager_b"},
    "staff": {"city", "district", "district2", "manager_a", "manager_b"},
    "committee": OFFICIALS,
}


@pytest.mark.parametrize("slug", list(CREATE_ALLOWED))
def test_create_page_only_for_roles_that_may_create(world, client, login, slug):
    url = reverse(f"registry:{slug}_create")
    for role in ALL_ROLES:
        login(world.users[role])
        r = client.get(url)
        assert r.status_code == (200 if role in CREATE_ALLOWED[slug] else 403), (slug, role)
        if r.status_code == 403:
            assert AuditLog.objects.filter(action=AuditAction.DENIED, actor=world.users[role]).exists()


@pytest.mark.parametrize("slug", list(OBJECTS))
@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor", "outsider"])
def test_lists_refuse_roles_without_registry_data(world, client, login, slug, role):
    login(world.users[role])
    r = client.get(reverse(f"registry:{slug}_list"))
    assert r.status_code == 403
    assert AuditLog.objects.filter(action=AuditAction.DENIED, actor=world.users[role]).count() == 1


@pytest.mark.parametrize("slug", list(OBJECTS))
def test_anonymous_users_are_sent_to_login(world, client, slug):
    obj = getattr(world, OBJECTS[slug][0])
    for url in (reverse(f"registry:{slug}_list"), reverse(f"registry:{slug}_detail", args=[obj.pk]),
                reverse(f"registry:{slug}_edit", args=[obj.pk]), reverse(f"registry:{slug}_create")):
        r = client.get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"], url
