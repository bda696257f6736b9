"""``python manage.py backup --output DIR``: a consistent backup of the database and the media,
with a manifest (row counts, the audit chain's head) — ``wuye.core.backup``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wuye.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL 用 pg_dump 自定义格式，SQLite 用在线备份接口）和上传文件，并写入清单（各表行数、审计链尾）。"

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="备份写入的新目录（须不存在或为空）")

    def handle(self, *args, output: str, **options):
        try:
            manifest = backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(
            f"备份完成：{output}（{manifest['vendor']}，{len(manifest['tables'])} 张表共 {rows:,} 行，"
            f"上传文件 {manifest['media_files']:,} 个，审计链尾序号 {manifest['audit_head']['seq']}）"))
