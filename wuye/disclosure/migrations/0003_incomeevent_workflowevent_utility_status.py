"""IncomeEvent takes the shared timeline fields of ``core.workflow.WorkflowEvent`` (``at`` is
renamed ``created_at``, keeping every row; the text columns widen); a utility allocation's status
choices are its own three states. No data is dropped."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("disclosure", "0002_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="incomeevent", old_name="at", new_name="created_at"),
        migrations.AlterField(
            model_name="incomeevent", name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间"),
        ),
        migrations.AlterModelOptions(
            name="incomeevent",
            options={"ordering": ["created_at", "id"], "verbose_name": "公共收益流转记录",
                     "verbose_name_plural": "公共收益流转记录"},
        ),
        migrations.AlterField(
            model_name="incomeevent", name="action", field=models.CharField(max_length=30, verbose_name="动作"),
        ),
        migrations.AlterField(
            model_name="incomeevent", name="from_status",
            field=models.CharField(blank=True, max_length=20, verbose_name="原状态"),
        ),
        migrations.AlterField(
            model_name="incomeevent", name="to_status",
            field=models.CharField(blank=True, max_length=20, verbose_name="新状态"),
        ),
        migrations.AlterField(
            model_name="incomeevent", name="note", field=models.TextField(blank=True, verbose_name="说明"),
        ),
        migrations.AlterField(
            model_name="utilityallocation", name="status",
            field=models.CharField(choices=[("draft", "草稿"), ("published", "已公示"), ("withdrawn", "已撤回")],
                                   db_index=True, default="draft", max_length=12, verbose_name="状态"),
        ),
    ]
