from django.db import migrations


def seed(apps, schema_editor):
    from wuye.supervision.standards.seed import seed as seed_standard
    from wuye.supervision.surveys.seed import seed as seed_survey

    seed_standard(apps)
    seed_survey(apps)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
