"""Day deadlines end at 23:59:59.999999 (core.calendar END_OF_DAY; 民法典 第二百零三条第二款: a
period ends at 24:00 of its last day). Stored deadlines written as 23:59:59.000000 Beijing time
move to 23:59:59.999999, so an action in their last second is on time; any other instant (an
hour period's end) is left as it is. Reversible."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db import migrations
from django.db.models import F
from django.db.models.functions import ExtractHour, ExtractMinute, ExtractSecond

SH = ZoneInfo("Asia/Shanghai")
COLUMNS = {"Complaint": ("accept_due", "sign_due", "contact_due", "resolve_due"), "Task": ("sign_due", "contact_due", "due")}
LAST = 999999
CHUNK = 1000


def _move(apps, *, from_us: int, to_us: int) -> None:
    delta = timedelta(microseconds=to_us - from_us)
    for model_name, columns in COLUMNS.items():
        model = apps.get_model("cases", model_name)
        for col in columns:
            rows = (
                model.objects.annotate(_h=ExtractHour(col, tzinfo=SH), _m=ExtractMinute(col, tzinfo=SH),
                                       _s=ExtractSecond(col, tzinfo=SH))
                .filter(_h=23, _m=59, _s=59).values_list("pk", col)
            )
            pks = [pk for pk, value in rows.iterator(chunk_size=5000) if value.microsecond == from_us]
            for i in range(0, len(pks), CHUNK):
                model.objects.filter(pk__in=pks[i:i + CHUNK]).update(**{col: F(col) + delta})


def forwards(apps, schema_editor):
    _move(apps, from_us=0, to_us=LAST)


def backwards(apps, schema_editor):
    _move(apps, from_us=LAST, to_us=0)


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_list_filter_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
