"""Issue 13 item 8: administrators that cannot escalate (三员分立). The security administrator
grants or removes no administrator role (not even its own) and cannot change the system
administrator's or the auditor's role; administrator accounts change only by a two-person
procedure or a ``manage.py`` command, audited; the system administrator's password reset never
shows the password and the user must set one before anything else.

GB/T 22239-2019 8.1.4.2 d (授予管理用户所需的最小权限，实现管理用户的权限分离), 8.1.4.3 (安全审计)
and 8.1.4.1 a (身份鉴别); ASVS 4.0 4.1.3 (least privilege), 1.4.x (access control architecture),
2.3.1 (system-generated initial passwords sent securely and changed at first use), 2.5.x (reset)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from wuye.accounts import proposals, services
from wuye.accounts.models import AdminProposal, Role, User
from wuye.conftest import make_user
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction, AuditLog
from wuye.notifications.models import OutboxMessage


def _sent_password(phone):
    body = OutboxMessage.objects.filter(channel="sms", recipient=phone).latest("id").body
    return body.split("临时密码为 ", 1)[1].split("，", 1)[0]


def test_the_security_admin_cannot_promote_itself(client, login, world):
    """Probe: self-promote. 8.1.4.2 d: no administrator grants itself a role."""
    secadmin = world.users["secadmin"]
    login(secadmin)
    response = client.post(reverse("accounts:user_assign_role", args=[secadmin.pk]), {"role": "sysadmin"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        proposals.admin_proposal_create(actor=secadmin, kind="role", target=secadmin, role="sysadmin", reason="x")
    secadmin.refresh_from_db()
    assert secadmin.role == Role.SECADMIN


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_the_security_admin_grants_no_administrator_role(world, role):
    """8.1.4.2 c: granting any administrator role is refused to the security administrator alone."""
    target = world.users["street"]
    with pytest.raises(PermissionDenied):
        services.account_assign_role(actor=world.users["secadmin"], user=target, role=role)
    target.refresh_from_db()
    assert target.role == Role.STREET


@pytest.mark.parametrize("who", ["auditor", "sysadmin"])
def test_the_security_admin_cannot_demote_the_auditor_or_the_sysadmin(client, login, world, who):
    """Probe: demote an auditor. The roles of the other administrators are out of its reach."""
    target = world.users[who]
    login(world.users["secadmin"])
    response = client.post(reverse("accounts:user_assign_role", args=[target.pk]), {"role": "city"})
    assert response.status_code in (200, 403)
    target.refresh_from_db()
    assert target.role == who
    assert not AuditLog.objects.filter(action=AuditAction.ACCOUNT, object_id=str(target.pk)).exists()


def test_two_person_procedure_for_an_administrator_role(client, login, world):
    """8.1.4.2 d: one proposes, an administrator of another kind approves; both audited."""
    sysadmin, secadmin, auditor = world.users["sysadmin"], world.users["secadmin"], world.users["auditor"]
    other_sysadmin = make_user("p_sysadmin2", "sysadmin")
    target = world.users["street"]
    proposal = proposals.admin_proposal_create(actor=secadmin, kind="role", target=target, role="auditor",
                                               reason="审计岗位补员")
    # Not the proposer, nor an administrator of the same kind.
    for who in (secadmin,):
        with pytest.raises(ServiceError):
            proposals.admin_proposal_decide(actor=who, proposal=proposal, approve=True)
    assert proposals.proposal_actions(make_user("p_secadmin2", "secadmin"), proposal) == []
    assert proposals.proposal_actions(other_sysadmin, proposal) == ["approve", "reject"]

    login(sysadmin)
    page = client.get(reverse("accounts:proposal_detail", args=[proposal.pk]))
    assert page.status_code == 200
    response = client.post(reverse("accounts:proposal_decide", args=[proposal.pk]), {"decision": "approve"})
    assert response.status_code == 302
    target.refresh_from_db()
    proposal.refresh_from_db()
    assert target.role == Role.AUDITOR and proposal.status == AdminProposal.Status.APPROVED
    assert proposal.decided_by == sysadmin
    rows = AuditLog.objects.filter(action=AuditAction.ACCOUNT, object_id=str(target.pk))
    assert rows.filter(actor=sysadmin, detail__contains="双人审批").exists()
    assert AuditLog.objects.filter(action=AuditAction.CREATE, actor=secadmin, object_type="accounts.adminproposal").exists()
    # Others (not administrators) see nothing of it.
    login(world.users["city"])
    assert client.get(reverse("accounts:proposal_detail", args=[proposal.pk])).status_code == 404
    assert auditor.role == Role.AUDITOR


def test_reset_then_log_in_as_fails(client, login, world):
    """Probe: reset-then-log-in-as. The sysadmin never sees the new password; it goes to the
    user's phone; with it the user must set a password before anything else (item 4)."""
    target = world.users["district"]
    User.objects.filter(pk=target.pk).update(phone="13900003333")
    login(world.users["sysadmin"])
    response = client.post(reverse("accounts:user_reset_password", args=[target.pk]))
    password = _sent_password("13900003333")
    assert password not in response.content.decode()
    assert "password" not in (response.context or {}) or not response.context.get("password")
    row = AuditLog.objects.filter(action=AuditAction.ACCOUNT, object_id=str(target.pk)).latest("seq")
    assert password not in row.detail + str(row.changes)

    client.post(reverse("accounts:logout"))
    client.post("/accounts/login/", {"username": target.username, "password": password})
    home = client.get(reverse("portal:home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:password_change"))
    token = APIClient().post("/api/v1/auth/token/", {"username": target.username, "password": password}, format="json")
    assert token.status_code == 403


def test_admin_account_command_is_audited(world):
    """Item 8: the server console is the other way; audited with the console operator."""
    call_command("admin_account", "create", "--username", "sec2", "--full-name", "安全员二", "--phone",
                 "13900004444", "--role", "secadmin")
    user = User.objects.get(username="sec2")
    assert user.role == Role.SECADMIN and user.must_change_password
    call_command("admin_account", "role", "--username", "sec2", "--role", "none")
    user.refresh_from_db()
    assert user.role == Role.NONE
    rows = AuditLog.objects.filter(action=AuditAction.ACCOUNT, object_id=str(user.pk))
    assert rows.count() == 2 and all(r.actor_username.startswith("console:") for r in rows)
