"""Test and maintenance helpers that touch the database below the ORM."""

from contextlib import contextmanager

from django.db import connection



@contextmanager
def audit_triggers_disabled():
    """Only for tests of ``audit_verify``: lift the append-only triggers inside the current
    transaction, to play the part of an attacker with direct database access."""
    mod = __import__("wuye.core.migrations.0002_audit_append_only", fromlist=["x"])
    with connection.schema_editor(atomic=False) as editor:
        mod.backwards(None, editor)
    try:
        yield
    finally:
        with connection.schema_editor(atomic=False) as editor:
            mod.forwards(None, editor)
