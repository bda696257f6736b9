"""``python manage.py demo --scale small|city|megacity --seed N [--if-empty]``."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from wuye.accounts.models import User
from wuye.cases.models import Complaint
from wuye.demo.generator import SCALES, build_demo_city
from wuye.demo.logins import DEMO_LOGINS, print_logins
from wuye.demo.names import CITY_CODE, CITY_NAME
from wuye.disclosure.models import FeeNotice
from wuye.supervision.models import Inspection
from wuye.territory.models import City


class Command(BaseCommand):
    help = "生成确定性的演示城市数据（同一种子生成相同数据）并创建演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="small",
                            help="规模：small（测试用，数秒）、city（make run 用）、megacity（PostgreSQL 压测用）")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子；相同种子生成完全相同的数据")
        parser.add_argument("--if-empty", action="store_true",
                            help="数据库中已有城市时不做任何改动，只列出演示账号")

    def handle(self, *args, scale, seed, if_empty, **options):
        say = self.stdout.write
        if if_empty and City.objects.exists():
            say(f"数据库中已有城市数据，跳过生成演示城市（{City.objects.order_by('pk').first().name}）。")
            if City.objects.filter(code=CITY_CODE).exists() and not Complaint.objects.exists():
                # A demo city built before complaints existed: add its year of complaints.
                call_command("demo_complaints", scale=scale, seed=seed, stdout=self.stdout)
            if City.objects.filter(code=CITY_CODE).exists() and not Inspection.objects.exists():
                # A demo city built before supervision existed: add its year of inspections and credit.
                call_command("demo_supervision", scale=scale, seed=seed, stdout=self.stdout)
            if City.objects.filter(code=CITY_CODE).exists() and not FeeNotice.objects.exists():
                # A demo city built before disclosures existed: add them, the votes and the articles.
                call_command("demo_transparency", scale=scale, seed=seed, stdout=self.stdout)
            print_logins(say)
            return
        if City.objects.filter(code=CITY_CODE).exists():
            raise CommandError(
                f"数据库中已有演示城市“{CITY_NAME}”。如需重新生成，请先清空数据库"
                "（删除 db.sqlite3 后执行 migrate），或加上 --if-empty 跳过。"
            )
        taken = sorted(User.objects.filter(username__in=list(DEMO_LOGINS)).values_list("username", flat=True))
        if taken:
            raise CommandError("以下演示账号的用户名已被占用：" + "、".join(taken) + "。请在空数据库中生成演示城市。")
        s = SCALES[scale]
        say(f"正在生成演示城市“{CITY_NAME}”：规模 {scale}（约 {s.estates:,} 个小区、{s.units:,} 套房屋），种子 {seed}")
        result = build_demo_city(scale=scale, seed=seed, say=say, transition=True)
        say(self.style.SUCCESS(f"演示城市已生成，用时 {result.seconds:.1f} 秒。"))
        print_logins(say)
