"""``POST /api/v1/auth/token/``: token for username and password, used as
``Authorization: Token <token>``; wrong credentials 400 in Chinese; the login lockout applies;
every success and failure is audited. (ASVS 4.0 3.5.2, 2.2.1; GB/T 22239-2019 8.1.4.1 a/b.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from wuye.accounts.models import ApiToken as Token
from wuye.accounts.testing import totp_enrol, totp_now
from wuye.conftest import PASSWORD
from wuye.core.models import AuditAction, AuditLog

URL = "/api/v1/auth/token/"


def _post(username, password, **kwargs):
    return APIClient().post(URL, {"username": username, "password": password}, format="json", **kwargs)


def test_token_for_good_credentials_opens_the_api(world):
    user = world.users["district"]
    response = _post(user.username, PASSWORD)
    assert response.status_code == 200
    key = response.json()["token"]
    assert set(response.json()) == {"token"}
    # Only a digest is stored, never the token itself.
    stored = Token.objects.get(user=user)
    assert stored.digest != key and key not in stored.digest and key.startswith(stored.token_key)

    row = AuditLog.objects.get(action=AuditAction.TOKEN)
    assert (row.actor, row.object_type, row.object_id) == (user, "accounts.user", str(user.pk))
    assert row.ip == "127.0.0.1"

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    estates = client.get("/api/v1/estates/").json()["results"]
    assert [e["id"] for e in estates] == [world.estate_a.pk]


def test_asking_again_gives_another_token_and_is_audited_again(world):
    """One token per device or system (issue 13 item 5): asking again gives a second token."""
    user = world.users["street"]
    first = _post(user.username, PASSWORD).json()["token"]
    second = APIClient().post(URL, {"username": user.username, "password": PASSWORD}).json()["token"]  # form-encoded
    assert first != second
    assert Token.objects.filter(user=user).count() == 2
    assert AuditLog.objects.filter(action=AuditAction.TOKEN, actor=user).count() == 2


@pytest.mark.parametrize("username", ["p_district", "nobody"])
def test_wrong_credentials_are_400_in_chinese_and_audited_once(world, username):
    response = _post(username, "Wrong@2026x")
    assert response.status_code == 400
    assert response.json() == {"detail": "用户名或密码不正确。连续输错 5 次，账号将被锁定 30 分钟。"}
    assert not Token.objects.exists()
    rows = AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert rows.count() == 1
    assert rows.get().actor_username == username
    assert "Wrong@2026x" not in str(rows.get().changes) + rows.get().detail
    assert not AuditLog.objects.filter(action=AuditAction.TOKEN).exists()


def test_missing_fields_and_wrong_method(world):
    response = APIClient().post(URL, {"username": "p_district"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()
    assert APIClient().get(URL).status_code == 405


def test_lockout_after_five_failures_applies_to_the_token_endpoint(world):
    user = world.users["district"]
    answers = [_post(user.username, f"Wrong@{i}xyz").status_code for i in range(5)]
    assert answers == [400, 400, 400, 400, 429]
    locked = _post(user.username, PASSWORD)
    assert locked.status_code == 429
    assert "锁定" in locked.json()["detail"]
    assert not Token.objects.filter(user=user).exists()
    assert AuditLog.objects.filter(action=AuditAction.LOCKED, actor_username=user.username).exists()
    # The lockout is per account: another user still gets a token.
    assert _post(world.users["street"].username, PASSWORD).status_code == 200


def test_inactive_user_gets_no_token(world):
    user = world.users["community"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert _post(user.username, PASSWORD).status_code == 400
    assert not Token.objects.exists()


def test_expired_staff_password_must_be_changed_on_the_web_first(world):
    user = world.users["district"]
    user.password_changed_at = timezone.now() - timedelta(days=91)
    user.save(update_fields=["password_changed_at"])
    response = _post(user.username, PASSWORD)
    assert response.status_code == 403
    assert "修改密码" in response.json()["detail"]
    assert not Token.objects.exists()
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED, actor=user).exists()


def test_administrators_get_a_token_but_no_registry_data(world):
    device = totp_enrol(world.users["auditor"])
    response = APIClient().post(URL, {"username": world.users["auditor"].username, "password": PASSWORD,
                                      "otp": totp_now(device)}, format="json")
    key = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/estates/").json()["count"] == 0
    assert client.get(f"/api/v1/owners/{world.owner_a.pk}/").status_code == 404
