"""``python manage.py restore DIR [--force]``: restore a backup into the (empty) database named by
``DATABASE_URL`` and check it against the backup's manifest — ``wuye.core.backup``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wuye.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "把备份恢复到 DATABASE_URL 指定的空数据库，并按清单核对各表行数和审计链尾。"

    def add_arguments(self, parser):
        parser.add_argument("source", help="备份目录（manage.py backup 写入的目录）")
        parser.add_argument("--force", action="store_true", help="目标数据库已有数据表时仍然恢复（覆盖）")

    def handle(self, *args, source: str, force: bool, **options):
        try:
            result = restore(Path(source), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if result.mismatches:
            for m in result.mismatches:
                self.stdout.write(self.style.ERROR(f"  {m}"))
            raise CommandError(f"恢复后与备份清单不一致（{len(result.mismatches)} 处），请检查。")
        rows = sum(result.counts.values())
        self.stdout.write(self.style.SUCCESS(
            f"恢复完成：{len(result.counts)} 张表共 {rows:,} 行，与清单一致；审计链尾序号 {result.head['seq']}。"
            "请再执行 manage.py audit_verify 校验审计链。"))
