"""The credit catalogue's item for an overdue handover filing (BA01, wuye/credit/catalogue.py):
``seed`` creates only the rules still missing, so an edited catalogue is never undone."""

from django.db import migrations


def seed(apps, schema_editor):
    from wuye.credit.catalogue import seed as seed_rules

    seed_rules(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("handover", "0001_initial"),
        ("credit", "0003_credit_event_log_on_workflow_event"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
