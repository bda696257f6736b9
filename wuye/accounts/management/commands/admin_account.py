"""``python manage.py admin_account``: administrator accounts changed at the server console, the
one way besides the two-person procedure of the web pages (三员分立; issue 13 item 8). Every change
is audited with the operating system user who ran it. A temporary password is never printed: it
goes to the account holder's phone or e-mail (in the demo, to the SMS log).

    manage.py admin_account create --username u --full-name 张三 --phone 13800000000 --role secadmin
    manage.py admin_account role --username u --role auditor        (or --role none)
    manage.py admin_account reset-password --username u
    manage.py admin_account deactivate --username u
    manage.py admin_account reactivate --username u
"""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wuye.accounts import services
from wuye.accounts.models import ADMIN_ROLES, ROLE_BINDING, Role
from wuye.accounts.selectors import account_by_username


class Command(BaseCommand):
    help = "在服务器控制台新建管理员账号、变更管理员角色、停用/启用管理员账号或重置其密码（记入审计日志）。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "role", "reset-password", "deactivate", "reactivate"])
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", default="")
        parser.add_argument("--phone", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--role", default="")

    def handle(self, *args, action, username, full_name, phone, email, role, **options):
        try:
            operator = getpass.getuser()
        except Exception:  # no login name in some containers
            operator = "console"
        console = f"console:{operator}"
        try:
            self._run(action, username, full_name, phone, email, role, console)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None

    def _run(self, action, username, full_name, phone, email, role, console):
        if action == "create":
            if role not in ADMIN_ROLES:
                raise CommandError("--role 须为 sysadmin、secadmin 或 auditor")
            user, sent_to = services.account_insert(actor=None, username=username, full_name=full_name, phone=phone,
                                                     email=email, role=role, console_user=console,
                                                     detail="服务器控制台新建管理员账号")
            self.stdout.write(self.style.SUCCESS(f"已新建 {user.username}（{user.get_role_display()}），临时密码已发送至 {sent_to}"))
            return
        user = account_by_username(username)
        if user is None:
            raise CommandError(f"没有账号 {username}")
        if action == "role":
            if role not in Role.values or ROLE_BINDING.get(role):
                raise CommandError("--role 须为 sysadmin、secadmin、auditor 或 none")
            if role not in ADMIN_ROLES and user.role not in ADMIN_ROLES:
                raise CommandError("非管理员账号的角色由安全管理员在网页上分配")
            services.account_role_set(actor=None, user=user, role=role, username=console, detail="服务器控制台变更管理员角色")
            services.api_tokens_revoke_all(user=user, reason="变更管理员角色")
            self.stdout.write(self.style.SUCCESS(f"{user.username} 的角色已改为 {Role(role).label}"))
        elif action == "reset-password":
            sent_to = services.account_reset_password(actor=None, user=user, console_user=console, check=False)
            self.stdout.write(self.style.SUCCESS(f"已重置 {user.username} 的密码，临时密码已发送至 {sent_to}"))
        else:
            active = action == "reactivate"
            services.account_active_set(actor=None, user=user, action=None, active=active, check=False, console_user=console,
                                 unchanged="该账号已处于该状态。",
                                 detail=f"服务器控制台{'启用' if active else '停用'}账号")
            self.stdout.write(self.style.SUCCESS(f"已{'启用' if active else '停用'} {user.username}"))
