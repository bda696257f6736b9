from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_calendarday"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeniedTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("ip", models.GenericIPAddressField(blank=True, null=True, verbose_name="IP 地址")),
                ("minute", models.DateTimeField(verbose_name="分钟")),
                ("count", models.PositiveIntegerField(default=1, verbose_name="次数")),
            ],
            options={
                "verbose_name": "匿名拒绝计数",
                "verbose_name_plural": "匿名拒绝计数",
                "constraints": [models.UniqueConstraint(fields=("ip", "minute"), name="core_deniedtally_ip_minute")],
            },
        ),
    ]
