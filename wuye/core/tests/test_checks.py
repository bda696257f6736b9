"""``check --deploy`` refuses while a demo login is active (issue §14)."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from wuye.accounts.models import Role, User


def deploy_check():
    call_command("check", deploy=True)


@pytest.fixture
def demo_users(db, settings):
    return [User.objects.create(username=name, role=Role.NONE) for name in settings.WUYE_DEMO_USERNAMES]


def test_deploy_check_fails_while_a_demo_login_is_active(demo_users):
    with pytest.raises(SystemCheckError) as exc:
        deploy_check()
    assert "wuye.E001" in str(exc.value)
    assert "演示账号仍处于启用状态" in str(exc.value)


def test_one_active_demo_login_is_enough_to_fail(demo_users):
    User.objects.exclude(username="auditor").update(is_active=False)
    with pytest.raises(SystemCheckError) as exc:
        deploy_check()
    assert "auditor" in str(exc.value)


def test_deploy_check_passes_once_demo_logins_are_deactivated(demo_users):
    call_command("demo_disable_logins")
    deploy_check()


def test_deploy_check_passes_without_demo_data(db):
    User.objects.create(username="zhang.wei", role=Role.CITY)
    deploy_check()
