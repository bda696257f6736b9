"""Issue 13 item 7: lockout cannot be turned against officials — locked on (username, client
address); a slower, longer per-username back-off across addresses; the security administrator is
alerted when one username fails from many addresses.

GB/T 22239-2019 8.1.4.1 b (登录失败处理：限制非法登录次数) and 8.1.4.3 (安全审计); ASVS 4.0 2.2.1
(anti-automation without locking out the legitimate user), 7.2.x (alerts)."""

from django.urls import reverse

from wuye.conftest import PASSWORD
from wuye.core.models import AuditAction, AuditLog
from wuye.notifications.models import Notification

LOGIN = "/accounts/login/"


def _try(client, username, password, ip):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_that_address_only(client, world):
    """GB 8.1.4.1 b: five wrong passwords from one address lock that address for that account; the
    official still logs in from the office."""
    city = world.users["city"]
    for _ in range(5):
        _try(client, city.username, "Wrong#Pass1", "203.0.113.9")
    assert _try(client, city.username, PASSWORD, "203.0.113.9").status_code == 429
    office = _try(client, city.username, PASSWORD, "10.1.1.1")
    assert office.status_code == 302 and office["Location"] == reverse("portal:home")


def test_failures_from_many_addresses_back_off_the_username_and_alert_the_security_admin(client, world, settings):
    """ASVS 2.2.1 / GB 8.1.4.1 b: across addresses the username backs off (slower: more failures
    needed; longer); the security administrator is told once; the unlock ends it."""
    settings.WUYE_USERNAME_FAILURE_LIMIT = 8
    settings.WUYE_USERNAME_ALERT_ADDRESSES = 4
    district = world.users["district"]
    for i in range(8):
        _try(client, district.username, "Wrong#Pass1", f"198.51.100.{i // 2 + 1}")  # 2 per address: no lock
    response = _try(client, district.username, PASSWORD, "10.1.1.1")
    assert response.status_code == 429
    assert "多个地址" in response.content.decode()
    assert AuditLog.objects.filter(action=AuditAction.LOCKED, actor_username=district.username).exists()
    alerts = Notification.objects.filter(user=world.users["secadmin"], category="security")
    assert alerts.count() == 1 and district.username in alerts.get().subject

    client.force_login(world.users["secadmin"], backend="django.contrib.auth.backends.ModelBackend")
    unlock = client.post(reverse("accounts:user_unlock"), {"username": district.username})
    assert unlock.status_code == 302 and unlock["Location"] == reverse("accounts:login_failures")
    client.post(reverse("accounts:logout"))
    assert _try(client, district.username, PASSWORD, "10.1.1.1").status_code == 302
