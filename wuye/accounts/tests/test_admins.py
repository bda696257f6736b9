"""The three separated administrators (三员分立): each does only their own work, on accounts
other than their own, and none of them sees registry data."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver, reverse

from wuye.accounts import services, urls
from wuye.accounts.models import Role, User
from wuye.conftest import PASSWORD
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction, AuditLog
from wuye.notifications.models import OutboxMessage
from wuye.registry import selectors as registry_selectors

ADMINS = ["sysadmin", "secadmin", "auditor"]
OTHERS = ["city", "district", "street", "community", "department", "manager_a", "staff_a", "committee",
          "resident", "outsider"]


def denied_rows():
    return AuditLog.objects.filter(action=AuditAction.DENIED)


def account_rows():
    return AuditLog.objects.filter(action=AuditAction.ACCOUNT)


def sent_password(phone: str) -> str:
    """The temporary password in the last SMS to ``phone`` (the outbox row)."""
    body = OutboxMessage.objects.filter(channel="sms", recipient=phone).latest("id").body
    return body.split("临时密码为 ", 1)[1].split("，", 1)[0]


def fail_login(client, username, times):
    for _ in range(times):
        client.post("/accounts/login/", {"username": username, "password": "Wrong#Pass1"})


# ---- the user list --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["sysadmin", "secadmin"])
def test_user_list_for_the_two_account_administrators(client, login, world, who):
    login(world.users[who])
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "p_district" in body and "东城区" in body
    assert ('data-testid="create"' in body) == (who == "sysadmin")


@pytest.mark.parametrize("who", ["auditor", *OTHERS])
def test_user_list_is_404_for_everybody_else_and_audited(client, login, world, who):
    login(world.users[who])
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 404
    row = denied_rows().get()
    assert row.actor_username == world.users[who].username
    assert row.object_type == "accounts.user"


def test_user_list_filters(client, login, world):
    login(world.users["secadmin"])
    url = reverse("accounts:user_list")
    body = client.get(url, {"role": "district"}).content.decode()
    assert "p_district2" in body and "p_street" not in body
    body = client.get(url, {"unit": "东华门"}).content.decode()
    assert "p_street" in body and "p_district" not in body
    body = client.get(url, {"q": "manager"}).content.decode()
    assert "p_manager_a" in body and "p_manager_b" in body and "p_staff_a" not in body
    User.objects.filter(username="p_outsider").update(is_active=False)
    body = client.get(url, {"is_active": "0"}).content.decode()
    assert "p_outsider" in body and "p_district" not in body


def test_user_list_paginates_and_shows_lockouts(client, login, world):
    for i in range(25):
        User.objects.create(username=f"zz_user_{i:02d}", role=Role.NONE)
    fail_login(client, "zz_user_00", 5)
    login(world.users["secadmin"])
    url = reverse("accounts:user_list")
    page1 = client.get(url, {"q": "zz_user"}).content.decode()
    assert "共 25 条" in page1 and "zz_user_00" in page1 and "zz_user_24" not in page1
    assert "锁定" in page1
    page2 = client.get(url, {"q": "zz_user", "page": 2}).content.decode()
    assert "zz_user_24" in page2


def test_user_list_queries_do_not_grow_with_the_data(client, login, world, django_assert_max_num_queries):
    login(world.users["sysadmin"])
    url = reverse("accounts:user_list")
    client.get(url)
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    for i in range(15):
        User.objects.create(username=f"more_{i}", role=Role.DISTRICT, district=world.d2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# ---- system administrator -------------------------------------------------------------------


def test_sysadmin_creates_an_account_with_no_role_and_a_temporary_password(client, login, world):
    login(world.users["sysadmin"])
    response = client.post(reverse("accounts:user_create"),
                           {"username": "wang.min", "full_name": "王敏", "phone": "139 1234 5678"})
    assert response.status_code == 200
    # The administrator never sees the temporary password: it goes to the new user's phone.
    password = sent_password("13912345678")
    assert password not in response.content.decode() and "139****5678" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    user = User.objects.get(username="wang.min")
    assert (user.role, user.full_name, user.phone, user.must_change_password) == (Role.NONE, "王敏", "13912345678", True)
    assert user.check_password(password)
    row = account_rows().get()
    assert row.actor_username == "p_sysadmin" and row.object_id == str(user.pk)
    assert password not in row.detail
    assert row.changes["role"] == [None, "none"]
    assert row.changes["is_active"] == [None, True]
    assert password not in str(row.changes) and "password" not in row.changes

    # The new person logs in and is sent to change the temporary password first.
    client.post(reverse("accounts:logout"))
    response = client.post("/accounts/login/", {"username": "wang.min", "password": password})
    assert response.status_code == 302
    assert client.get(reverse("portal:home"))["Location"].startswith(reverse("accounts:password_change"))


def test_create_keeps_what_was_typed_on_error(client, login, world):
    login(world.users["sysadmin"])
    response = client.post(reverse("accounts:user_create"),
                           {"username": "P_District", "full_name": "重名", "phone": "12ab"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "该用户名已被使用" in body or "电话号码格式不正确" in body
    assert 'value="重名"' in body
    assert not account_rows().exists()


def test_sysadmin_deactivates_and_reactivates(client, login, world):
    target = world.users["street"]
    login(world.users["sysadmin"])
    response = client.post(reverse("accounts:user_deactivate", args=[target.pk]))
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    row = account_rows().get()
    assert row.changes == {"is_active": [True, False]} and row.detail == "停用账号"
    client.post(reverse("accounts:user_reactivate", args=[target.pk]))
    target.refresh_from_db()
    assert target.is_active
    assert account_rows().first().changes == {"is_active": [False, True]}


def test_deactivation_ends_open_sessions(client, world):
    street = Client()
    street.post("/accounts/login/", {"username": "p_street", "password": PASSWORD})
    assert street.get(reverse("accounts:password_change")).status_code == 200
    services.account_deactivate(actor=world.users["sysadmin"], user=world.users["street"])
    assert street.get(reverse("accounts:password_change")).status_code == 302  # back to login
    assert street.post("/accounts/login/", {"username": "p_street", "password": PASSWORD}).status_code == 200


def test_deactivate_wrong_method(client, login, world):
    login(world.users["sysadmin"])
    assert client.get(reverse("accounts:user_deactivate", args=[world.users["street"].pk])).status_code == 405


def test_sysadmin_resets_a_password(client, login, world):
    target = world.users["committee"]
    User.objects.filter(pk=target.pk).update(phone="13900001111")
    login(world.users["sysadmin"])
    response = client.post(reverse("accounts:user_reset_password", args=[target.pk]))
    assert response.status_code == 200
    password = sent_password("13900001111")
    assert password not in response.content.decode()
    target.refresh_from_db()
    assert target.check_password(password) and not target.check_password(PASSWORD)
    assert target.must_change_password
    row = account_rows().get()
    assert row.changes == {"must_change_password": [False, True]}
    assert password not in str(row.changes) + row.detail


@pytest.mark.parametrize("who", ["secadmin", "auditor"])
def test_sysadmin_may_not_reset_or_deactivate_another_administrator(client, login, world, who):
    target = world.users[who]
    login(world.users["sysadmin"])
    for name in ("accounts:user_reset_password", "accounts:user_deactivate"):
        response = client.post(reverse(name, args=[target.pk]))
        assert response.status_code == 403
        assert "服务器控制台" in response.content.decode()
    target.refresh_from_db()
    assert target.is_active and target.check_password(PASSWORD)
    assert denied_rows().count() == 2
    assert not account_rows().exists()


def test_nobody_acts_on_their_own_account(client, login, world):
    sysadmin = world.users["sysadmin"]
    login(sysadmin)
    assert client.post(reverse("accounts:user_deactivate", args=[sysadmin.pk])).status_code == 403
    secadmin = world.users["secadmin"]
    login(secadmin)
    assert client.post(reverse("accounts:user_assign_role", args=[secadmin.pk]), {"role": "city"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.account_assign_role(actor=secadmin, user=secadmin, role=Role.CITY)
    secadmin.refresh_from_db()
    assert secadmin.role == Role.SECADMIN
    with pytest.raises(PermissionDenied):
        services.account_deactivate(actor=sysadmin, user=sysadmin)
    assert not account_rows().exists()


def test_accounts_cannot_be_deleted(world):
    assert not hasattr(services, "account_delete")

    names = [p.name for p in get_resolver().url_patterns if hasattr(p, "name")]
    assert not any("delete" in (n or "") for n in names)

    assert not any("delete" in p.name for p in urls.urlpatterns)


# ---- security administrator -----------------------------------------------------------------


def test_secadmin_assigns_role_and_binding(client, login, world):
    target, _ = services.account_create(actor=world.users["sysadmin"], username="li.hua", full_name="李华")
    login(world.users["secadmin"])
    url = reverse("accounts:user_assign_role", args=[target.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": "street", "street": world.s1.pk, "district": world.d1.pk})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.street_id, target.district_id) == (Role.STREET, world.s1.pk, None)
    row = account_rows().first()
    assert row.actor_username == "p_secadmin" and row.detail == "分配角色与所属单位"
    assert row.changes == {"role": ["none", "street"], "street": [None, world.s1.pk]}
    # The binding follows the role: changing the role clears the old binding.
    client.post(url, {"role": "resident", "owner": world.owner_a.pk})
    target.refresh_from_db()
    assert (target.role, target.street_id, target.owner_id) == (Role.RESIDENT, None, world.owner_a.pk)
    assert account_rows().first().changes == {
        "role": ["street", "resident"], "street": [world.s1.pk, None], "owner": [None, world.owner_a.pk]}


def test_role_without_its_binding_is_refused_in_chinese(client, login, world):
    target = world.users["outsider"]
    login(world.users["secadmin"])
    response = client.post(reverse("accounts:user_assign_role", args=[target.pk]), {"role": "company_manager"})
    assert response.status_code == 200
    assert "该角色必须绑定所属单位或区域" in response.content.decode()
    assert 'value="company_manager" selected' in response.content.decode()
    target.refresh_from_db()
    assert target.role == Role.NONE
    assert not account_rows().exists()


def test_assign_role_service_validates_with_user_clean(world):
    with pytest.raises(ServiceError) as exc:
        services.account_assign_role(actor=world.users["secadmin"], user=world.users["outsider"], role=Role.COMMITTEE)
    assert "estate" in exc.value.message_dict


def test_binding_lookup(client, login, world):
    login(world.users["secadmin"])
    url = reverse("accounts:binding_lookup")
    body = client.get(url, {"kind": "estate", "q_estate": "幸福"}).content.decode()
    assert f'value="{world.estate_a.pk}"' in body and "幸福里小区" in body and "翠湖" not in body
    body = client.get(url, {"kind": "estate", "q_estate": "xfl"}).content.decode()  # pinyin initials
    assert "幸福里小区" in body
    body = client.get(url, {"kind": "community", "q_community": "多福"}).content.decode()
    assert "东华门街道 · 多福巷社区" in body
    # Owners only by the exact phone the person gives, and shown masked.
    body = client.get(url, {"kind": "owner", "q_owner": "王"}).content.decode()
    assert "王" not in body.replace("未找到", "")
    body = client.get(url, {"kind": "owner", "q_owner": "13812345678"}).content.decode()
    assert "王**" in body and "138****5678" in body and "13812345678" not in body
    login(world.users["sysadmin"])
    assert client.get(url, {"kind": "estate", "q_estate": "幸福"}).status_code == 403


def test_secadmin_sees_login_failures_and_unlocks(client, login, world):
    fail_login(client, "p_community", 5)
    fail_login(client, "ghost", 2)
    assert client.post("/accounts/login/", {"username": "p_community", "password": PASSWORD}).status_code == 429
    login(world.users["secadmin"])
    page = client.get(reverse("accounts:login_failures"))
    body = page.content.decode()
    assert "p_community" in body and "ghost" in body and "已锁定" in body
    detail = client.get(reverse("accounts:user_detail", args=[world.users["community"].pk])).content.decode()
    assert "解除登录锁定" in detail
    response = client.post(reverse("accounts:user_unlock"), {"username": "p_community"})
    assert response.status_code == 302
    row = account_rows().get()
    assert row.actor_username == "p_secadmin" and row.object_id == str(world.users["community"].pk)
    assert row.changes == {"locked": [True, False]}
    client.post(reverse("accounts:logout"))
    assert client.post("/accounts/login/", {"username": "p_community", "password": PASSWORD}).status_code == 302


# ---- none does the others' work -------------------------------------------------------------


SYSADMIN_WORK = [
    ("get", "accounts:user_create", False),
    ("post", "accounts:user_deactivate", True),
    ("post", "accounts:user_reactivate", True),
    ("post", "accounts:user_reset_password", True),
]
SECADMIN_WORK = [
    ("get", "accounts:user_assign_role", True),
    ("post", "accounts:user_assign_role", True),
    ("post", "accounts:user_unlock", False),
    ("get", "accounts:login_failures", False),
    ("get", "accounts:binding_lookup", False),
]


def _call(client, method, name, with_pk, target):
    url = reverse(name, args=[target.pk]) if with_pk else reverse(name)
    data = {"username": target.username, "role": "city"}
    return getattr(client, method)(url, data)


@pytest.mark.parametrize(("method", "name", "with_pk"), SYSADMIN_WORK)
def test_secadmin_cannot_do_sysadmin_work(client, login, world, method, name, with_pk):
    target = world.users["street"]
    if name == "accounts:user_reactivate":
        User.objects.filter(pk=target.pk).update(is_active=False)
    login(world.users["secadmin"])
    assert _call(client, method, name, with_pk, target).status_code == 403
    assert denied_rows().count() == 1
    assert not account_rows().exists()


@pytest.mark.parametrize(("method", "name", "with_pk"), SECADMIN_WORK)
def test_sysadmin_cannot_do_secadmin_work(client, login, world, method, name, with_pk):
    target = world.users["street"]
    login(world.users["sysadmin"])
    assert _call(client, method, name, with_pk, target).status_code == 403
    target.refresh_from_db()
    assert target.role == Role.STREET
    assert denied_rows().count() == 1
    assert not account_rows().exists()


@pytest.mark.parametrize(("method", "name", "with_pk"), SYSADMIN_WORK + SECADMIN_WORK)
@pytest.mark.parametrize("who", ["auditor", "city", "district", "resident"])
def test_auditor_and_others_get_404_for_account_work(client, login, world, method, name, with_pk, who):
    target = world.users["street"]
    login(world.users[who])
    assert _call(client, method, name, with_pk, target).status_code == 404
    target.refresh_from_db()
    assert target.role == Role.STREET and target.is_active
    assert denied_rows().count() == 1
    assert not account_rows().exists()


@pytest.mark.parametrize("who", ["sysadmin", "secadmin"])
def test_account_administrators_cannot_open_the_audit_page(client, login, world, who):
    login(world.users[who])
    assert client.get(reverse("core:audit_list")).status_code == 404
    assert denied_rows().get().object_type == "core.auditlog"


def test_services_refuse_the_wrong_administrator(world):
    sysadmin, secadmin, auditor = (world.users[x] for x in ADMINS)
    target = world.users["street"]
    for actor in (secadmin, auditor):
        with pytest.raises(PermissionDenied):
            services.account_create(actor=actor, username="x1", full_name="x")
        with pytest.raises(PermissionDenied):
            services.account_reset_password(actor=actor, user=target)
        with pytest.raises(PermissionDenied):
            services.account_deactivate(actor=actor, user=target)
    for actor in (sysadmin, auditor):
        with pytest.raises(PermissionDenied):
            services.account_assign_role(actor=actor, user=target, role=Role.CITY)
        with pytest.raises(PermissionDenied):
            services.account_unlock(actor=actor, username="p_street")
    assert not User.objects.filter(username="x1").exists()
    assert not account_rows().exists()


@pytest.mark.parametrize("who", ADMINS)
def test_administrators_see_no_registry_data(world, who):
    user = world.users[who]
    for model, selector in registry_selectors.VISIBLE.items():
        assert not selector(user).exists(), model
        assert not registry_selectors.can_create(user, model)


def test_demo_disable_logins_command(world):
    User.objects.create(username="admin", role=Role.SYSADMIN)
    User.objects.create(username="resident", role=Role.NONE)
    User.objects.create(username="city", role=Role.CITY, is_active=False)
    call_command("demo_disable_logins")
    assert not User.objects.filter(username__in=["admin", "resident", "city"], is_active=True).exists()
    rows = account_rows()
    assert sorted(r.object_repr for r in rows) == ["admin", "resident"]
    assert all(r.actor_username.startswith("console") and r.changes == {"is_active": [True, False]} for r in rows)
    call_command("demo_disable_logins")
    assert account_rows().count() == 2
