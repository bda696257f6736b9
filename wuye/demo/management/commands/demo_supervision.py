"""``python manage.py demo_supervision --scale small|city|megacity --seed N [--now ISO] [--if-empty]``.

Adds a year of supervision and credit (inspections, rectification orders, surveys, star ratings,
credit events, benchmarks, exit cases) to a database that already holds the demo city.
``manage.py demo`` builds them itself; this command is for adding them afterwards (for example to
a ``megacity`` database built before supervision existed).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.dateparse import parse_datetime

from wuye.core.audit import audit_record
from wuye.core.models import AuditAction
from wuye.demo.names import CITY_CODE, CITY_NAME
from wuye.demo.supervision import PARAMS, build_demo_supervision
from wuye.supervision.models import Inspection
from wuye.territory.models import City

ANALYZED = ("supervision_inspection", "supervision_inspectionscore", "supervision_rectificationorder",
            "supervision_starrating", "supervision_surveyanswer", "credit_creditevent", "credit_crediteventlog",
            "credit_companycredit")


class Command(BaseCommand):
    help = "为已有的演示城市生成一年的监督检查、星级评定和企业信用数据（同一种子、同一基准时间生成相同数据）。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(PARAMS), default="small",
                            help="规模：small（测试用）、city（make run 用）、megacity（PostgreSQL 压测用，约 10 万条信用信息）")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子")
        parser.add_argument("--now", default="", help="基准时间（ISO 格式，默认当前时间）：生成此前 12 个月的数据")
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有检查记录时不做任何改动")

    def handle(self, *args, scale, seed, now, if_empty, **options):
        say = self.stdout.write
        city = City.objects.filter(code=CITY_CODE).first()
        if city is None:
            raise CommandError(f"数据库中没有演示城市“{CITY_NAME}”，请先执行 manage.py demo。")
        if Inspection.objects.exists():
            if if_empty:
                say("数据库中已有监督检查数据，跳过生成。")
                return
            raise CommandError("数据库中已有监督检查数据。演示监督数据只能加入没有检查记录的数据库。")
        moment = None
        if now:
            moment = parse_datetime(now)
            if moment is None or moment.tzinfo is None:
                raise CommandError("--now 须为带时区的 ISO 时间，例如 2026-11-26T09:00:00+08:00")
        say(f"正在为“{CITY_NAME}”生成演示监督检查与信用数据：规模 {scale}，种子 {seed}")
        with transaction.atomic():
            result = build_demo_supervision(scale=scale, seed=seed, now=moment, city_id=city.pk, say=say)
            audit_record(
                action=AuditAction.IMPORT, object_type="territory.city", object_id=city.pk, object_repr=CITY_NAME,
                detail="演示监督检查与信用数据已生成", username="manage.py demo_supervision",
                changes={"scale": scale, "seed": seed, "counts": result.counts, "grades": result.grades,
                         "until": result.now.isoformat()},
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in ANALYZED:
                    cursor.execute(f"ANALYZE {table}")
        self.stdout.write(self.style.SUCCESS(
            f"演示监督检查与信用数据已生成：检查 {result.counts.get('inspection', 0):,} 次，"
            f"信用信息 {result.counts.get('creditevent', 0):,} 条，用时 {result.seconds:.1f} 秒。"))
