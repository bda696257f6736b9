"""PostgreSQL connection options (settings.DATABASES): statements repeated on a connection are
prepared once, but every execution is planned for its own values, so that the partial indexes of
open complaints serve them (a generic plan cannot use them)."""

import pytest
from django.conf import settings
from django.db import connection

from wuye.cases.models import OPEN_STATUSES, Complaint

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements of PostgreSQL"),
]


def test_repeated_statements_are_prepared_and_planned_for_their_values():
    if not settings.DATABASES["default"]["OPTIONS"].get("server_side_binding"):
        pytest.skip("WUYE_PG_PREPARE=0: parameters bound by the client, nothing prepared")
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_custom_plan"
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    marker = "prepared-statement-probe"
    for _ in range(8):
        list(Complaint.objects.filter(status__in=sorted(OPEN_STATUSES), description=marker).values_list("id"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s AND statement LIKE %s",
            ['%"cases_complaint"%', '%"description" = $%'],
        )
        rows = cursor.fetchall()
    assert rows, "the repeated statement was not prepared"
    generic, custom = rows[0]
    assert generic == 0
    assert custom >= 6
