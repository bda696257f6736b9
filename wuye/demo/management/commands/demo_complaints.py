"""``python manage.py demo_complaints --scale small|city|megacity --seed N [--if-empty]``.

Adds the year of demo complaints to a database that already holds the demo city without them
(for example a ``megacity`` database built before complaints existed). ``manage.py demo`` builds
them itself; this command is for adding them afterwards.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.dateparse import parse_datetime

from wuye.cases.models import Complaint
from wuye.core.audit import audit_record
from wuye.core.models import AuditAction
from wuye.demo.complaints import SCALE_COMPLAINTS, build_demo_complaints
from wuye.demo.names import CITY_CODE, CITY_NAME
from wuye.territory.models import City


class Command(BaseCommand):
    help = "为已有的演示城市生成一年的诉求数据（同一种子、同一基准时间生成相同数据）。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALE_COMPLAINTS), default="small",
                            help="规模：small 约 2,000 件、city 约 20 万件、megacity 约 300 万件")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子")
        parser.add_argument("--now", default="", help="基准时间（ISO 格式，默认当前时间）：生成此前 12 个月的诉求")
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有诉求时不做任何改动")

    def handle(self, *args, scale, seed, now, if_empty, **options):
        say = self.stdout.write
        city = City.objects.filter(code=CITY_CODE).first()
        if city is None:
            raise CommandError(f"数据库中没有演示城市“{CITY_NAME}”，请先执行 manage.py demo。")
        if Complaint.objects.exists():
            if if_empty:
                say("数据库中已有诉求数据，跳过生成。")
                return
            raise CommandError("数据库中已有诉求数据。演示诉求只能加入没有诉求的数据库。")
        moment = None
        if now:
            moment = parse_datetime(now)
            if moment is None or moment.tzinfo is None:
                raise CommandError("--now 须为带时区的 ISO 时间，例如 2026-11-26T09:00:00+08:00")
        say(f"正在为“{CITY_NAME}”生成演示诉求：规模 {scale}（约 {SCALE_COMPLAINTS[scale]:,} 件），种子 {seed}")
        with transaction.atomic():
            result = build_demo_complaints(scale=scale, seed=seed, now=moment, city_id=city.pk, say=say)
            audit_record(
                action=AuditAction.IMPORT, object_type="territory.city", object_id=city.pk, object_repr=CITY_NAME,
                detail="演示诉求数据已生成", username="manage.py demo_complaints",
                changes={"scale": scale, "seed": seed, "complaints": result.complaints, "tasks": result.tasks,
                         "events": result.events, "complaints_until": result.now.isoformat()},
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in ("cases_complaint", "cases_task", "cases_event", "cases_request", "cases_unitmonthstat"):
                    cursor.execute(f"ANALYZE {table}")
        self.stdout.write(self.style.SUCCESS(
            f"演示诉求已生成：{result.complaints:,} 件，用时 {result.seconds:.1f} 秒。"))
