from django.db import migrations


def seed(apps, schema_editor):
    from wuye.credit.catalogue import seed as seed_rules

    seed_rules(apps)


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
