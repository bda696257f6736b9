import pytest
from django.utils import translation

from wuye.core.db import audit_triggers_lifted, audit_triggers_set


@pytest.fixture(autouse=True)
def _audit_triggers_in_place(request, django_db_blocker):
    """A live-server test lifts the audit table's append-only triggers so that Django can empty
    the database after it; put them back before any later test of this process runs."""
    if audit_triggers_lifted():
        with django_db_blocker.unblock():
            audit_triggers_set(installed=True)
    yield


@pytest.fixture(autouse=True)
def _platform_language():
    """A request in English leaves English active in the test's thread (LocaleMiddleware does not
    undo it): every test starts and ends in the platform language."""
    translation.deactivate()
    yield
    translation.deactivate()
