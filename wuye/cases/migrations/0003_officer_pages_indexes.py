"""Indexes for the officers' pages: the unit's queue, the dispatcher's list sorted by status or
deadline, and (PostgreSQL only) the GIN index that serves keyword search (search.filter_keywords)."""

from django.db import migrations, models

GIN_INDEX = "cases_compl_search_gin"
OPEN = [
    "accepted", "dispatched", "evaluated", "in_progress", "replied", "reply_review", "return_review", "signed",
    "submitted",
]


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite searches with LIKE over the space-padded tokens
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON cases_complaint "
        "USING gin (to_tsvector('simple'::regconfig, search_tokens))"
    )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0002_seed_catalogue"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["status", "created_at"], name="cases_compl_status_created"),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)),
                fields=["district", "resolve_due"],
                name="cases_compl_district_open_due",
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("status__in", OPEN)), fields=["resolve_due"], name="cases_compl_open_due",
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=models.Q(("state__in", ["pending", "signed"])),
                fields=["unit_kind", "unit_id", "-urgency", "due"],
                name="cases_task_open_queue",
            ),
        ),
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
