"""``python manage.py demo_disable_logins``: deactivate the demo logins before going to
production (``check --deploy`` refuses while any of them is active)."""

import getpass

from django.core.management.base import BaseCommand

from wuye.accounts.services import demo_logins_disable


class Command(BaseCommand):
    help = "停用全部演示账号（生产部署前执行；check --deploy 在演示账号启用时不通过）。"

    def handle(self, *args, **options):
        try:
            operator = getpass.getuser()
        except Exception:  # no login name in some containers
            operator = "console"
        done = demo_logins_disable(console_user=f"console:{operator}")
        if done:
            self.stdout.write(self.style.SUCCESS("已停用演示账号：" + "、".join(done)))
        else:
            self.stdout.write("没有处于启用状态的演示账号。")
