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


_FLUSHED = {"pending": False}


def _restore_seed_data(django_db_blocker) -> None:
    """Put back the rows data migrations created (the complaint catalogue, escalation rules,
    inspection standard, survey, credit rules) if a transactional test's flush emptied them."""
    if not _FLUSHED["pending"]:
        return
    from wuye.cases.catalogue import seed
    from wuye.credit.catalogue import seed as seed_credit_rules
    from wuye.supervision.standards.seed import seed as seed_standard
    from wuye.supervision.surveys.seed import seed as seed_survey

    with django_db_blocker.unblock():
        seed()
        seed_standard()
        seed_survey()
        seed_credit_rules()
    _FLUSHED["pending"] = False


@pytest.fixture(scope="module", autouse=True)
def _seed_data_before_module(django_db_blocker):
    """A module-scoped fixture that builds data (a demo city) is set up before any function-scoped
    fixture of the module's first test; with tests spread over workers, that test may follow a
    transactional one on the same worker, so the seed rows are restored at the module's start too."""
    _restore_seed_data(django_db_blocker)
    yield


@pytest.fixture(autouse=True)
def _seed_data_after_flush(request, django_db_blocker):
    """A transactional (live-server) test ends with a flush that also empties the rows data
    migrations created (the complaint catalogue, escalation rules). The next test of this process
    puts them back before it starts (at that point the flush is certainly over)."""
    _restore_seed_data(django_db_blocker)
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback")))
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        _FLUSHED["pending"] = True
