"""The retention settings row with its defaults, so that the first GET of the settings page (or the
first sweep) reads it instead of creating it (a GET never writes)."""

from django.db import migrations


def create(apps, schema_editor):
    apps.get_model("privacy", "RetentionSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
