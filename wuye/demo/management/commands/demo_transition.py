"""``python manage.py demo_transition --scale small|city|megacity --seed N [--now ISO] [--if-empty]``.

Adds developers, handover cases, old compounds and their renovation, 准物业 contracts and the 回头看
to a database that already holds the demo city (``manage.py demo`` builds them itself; this is for
a city built before they existed, e.g. ``megacity``).
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.dateparse import parse_datetime

from wuye.core.audit import audit_record
from wuye.core.models import AuditAction
from wuye.demo.names import CITY_CODE, CITY_NAME
from wuye.demo.transition import STEPS, build_demo_transition
from wuye.territory.models import City


def _already_built() -> bool:
    """Any table a transition step writes already holds rows (the steps' modules name them)."""
    for _label, module, _name in STEPS:
        mod = __import__(module, fromlist=["MODELS"])
        for label in getattr(mod, "MODELS", ()):
            if apps.get_model(label).objects.exists():
                return True
    return False


class Command(BaseCommand):
    help = "为已有的演示城市生成建设单位、承接查验、老旧小区改造、准物业和“回头看”数据（同一种子生成相同数据）。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "city", "megacity"], default="small", help="规模")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子")
        parser.add_argument("--now", default="", help="基准时间（带时区的 ISO 格式，默认当前时间）")
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有这些数据时不做任何改动")

    def handle(self, *args, scale, seed, now, if_empty, **options):
        say = self.stdout.write
        city = City.objects.filter(code=CITY_CODE).first()
        if city is None:
            raise CommandError(f"数据库中没有演示城市“{CITY_NAME}”，请先执行 manage.py demo。")
        if _already_built():
            if if_empty:
                say("数据库中已有这些演示数据，跳过生成。")
                return
            raise CommandError("数据库中已有建设单位、承接查验或老旧小区改造数据，只能加入到没有这些数据的演示城市。")
        moment = None
        if now:
            moment = parse_datetime(now)
            if moment is None or moment.tzinfo is None:
                raise CommandError("--now 须为带时区的 ISO 时间，例如 2026-11-26T09:00:00+08:00")
        say(f"正在为“{CITY_NAME}”生成物业交接与老旧小区演示数据：规模 {scale}，种子 {seed}")
        with transaction.atomic():
            counts = build_demo_transition(scale=scale, seed=seed, now=moment, city_id=city.pk, say=say)
            audit_record(action=AuditAction.IMPORT, object_type="territory.city", object_id=city.pk,
                         object_repr=CITY_NAME, detail="演示物业交接与老旧小区数据已生成",
                         username="manage.py demo_transition", changes={"scale": scale, "seed": seed, "counts": counts})
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        say(self.style.SUCCESS(f"已生成 {sum(counts.values()):,} 行。"))
