"""Login, failed login, logout and lockout — each audited; the password never is."""

import json

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from wuye.accounts.views import lockout
from wuye.conftest import PASSWORD
from wuye.core.models import AuditAction, AuditLog

LOGIN = "/accounts/login/"


def post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3", **extra)


def test_login_page_is_chinese_and_public(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "物业服务监管平台" in body
    assert "用户名" in body and "密码" in body
    assert 'name="viewport"' in body  # works on a phone


def test_login_success_is_audited_with_ip(client, world):
    response = post_login(client, "p_district", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    row = AuditLog.objects.filter(action=AuditAction.LOGIN).get()
    assert (row.actor_id, row.actor_username, row.ip) == (world.users["district"].pk, "p_district", "10.1.2.3")
    assert row.actor_role == "district"


def test_login_redirects_to_safe_next_only(client, world):
    response = client.post(LOGIN + "?next=/registry/estates/", {"username": "p_district", "password": PASSWORD,
                                                                 "next": "/registry/estates/"})
    assert response["Location"] == "/registry/estates/"
    client.post(reverse("accounts:logout"))
    response = client.post(LOGIN, {"username": "p_district", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == reverse("portal:home")


def test_failed_login_records_username_never_password(client, world):
    response = post_login(client, "p_district", "Wrong#Pass123")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert 'value="p_district"' in response.content.decode()  # what was typed is kept
    row = AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED).get()
    assert row.actor_id is None
    assert row.actor_username == "p_district"
    assert row.ip == "10.1.2.3"
    stored = " ".join([row.detail, row.object_repr, str(row.changes)])
    assert "Wrong#Pass123" not in stored and "*****" not in stored
    assert not AuditLog.objects.filter(action=AuditAction.LOGIN).exists()

    assert "Wrong#Pass123" not in AccessAttempt.objects.get(username="p_district").post_data


def test_unknown_username_failure_is_audited(client, db):
    post_login(client, "nobody", "Whatever#1")
    row = AuditLog.objects.get(action=AuditAction.LOGIN_FAILED)
    assert row.actor_username == "nobody"


def test_inactive_account_cannot_log_in(client, world):
    user = world.users["street"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = post_login(client, "p_street", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED, actor_username="p_street").exists()


def test_logout_is_post_only_and_audited(client, world):
    post_login(client, "p_street", PASSWORD)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    row = AuditLog.objects.get(action=AuditAction.LOGOUT)
    assert row.actor_username == "p_street"
    assert row.detail == "退出登录"


def test_lockout_after_five_failures(client, world, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert post_login(client, "p_community", "Wrong#Pass123").status_code == 200
    response = post_login(client, "p_community", "Wrong#Pass123")
    assert response.status_code == 429
    body = response.content.decode()
    assert "账号已暂时锁定" in body and "p_community" in body
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED, actor_username="p_community").count() == 5
    locked = AuditLog.objects.get(action=AuditAction.LOCKED)
    assert locked.actor_username == "p_community" and locked.ip == "10.1.2.3"

    # Even the right password is refused while locked, and that is audited too.
    response = post_login(client, "p_community", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action=AuditAction.LOCKED).count() == 2
    assert not AuditLog.objects.filter(action=AuditAction.LOGIN).exists()

    # Another account is not affected (lockout is per username).
    assert post_login(client, "p_street", PASSWORD).status_code == 302


def test_lockout_of_the_api_is_json(client, world):
    request = RequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR="10.9.9.9")
    response = lockout(request, {"username": "p_street"})
    assert response.status_code == 429
    assert "锁定" in json.loads(response.content)["detail"]
    assert AuditLog.objects.get(action=AuditAction.LOCKED).actor_username == "p_street"


def test_success_resets_the_failure_count(client, world):
    for _ in range(4):
        post_login(client, "p_community", "Wrong#Pass123")
    assert post_login(client, "p_community", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        assert post_login(client, "p_community", "Wrong#Pass123").status_code == 200


@pytest.mark.parametrize("path", ["/accounts/users/", "/audit/", "/accounts/password/"])
def test_protected_pages_send_anonymous_users_to_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
