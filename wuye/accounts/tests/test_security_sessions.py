"""Issue 13 item 4: every request with a session obeys the session rules, and token requests obey
the account's state.

GB/T 22239-2019 8.1.4.1 b (登录失败处理、连接超时自动退出) and 8.1.4.1 a (口令定期更换); ASVS 4.0
3.3.2 (idle timeout), 2.3.1 (initial passwords changed after first use), 3.5.2 / 3.3.1 (token
requests checked against the account)."""

import time

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from wuye.accounts.lockout import backoff_refresh
from wuye.accounts.middleware import SESSION_KEY
from wuye.accounts.models import User
from wuye.accounts.testing import api_token_for
from wuye.core.models import AuditAction, AuditLog

ESTATES = "/api/v1/estates/"


@pytest.mark.parametrize("header", ["Basic eA==", "Token nonsense", "Bearer x"])
def test_an_authorization_header_does_not_skip_the_forced_password_change(client, login, world, header):
    """ASVS 2.1 / GB 8.1.4.1: the temporary password must be changed first, whatever the headers."""
    user = world.users["district"]
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    login(user)
    page = client.get(reverse("portal:home"), HTTP_AUTHORIZATION=header)
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:password_change"))
    api = client.get(ESTATES, HTTP_AUTHORIZATION="Basic eA==")
    assert api.status_code in (401, 403)
    assert b"results" not in api.content


def test_an_authorization_header_does_not_skip_the_idle_timeout(client, login, world):
    """GB 8.1.4.1 c / ASVS 3.3.2: an idle session ends even when the request carries a header."""
    login(world.users["street"])
    session = client.session
    session[SESSION_KEY] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("portal:home"), HTTP_AUTHORIZATION="Basic eA==")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action=AuditAction.LOGOUT, actor=world.users["street"]).exists()


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def test_a_token_of_an_account_that_must_change_its_password_is_refused(world):
    """Item 4: token requests obey the account's state (password expired)."""
    user = world.users["district"]
    client = _api(user)
    assert client.get(ESTATES).status_code == 200
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    response = client.get(ESTATES)
    assert response.status_code == 403
    assert "修改密码" in response.json()["detail"]


def test_a_token_of_an_inactive_account_is_refused(world):
    """Item 4: token requests obey the account's state (inactive)."""
    user = world.users["street"]
    client = _api(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(ESTATES)
    assert response.status_code == 401
    assert "停用" in response.json()["detail"]


def test_a_token_of_an_account_backing_off_is_refused(world, settings):
    """Item 4 with item 7: a username locked after failures from many addresses cannot use its token."""
    settings.WUYE_USERNAME_FAILURE_LIMIT = 3
    user = world.users["community"]
    client = _api(user)
    anonymous = APIClient()
    for i in range(3):
        anonymous.post("/api/v1/auth/token/", {"username": user.username, "password": "Wrong#Pass1"},
                       format="json", REMOTE_ADDR=f"10.9.0.{i + 1}")
    assert backoff_refresh(user.username) is not None
    response = client.get(ESTATES)
    assert response.status_code == 403
    assert "锁定" in response.json()["detail"]
