"""Keyword search finds a word wherever it stands in a text (``wuye/cases/search.py``): the search
tokens of every complaint and every portal article are computed again under that rule.

Before, a text held only the words of one jieba segmentation, which depends on the characters
around a word: "4单元楼道灯坏了" was cut 单元楼 / 道 / 灯坏, so a search for 楼道灯 missed it.

Rows are rewritten in batches of 2,000, each batch committed on its own (the migration is not
atomic), so a very large table does not hold one long transaction; running it again is harmless.
"""

from django.db import migrations

BATCH = 2_000


def _rewrite(model, connection, fields, make):
    db = connection.alias
    table = connection.ops.quote_name(model._meta.db_table)
    last = 0
    while True:
        rows = list(model.objects.using(db).filter(pk__gt=last).order_by("pk").values_list("pk", *fields)[:BATCH])
        if not rows:
            return
        pairs = [(row[0], make(*row[1:])) for row in rows]
        if connection.vendor == "postgresql":
            # One statement per batch (bulk_update's CASE over 500 ids is several times slower).
            with connection.cursor() as cur:
                cur.execute(
                    f"UPDATE {table} AS t SET search_tokens = v.tokens "
                    f"FROM (VALUES {', '.join(['(%s::bigint, %s::text)'] * len(pairs))}) AS v(id, tokens) "
                    "WHERE t.id = v.id AND t.search_tokens IS DISTINCT FROM v.tokens",
                    [x for pair in pairs for x in pair])
        else:
            objs = [model(pk=pk, search_tokens=tokens) for pk, tokens in pairs]
            model.objects.using(db).bulk_update(objs, ["search_tokens"], batch_size=500)
        last = rows[-1][0]


def retokenise(apps, schema_editor):
    from wuye.cases.search import tokens_for
    from wuye.portal.sanitise import plain_text

    connection = schema_editor.connection
    _rewrite(apps.get_model("cases", "Complaint"), connection, ("title", "description"),
             lambda title, description: tokens_for(title or "", description))
    _rewrite(apps.get_model("portal", "Article"), connection, ("title", "summary", "body"),
             lambda title, summary, body: tokens_for(title, summary, plain_text(body)))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0006_search_date_index"),
        ("portal", "0001_initial"),
    ]

    operations = [migrations.RunPython(retokenise, migrations.RunPython.noop, elidable=False)]
