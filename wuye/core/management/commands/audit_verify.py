"""``python manage.py audit_verify``: walk the whole audit chain; exit non-zero on any problem."""

from django.core.management.base import BaseCommand, CommandError

from wuye.core.audit import audit_verify_chain
from wuye.core.models import AuditChainHead, AuditLog


class Command(BaseCommand):
    help = "校验审计日志哈希链：发现被修改或删除的记录时以非零状态退出。"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="最多列出多少处问题（默认 100）")

    def handle(self, *args, limit: int, **options):
        total = AuditLog.objects.count()
        head = AuditChainHead.objects.filter(id=1).first()
        self.stdout.write(f"审计日志共 {total} 条，链尾序号 {head.seq if head else 0}，正在逐条校验……")
        problems = audit_verify_chain()
        if not problems:
            self.stdout.write(self.style.SUCCESS(f"校验通过：全部 {total} 条记录内容与哈希一致，链接完整，未发现修改或删除。"))
            return
        for p in problems[:limit]:
            self.stdout.write(self.style.ERROR(f"  序号 {p.seq}：{p.problem}"))
        if len(problems) > limit:
            self.stdout.write(f"  ……另有 {len(problems) - limit} 处问题未列出")
        raise CommandError(f"校验失败：发现 {len(problems)} 处问题，审计日志可能被篡改，请立即报告安全管理员。")
