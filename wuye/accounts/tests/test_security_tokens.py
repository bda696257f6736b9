"""Issue 13 item 5: tokens have a lifecycle — hashed at rest, expiring (12 h for staff, longer for
partner systems), several per user, revocable (``DELETE /api/v1/auth/token/`` and the token
page), all revoked on password change, reset and deactivation.

ASVS 4.0 3.5.2 (tokens, not static API secrets), 3.3.1 (logout invalidates), 3.3.3 (all sessions
ended after a password change), 2.10.x (service credentials); GB/T 22239-2019 8.1.4.1 b (身份鉴别:
超时退出), 8.1.4.8 (数据保密性: 鉴别数据存储保密) and 8.1.4.10 (剩余信息保护)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from wuye.accounts import services
from wuye.accounts.models import ApiToken, User
from wuye.conftest import PASSWORD
from wuye.core.models import AuditAction, AuditLog

URL = "/api/v1/auth/token/"
ESTATES = "/api/v1/estates/"


def _issue(user, **extra) -> str:
    response = APIClient().post(URL, {"username": user.username, "password": PASSWORD, **extra}, format="json")
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"token"}
    return response.json()["token"]


def _client(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_tokens_are_hashed_at_rest_and_expire_after_12_hours(world):
    """ASVS 3.5.2: only a digest is stored; the staff default lifetime is 12 hours."""
    user = world.users["district"]
    key = _issue(user)
    row = ApiToken.objects.get(user=user)
    assert key not in row.digest and len(row.digest) == 128
    assert timedelta(hours=11, minutes=59) < row.expiry - timezone.now() <= timedelta(hours=12)
    assert _client(key).get(ESTATES).status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert _client(key).get(ESTATES).status_code == 401
    assert not ApiToken.objects.filter(pk=row.pk).exists()


def test_partner_system_accounts_get_longer_tokens(world, settings):
    """Item 5: longer lifetimes for the service accounts of partner systems (setting)."""
    settings.WUYE_API_SYSTEM_USERS = [world.users["city"].username]
    settings.WUYE_API_SYSTEM_TOKEN_DAYS = 90
    _issue(world.users["city"], name="市12345热线系统")
    row = ApiToken.objects.get(user=world.users["city"])
    assert row.expiry - timezone.now() > timedelta(days=89)
    assert row.name == "市12345热线系统"


def test_several_tokens_per_user_and_delete_revokes_only_the_current_one(world):
    """ASVS 3.5.3 / 3.3.1: one token per device; DELETE revokes the one used, audited."""
    user = world.users["street"]
    laptop, phone = _issue(user, name="笔记本"), _issue(user, name="手机")
    response = _client(laptop).delete(URL)
    assert response.status_code == 204
    assert _client(laptop).get(ESTATES).status_code == 401
    assert _client(phone).get(ESTATES).status_code == 200
    assert AuditLog.objects.filter(action=AuditAction.TOKEN, actor=user, detail__startswith="吊销").count() == 1
    assert APIClient().delete(URL).status_code == 400  # no token to revoke
    assert _client("x" * 64).delete(URL).status_code in (401, 403)


def test_the_token_page_lists_and_revokes_only_ones_own_tokens(client, login, world):
    """Item 5: a page listing one's tokens with revoke buttons; another user's token stays."""
    user, other = world.users["street"], world.users["community"]
    mine, theirs = _issue(user, name="笔记本"), _issue(other)
    login(user)
    page = client.get(reverse("accounts:token_list"))
    assert page.status_code == 200
    assert "笔记本" in page.content.decode() and mine[:8] in page.content.decode()
    assert theirs[:8] not in page.content.decode()
    other_key = ApiToken.objects.get(user=other).token_key
    client.post(reverse("accounts:token_revoke"), {"key": other_key})
    assert _client(theirs).get(ESTATES).status_code == 200
    client.post(reverse("accounts:token_revoke"), {"key": ApiToken.objects.get(user=user).token_key})
    assert _client(mine).get(ESTATES).status_code == 401
    assert client.get(reverse("accounts:token_revoke")).status_code == 405


def test_password_change_revokes_every_token(world):
    """ASVS 3.3.3: a password change ends every token."""
    user = world.users["street"]
    key = _issue(user)
    services.password_change(user=user, new_password="Xin#Mima2027")
    assert _client(key).get(ESTATES).status_code == 401
    assert AuditLog.objects.filter(action=AuditAction.TOKEN, detail__contains="修改密码").exists()


def test_reset_and_deactivation_revoke_every_token(world):
    """Item 5: a reset or a deactivation ends every token; reactivation does not bring them back."""
    sysadmin = world.users["sysadmin"]
    user = world.users["committee"]
    User.objects.filter(pk=user.pk).update(phone="13900002222")
    user.refresh_from_db()
    key = _issue(user)
    services.account_reset_password(actor=sysadmin, user=user)
    assert _client(key).get(ESTATES).status_code == 401

    other = world.users["community"]
    key = _issue(other)
    services.account_deactivate(actor=sysadmin, user=other)
    services.account_reactivate(actor=sysadmin, user=other)
    assert _client(key).get(ESTATES).status_code == 401
    assert not ApiToken.objects.filter(user__in=[user, other]).exists()
