"""The system administrator's Open311 partner key pages at /open311/partners/: list, create (the
key shown once), deactivate; everybody else gets 404, audited."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuye.cases.models import PartnerKey
from wuye.cases.open311 import keys
from wuye.core.models import AuditAction, AuditLog

LIST = "/open311/partners/"
NEW = "/open311/partners/new/"


def deactivate_url(key) -> str:
    return f"/open311/partners/{key.pk}/deactivate/"


def test_list_shows_keys_with_prefix_state_and_help(cworld, login):
    keys.ensure_demo_partner_key()
    key, raw = keys.partner_key_create(user=cworld.users["sysadmin"], name="区网格化管理平台")
    response = login(cworld.users["sysadmin"]).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "区网格化管理平台" in html and "演示合作方" in html and f"{key.key_prefix}…" in html
    assert raw not in html and key.key_hash not in html
    assert "http://testserver/open311/v2/" in html
    assert 'data-testid="nav-open311-keys"' in html
    assert html.count("data-confirm=") == 2


def test_empty_list_says_so(cworld, login):
    html = login(cworld.users["sysadmin"]).get(LIST).content.decode()
    assert "还没有接入密钥" in html


def test_list_query_count_is_constant(cworld, login):
    client = login(cworld.users["sysadmin"])
    for i in range(3):
        keys.partner_key_create(user=cworld.users["sysadmin"], name=f"合作方{i}")
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for i in range(12):
        keys.partner_key_create(user=cworld.users["sysadmin"], name=f"更多合作方{i}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "共 15 条" in response.content.decode()


def test_create_shows_the_key_once_and_stores_its_hash(cworld, login):
    client = login(cworld.users["sysadmin"])
    form = client.get(NEW)
    assert form.status_code == 200 and "合作方名称" in form.content.decode()
    response = client.post(NEW, {"name": "12345 市民服务热线"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    key = PartnerKey.objects.get()
    html = response.content.decode()
    raw = html.split('data-testid="raw-key">', 1)[1].split("<", 1)[0].strip()
    assert hashlib.sha256(raw.encode()).hexdigest() == key.key_hash
    assert keys.partner_key_for(raw) == key and key.created_by == cworld.users["sysadmin"]
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="cases.partnerkey",
                                   object_id=str(key.pk)).count() == 1
    assert raw not in client.get(LIST).content.decode()


def test_create_without_a_name_keeps_the_form_with_a_message(cworld, login):
    response = login(cworld.users["sysadmin"]).post(NEW, {"name": ""})
    assert response.status_code == 200
    assert "请填写合作方名称" in response.content.decode()
    assert PartnerKey.objects.count() == 0


def test_deactivate_after_confirmation(cworld, login):
    key, raw = keys.partner_key_create(user=cworld.users["sysadmin"], name="区网格化管理平台")
    client = login(cworld.users["sysadmin"])
    response = client.post(deactivate_url(key), follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "已停用“区网格化管理平台”的接入密钥" in response.content.decode()
    key.refresh_from_db()
    assert key.active is False and keys.partner_key_for(raw) is None
    assert AuditLog.objects.filter(action=AuditAction.UPDATE, object_type="cases.partnerkey",
                                   object_id=str(key.pk)).count() == 1
    again = client.post(deactivate_url(key), follow=True)
    assert "该密钥已停用" in again.content.decode()


def test_wrong_methods(cworld, login):
    key, _raw = keys.partner_key_create(user=cworld.users["sysadmin"], name="合作方")
    client = login(cworld.users["sysadmin"])
    assert client.post(LIST).status_code == 405
    assert client.get(deactivate_url(key)).status_code == 405
    assert client.delete(NEW).status_code == 405
    assert PartnerKey.objects.get().active is True


@pytest.mark.parametrize("role", ["city", "district", "secadmin", "auditor", "manager_a", "resident"])
def test_other_roles_get_404_audited(cworld, login, role):
    key, _raw = keys.partner_key_create(user=cworld.users["sysadmin"], name="合作方")
    client = login(cworld.users[role])
    before = AuditLog.objects.filter(action=AuditAction.DENIED).count()
    assert client.get(LIST).status_code == 404
    assert client.post(NEW, {"name": "偷偷建一个"}).status_code == 404
    assert client.post(deactivate_url(key)).status_code == 404
    assert AuditLog.objects.filter(action=AuditAction.DENIED).count() == before + 3
    assert PartnerKey.objects.filter(active=True).count() == 1


def test_anonymous_users_go_to_the_login_page(cworld, client):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
