from django.db import migrations


def seed(apps, schema_editor):
    from wuye.cases.catalogue import seed as seed_catalogue

    seed_catalogue(apps)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
