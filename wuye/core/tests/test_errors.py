"""Refusals are audited exactly once, and every error page is a Chinese page."""

from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from wuye.core.models import AuditAction, AuditLog


def denied():
    return AuditLog.objects.filter(action=AuditAction.DENIED)


def test_permission_denied_raised_outside_access_helpers_is_audited_once(client, login, world):
    """The security administrator may not unlock their own account: the service raises
    PermissionDenied; the 403 handler writes the one DENIED row and shows the reason."""
    secadmin = world.users["secadmin"]
    login(secadmin)
    response = client.post(reverse("accounts:user_unlock"), {"username": secadmin.username})
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权执行此操作" in body and "不能对自己的账号执行此操作" in body
    row = denied().get()
    assert row.actor_username == "p_secadmin"
    assert row.object_repr == reverse("accounts:user_unlock")
    assert "不能对自己的账号" in row.detail


def test_refusal_through_access_helpers_is_not_audited_twice(client, login, world):
    login(world.users["secadmin"])
    response = client.post(reverse("accounts:user_deactivate", args=[world.users["street"].pk]))
    assert response.status_code == 403
    assert denied().count() == 1
    assert "三员分立" in response.content.decode()


def test_each_request_is_judged_on_its_own(client, login, world):
    login(world.users["secadmin"])
    client.post(reverse("accounts:user_deactivate", args=[world.users["street"].pk]))
    client.post(reverse("accounts:user_unlock"), {"username": "p_secadmin"})
    assert denied().count() == 2


def test_404_page_is_chinese(client, login, world):
    login(world.users["district"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "未找到该页面或记录" in body and "返回工作台" in body


def test_404_page_for_anonymous_users(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到该页面或记录" in response.content.decode()


def test_500_page_renders_without_any_context():
    body = render_to_string("500.html")
    assert "系统暂时无法处理您的请求" in body and "物业服务监管平台" in body


def test_csrf_failure_is_not_a_server_error(world):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "p_street", "password": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
