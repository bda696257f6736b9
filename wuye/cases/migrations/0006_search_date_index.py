"""Keyword search (PostgreSQL only): the GIN index holds the complaint's date beside its search
tokens, so that a search limited to the last day or week reads only that period's matches.

The complaint list sorts a search newest first and cuts it in the last day, then the last week,
before all complaints (``wuye.core.listing.RecentFirstPaginator``). With the tokens alone, the
index gives every match of a common word (tens of thousands), which PostgreSQL must then read to
keep the recent ones; with the date in the same GIN index it gives only the recent matches.

A date inside a GIN index needs the ``btree_gin`` extension (shipped with PostgreSQL's contrib
modules, and trusted since PostgreSQL 13: the database's owner may create it).
"""

from django.db import migrations

OLD_INDEX = "cases_compl_search_gin"
NEW_INDEX = "cases_compl_search_date_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite searches with LIKE over the space-padded tokens
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NEW_INDEX} ON cases_complaint "
        "USING gin (to_tsvector('simple'::regconfig, search_tokens), created_at)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON cases_complaint "
        "USING gin (to_tsvector('simple'::regconfig, search_tokens))"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {NEW_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0005_supervised_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
