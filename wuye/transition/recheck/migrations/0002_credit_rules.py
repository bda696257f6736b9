"""The two credit rules this app records (rules.md §9): a relapse found by a 回头看 (bad item) and a
涉黑涉恶 finding confirmed by the police (veto item, 一票否决)."""

from decimal import Decimal

from django.db import migrations

RULES = [
    dict(code="HK01", name="回头看发现整改问题反弹", klass="bad", subject="company", points=Decimal("3"),
         validity_days=365, recorder="system", auto_source="recheck_relapse",
         evidence_required="回头看复查记录及现场照片", basis="rules.md §10：复查（回头看）发现问题未保持整改"),
    dict(code="FJ03", name="涉黑涉恶经公安机关查实", klass="veto", subject="company", points=Decimal("0"),
         validity_days=None, recorder="system", auto_source="clue_confirmed",
         evidence_required="公安机关核查结论", basis="rules.md §9：一票否决；扫黑除恶专项斗争"),
]


def add_rules(apps, schema_editor):
    CreditRule = apps.get_model("credit", "CreditRule")
    for data in RULES:
        code = data["code"]
        CreditRule.objects.get_or_create(code=code, defaults={k: v for k, v in data.items() if k != "code"})


def remove_rules(apps, schema_editor):
    CreditRule = apps.get_model("credit", "CreditRule")
    CreditRule.objects.filter(code__in=[r["code"] for r in RULES], events__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("recheck", "0001_initial"),
        ("credit", "0003_credit_event_log_on_workflow_event"),
    ]

    operations = [migrations.RunPython(add_rules, remove_rules)]
