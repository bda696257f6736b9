from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_denied_tally"),
    ]

    operations = [
        migrations.CreateModel(
            name="StagedUpload",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(db_index=True, max_length=32, verbose_name="暂存标识")),
                ("purpose", models.CharField(max_length=40, verbose_name="用途")),
                ("file", models.FileField(upload_to="staged/%Y/%m/%d/", verbose_name="图片")),
                ("content_type", models.CharField(max_length=40, verbose_name="类型")),
                ("size", models.PositiveIntegerField(verbose_name="大小")),
                ("width", models.PositiveIntegerField(default=0)),
                ("height", models.PositiveIntegerField(default=0)),
                ("created_at", models.DateTimeField(db_index=True, verbose_name="暂存时间")),
            ],
            options={
                "verbose_name": "暂存上传",
                "verbose_name_plural": "暂存上传",
                "ordering": ["id"],
            },
        ),
    ]
