"""Idle timeout after 30 minutes, forced change of expired staff passwords, own password change."""

import time
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from wuye.accounts.middleware import SESSION_KEY, TOUCH_INTERVAL, password_expired
from wuye.accounts.models import User
from wuye.conftest import PASSWORD
from wuye.core.models import AuditAction, AuditLog

PASSWORD_URL = "/accounts/password/"
NEW_PASSWORD = "Xin#Mima2027"


def set_last_seen(client, seconds_ago: float) -> None:
    session = client.session
    session[SESSION_KEY] = time.time() - seconds_ago
    session.save()


def age_password(user: User, days: int) -> None:
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=days))
    user.refresh_from_db()


# ---- idle timeout ---------------------------------------------------------------------------


def test_idle_for_more_than_30_minutes_logs_out(client, login, world, settings):
    assert settings.WUYE_IDLE_TIMEOUT_SECONDS == 30 * 60
    login(world.users["district"])
    set_last_seen(client, 31 * 60)
    response = client.get("/accounts/password/?x=1")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "_auth_user_id" not in client.session
    row = AuditLog.objects.filter(action=AuditAction.LOGOUT).get()
    assert row.actor_username == "p_district"
    assert row.detail == "空闲超时自动退出"
    page = client.get(response["Location"])
    assert "30 分钟未操作" in page.content.decode()


def test_activity_within_30_minutes_keeps_the_session(client, login, world):
    login(world.users["district"])
    set_last_seen(client, 29 * 60)
    response = client.get(PASSWORD_URL)
    assert response.status_code == 200
    assert "_auth_user_id" in client.session
    assert time.time() - client.session[SESSION_KEY] < 5  # the clock restarted
    assert not AuditLog.objects.filter(action=AuditAction.LOGOUT).exists()


def test_last_seen_is_not_rewritten_on_every_request(client, login, world):
    login(world.users["district"])
    set_last_seen(client, TOUCH_INTERVAL / 2)
    before = client.session[SESSION_KEY]
    client.get(PASSWORD_URL)
    assert client.session[SESSION_KEY] == before


def test_idle_htmx_request_is_sent_to_login_with_hx_redirect(client, login, world):
    login(world.users["district"])
    set_last_seen(client, 31 * 60)
    response = client.get(PASSWORD_URL, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_idle_api_session_becomes_anonymous(client, login, world):
    login(world.users["district"])
    set_last_seen(client, 31 * 60)
    response = client.get("/api/v1/")
    assert response.status_code in (401, 403)
    assert "_auth_user_id" not in client.session


def test_login_starts_the_idle_clock(client, world):
    client.post("/accounts/login/", {"username": "p_district", "password": PASSWORD})
    assert time.time() - client.session[SESSION_KEY] < 5


# ---- password expiry ------------------------------------------------------------------------


def test_staff_password_older_than_90_days_forces_a_change(client, login, world):
    user = world.users["street"]
    age_password(user, 91)
    assert password_expired(user)
    login(user)
    response = client.get("/accounts/users/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:password_change"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "超过 90 天" in page.content.decode()


def test_password_of_89_days_is_still_fine(world):
    user = world.users["street"]
    age_password(user, 89)
    assert not password_expired(user)


def test_residents_passwords_do_not_expire(world):
    user = world.users["resident"]
    age_password(user, 400)
    assert not password_expired(user)


def test_temporary_password_forces_a_change_for_everyone(world):
    user = world.users["resident"]
    user.must_change_password = True
    assert password_expired(user)


def test_expired_password_api_session_gets_403_with_reason(client, login, world):
    user = world.users["street"]
    age_password(user, 120)
    login(user)
    response = client.get("/api/v1/")
    assert response.status_code == 403
    assert "密码" in response.json()["detail"]


def test_logout_stays_reachable_with_an_expired_password(client, login, world):
    user = world.users["street"]
    age_password(user, 120)
    login(user)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


# ---- own password change --------------------------------------------------------------------


def test_password_change_restarts_the_clock_and_clears_the_flag(client, login, world):
    user = world.users["street"]
    User.objects.filter(pk=user.pk).update(must_change_password=True,
                                           password_changed_at=timezone.now() - timedelta(days=200))
    user.refresh_from_db()
    login(user)
    response = client.post(PASSWORD_URL, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                          "new_password2": NEW_PASSWORD, "next": "/accounts/password/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.must_change_password
    assert timezone.now() - user.password_changed_at < timedelta(minutes=1)
    assert "_auth_user_id" in client.session  # still logged in
    row = AuditLog.objects.get(action=AuditAction.PASSWORD)
    assert row.actor_username == "p_street" and row.object_id == str(user.pk)
    assert row.changes == {"must_change_password": [True, False]}
    assert NEW_PASSWORD not in str(row.changes) + row.detail
    assert user.password not in str(row.changes)
    # The forced change is satisfied: other pages open again.
    assert client.get("/accounts/password/").status_code == 200


def test_password_change_refuses_policy_violations_in_chinese(client, login, world):
    user = world.users["street"]
    login(user)
    response = client.post(PASSWORD_URL, {"old_password": PASSWORD, "new_password1": "p_street123",
                                          "new_password2": "p_street123"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "不得包含用户名" in body
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditLog.objects.filter(action=AuditAction.PASSWORD).exists()


def test_password_change_needs_the_old_password(client, login, world):
    login(world.users["street"])
    response = client.post(PASSWORD_URL, {"old_password": "Wrong#123x", "new_password1": NEW_PASSWORD,
                                          "new_password2": NEW_PASSWORD})
    assert response.status_code == 200
    assert "原密码不正确" in response.content.decode()
    assert not AuditLog.objects.filter(action=AuditAction.PASSWORD).exists()


def test_password_change_refuses_the_same_password(client, login, world):
    login(world.users["street"])
    response = client.post(PASSWORD_URL, {"old_password": PASSWORD, "new_password1": PASSWORD,
                                          "new_password2": PASSWORD})
    assert "不能与原密码相同" in response.content.decode()


def test_password_change_wrong_method(client, login, world):
    login(world.users["street"])
    assert client.put(PASSWORD_URL).status_code == 405
