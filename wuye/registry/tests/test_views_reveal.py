"""Masked personal data on the pages and the audited reveal of one value."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wuye.core.models import AuditAction, AuditLog

from .view_support import ALL_ROLES, fast_passwords  # noqa: F401

REVEALERS = {"city", "district", "street", "community", "manager_a"}  # settings.WUYE_REVEAL_ROLES, side A


def reveal_url(kind, pk, field):
    return reverse("registry:reveal", args=[kind, pk, field])


def test_reveal_returns_the_value_and_audits_object_and_field(world, client, login):
    user = world.users["district"]
    login(user)
    r = client.post(reveal_url("owner", world.owner_a.pk, "id_number"), HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert "11010519491231002X" in r.content.decode() and "<html" not in r.content.decode()
    row = AuditLog.objects.get(action=AuditAction.REVEAL)
    assert (row.actor, row.object_type, row.object_id) == (user, "registry.owner", str(world.owner_a.pk))
    assert "id_number" in row.detail and "证件号码" in row.detail


def test_reveal_without_htmx_shows_a_page(world, client, login):
    login(world.users["manager_a"])
    r = client.post(reveal_url("staff", world.staff_a.pk, "phone"))
    assert r.status_code == 200 and "13700000001" in r.content.decode() and "记入审计日志" in r.content.decode()


def test_reveal_of_a_committee_member_phone(world, client, login):
    member = world.committee_a.members.get()
    member.phone = "13511112222"
    member.save()
    login(world.users["community"])
    r = client.post(reveal_url("committeemember", member.pk, "phone"), HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "13511112222" in r.content.decode()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_reveal(world, client, login, role):
    user = world.users[role]
    login(user)
    r = client.post(reveal_url("owner", world.owner_a.pk, "phone"), HTTP_HX_REQUEST="true")
    sees = role in {"city", "district", "street", "community", "department", "manager_a", "staff_a", "committee",
                    "resident"}
    expected = 200 if role in REVEALERS else (403 if sees else 404)
    assert r.status_code == expected
    reveals = AuditLog.objects.filter(action=AuditAction.REVEAL, actor=user).count()
    denied = AuditLog.objects.filter(action=AuditAction.DENIED, actor=user, object_id=str(world.owner_a.pk)).count()
    assert (reveals, denied) == ((1, 0) if expected == 200 else (0, 1))
    assert ("13812345678" in r.content.decode()) == (expected == 200)


def test_reveal_out_of_scope_is_404(world, client, login):
    login(world.users["district"])
    assert client.post(reveal_url("owner", world.owner_b.pk, "phone")).status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()


def test_only_personal_data_fields_can_be_revealed(world, client, login):
    login(world.users["city"])
    assert client.post(reveal_url("owner", world.owner_a.pk, "name")).status_code == 404
    assert client.post(reveal_url("user", world.users["district"].pk, "password")).status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()


def test_reveal_is_post_only(world, client, login):
    login(world.users["city"])
    assert client.get(reveal_url("owner", world.owner_a.pk, "phone")).status_code == 405
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()


@pytest.mark.parametrize("role", ["city", "manager_a", "committee", "resident", "staff_a"])
def test_personal_data_is_masked_on_every_page(world, client, login, role):
    login(world.users[role])
    pages = [
        reverse("registry:owner_list"), reverse("registry:owner_detail", args=[world.owner_a.pk]),
        reverse("registry:unit_detail", args=[world.unit_a.pk]), reverse("registry:staff_list"),
        reverse("registry:staff_detail", args=[world.staff_a.pk]), reverse("registry:estate_detail", args=[world.estate_a.pk]),
        reverse("registry:company_detail", args=[world.company_a.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "13812345678" not in html and "11010519491231002X" not in html and "13700000001" not in html, url
    html = client.get(reverse("registry:owner_detail", args=[world.owner_a.pk])).content.decode()
    assert "138****5678" in html and "1101**********002X" in html
    assert ('data-testid="reveal"' in html) == (role in REVEALERS)
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()
