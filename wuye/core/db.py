"""Test and maintenance helpers that touch the database below the ORM."""

from contextlib import contextmanager
from importlib import import_module

from django.db import connection


def _append_only_sql():
    mod = import_module("wuye.core.migrations.0002_audit_append_only")
    if connection.vendor == "sqlite":
        return mod.SQLITE, mod.SQLITE_REVERSE
    return mod.POSTGRES, mod.POSTGRES_REVERSE


@contextmanager
def audit_triggers_disabled():
    """Only for tests of ``audit_verify``: lift the append-only triggers inside the current
    transaction, to play the part of an attacker with direct database access.

    The statements run on a plain cursor (not a schema editor) so that this also works inside
    the transaction that wraps each test on SQLite."""
    create, drop = _append_only_sql()
    with connection.cursor() as cursor:
        for sql in drop:
            cursor.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in create:
                cursor.execute(sql)


_lifted = {"value": False}


def audit_triggers_lifted() -> bool:
    return _lifted["value"]


def audit_triggers_set(*, installed: bool) -> None:
    """Drop the append-only triggers, and with ``installed`` create them again. Used by live-server
    tests, whose teardown empties every table: the triggers are lifted for that flush and put back
    before the next test of the process."""
    _lifted["value"] = not installed
    create, drop = _append_only_sql()
    with connection.cursor() as cursor:
        for sql in drop:
            cursor.execute(sql)
        if installed:
            for sql in create:
                cursor.execute(sql)
