"""Issue 13 item 6: two-factor authentication (TOTP and recovery codes) for the three
administrators and, by setting, for city and district officials; enrolment with a QR code; an
audited reset by the security administrator; demo logins exempt only in demo mode; the token
endpoint needs the second factor too.

GB/T 22239-2019 8.1.4.1 d (采用口令、密码技术、生物技术等两种或两种以上组合的鉴别技术); ASVS 4.0
2.8.x (time-based one-time verifiers), 2.5.x / 2.6.x (recovery codes, single use), 4.3.1
(administrative interfaces use multi-factor authentication)."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from wuye.accounts.testing import totp_enrol, totp_now
from wuye.conftest import PASSWORD, make_user
from wuye.core.models import AuditAction, AuditLog

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    """django-otp slows down the next try after a wrong code; these tests try at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _password_step(client, user):
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD})


def test_first_login_of_an_administrator_enrols_an_authenticator(client, world):
    """GB 8.1.4.1 d: the password alone does not open an administrator's session; the first login
    enrols a TOTP authenticator (inline SVG QR code) and gives single-use recovery codes."""
    auditor = world.users["auditor"]
    response = _password_step(client, auditor)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_setup")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("core:audit_list")).status_code == 302  # not logged in yet
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=auditor, confirmed=False)
    assert client.post(reverse("accounts:otp_setup"), {"code": "000000" if totp_now(device) != "000000" else "111111"}).status_code == 200
    assert "_auth_user_id" not in client.session
    done = client.post(reverse("accounts:otp_setup"), {"code": totp_now(device)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert client.session["_auth_user_id"] == str(auditor.pk)
    assert AuditLog.objects.filter(action=AuditAction.ACCOUNT, actor=auditor, detail__contains="双因素").exists()


def test_an_enrolled_administrator_gives_the_code_and_wrong_codes_are_audited(client, world):
    """GB 8.1.4.1 d / ASVS 2.8.1: the time-based code is the second factor; a wrong one is refused
    and audited; five wrong codes send the user back to the password."""
    secadmin = world.users["secadmin"]
    device = totp_enrol(secadmin)
    assert _password_step(client, secadmin)["Location"] == reverse("accounts:otp_verify")
    wrong = "123456" if totp_now(device) != "123456" else "654321"
    assert client.post(reverse("accounts:otp_verify"), {"code": wrong}).status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED, actor_username=secadmin.username,
                                   detail="双因素动态验证码错误").count() == 1
    ok = client.post(reverse("accounts:otp_verify"), {"code": totp_now(device)})
    assert ok.status_code == 302 and client.session["_auth_user_id"] == str(secadmin.pk)


def test_a_recovery_code_works_once(client, world):
    """ASVS 2.5 / 2.6.1: recovery codes are single use."""
    user = world.users["sysadmin"]
    totp_enrol(user)
    static = user.staticdevice_set.create(name="恢复码", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd1234")
    _password_step(client, user)
    assert client.post(reverse("accounts:otp_verify"), {"code": "abcd1234"}).status_code == 302
    client.post(reverse("accounts:logout"))
    _password_step(client, user)
    assert client.post(reverse("accounts:otp_verify"), {"code": "abcd1234"}).status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("on", [True, False])
def test_city_and_district_officials_need_it_by_setting(client, world, settings, on):
    """Item 6: city and district officials by setting (WUYE_OTP_FOR_OFFICIALS); streets never."""
    settings.WUYE_OTP_FOR_OFFICIALS = on
    for who in ("city", "district"):
        client.logout()
        response = _password_step(client, world.users[who])
        assert (response["Location"] == reverse("accounts:otp_setup")) is on
    client.logout()
    assert _password_step(client, world.users["street"])["Location"] == reverse("portal:home")


@pytest.mark.parametrize("demo", [True, False])
def test_demo_logins_are_exempt_only_in_demo_mode(client, world, settings, demo):
    """Item 6: the demo's "auditor" login skips the second factor only when WUYE_DEMO is on."""
    settings.DEMO_MODE = demo
    user = make_user("auditor", "auditor")
    response = _password_step(client, user)
    assert (response["Location"] == reverse("portal:home")) is demo
    assert ("_auth_user_id" in client.session) is demo


def test_the_token_endpoint_needs_the_second_factor(world):
    """Item 6: token issuance for such users needs the OTP too (the ``otp`` field)."""
    user = world.users["auditor"]
    api = APIClient()
    body = {"username": user.username, "password": PASSWORD}
    assert api.post("/api/v1/auth/token/", body, format="json").status_code == 403  # not enrolled
    device = totp_enrol(user)
    missing = api.post("/api/v1/auth/token/", body, format="json")
    assert missing.status_code == 400 and "otp" in missing.json()["detail"]
    wrong = "123456" if totp_now(device) != "123456" else "654321"
    assert api.post("/api/v1/auth/token/", {**body, "otp": wrong}, format="json").status_code == 400
    ok = api.post("/api/v1/auth/token/", {**body, "otp": totp_now(device)}, format="json")
    assert ok.status_code == 200 and set(ok.json()) == {"token"}


def test_the_security_administrator_resets_two_factor_audited(client, login, world):
    """Item 6: an audited reset by the security administrator (and by nobody else)."""
    target = world.users["auditor"]
    totp_enrol(target)
    url = reverse("accounts:user_otp_reset", args=[target.pk])
    login(world.users["sysadmin"])
    assert client.post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=target).exists()
    login(world.users["secadmin"])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    row = AuditLog.objects.filter(action=AuditAction.ACCOUNT, object_id=str(target.pk)).latest("seq")
    assert row.actor_username == "p_secadmin" and "重置双因素" in row.detail
