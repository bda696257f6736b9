"""Timelines on the workflow core (``core.workflow.WorkflowEvent``) and the motion's stored state.

- ``MotionEvent`` and ``ElectionEvent``: ``at`` is renamed ``created_at`` (data kept), ``from_status``
  and ``to_status`` are added (blank for the rows written before), ``action`` widens to 30 characters
  and ``note`` becomes a text field.
- ``Motion.status``: the state of the motion's machine, filled from the facts each row already
  holds (cancelled → cancelled; result written → closed; voting opened → voting; else notice).
"""

import django.utils.timezone
from django.db import migrations, models


def fill_motion_status(apps, schema_editor):
    Motion = apps.get_model("governance", "Motion")
    now = django.utils.timezone.now()
    Motion.objects.filter(cancelled_at__isnull=False).update(status="cancelled")
    Motion.objects.filter(cancelled_at__isnull=True, final_result__isnull=False).update(status="closed")
    Motion.objects.filter(cancelled_at__isnull=True, final_result__isnull=True,
                          voting_opens_at__lte=now).update(status="voting")


def event_fields(model_name):
    return [
        migrations.RenameField(model_name=model_name, old_name="at", new_name="created_at"),
        migrations.AlterField(model_name=model_name, name="created_at",
                              field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间")),
        migrations.AlterField(model_name=model_name, name="action",
                              field=models.CharField(max_length=30, verbose_name="动作")),
        migrations.AlterField(model_name=model_name, name="note",
                              field=models.TextField(blank=True, verbose_name="说明")),
        migrations.AddField(model_name=model_name, name="from_status",
                            field=models.CharField(blank=True, default="", max_length=20, verbose_name="原状态"),
                            preserve_default=False),
        migrations.AddField(model_name=model_name, name="to_status",
                            field=models.CharField(blank=True, default="", max_length=20, verbose_name="新状态"),
                            preserve_default=False),
    ]


class Migration(migrations.Migration):

    dependencies = [
        ("governance", "0001_initial"),
    ]

    operations = [
        *event_fields("motionevent"),
        migrations.AlterModelOptions(name="motionevent", options={
            "ordering": ["created_at", "id"], "verbose_name": "表决记录", "verbose_name_plural": "表决记录"}),
        *event_fields("electionevent"),
        migrations.AlterModelOptions(name="electionevent", options={
            "ordering": ["created_at", "id"], "verbose_name": "选举记录", "verbose_name_plural": "选举记录"}),
        migrations.AddField(
            model_name="motion",
            name="status",
            field=models.CharField(choices=[("notice", "公告中"), ("voting", "投票中"), ("closed", "已结束"),
                                            ("cancelled", "已取消")],
                                   db_index=True, default="notice", max_length=10, verbose_name="状态"),
        ),
        migrations.RunPython(fill_motion_status, migrations.RunPython.noop),
    ]
