import os

import pytest
from django.utils import translation
from hypothesis import HealthCheck, is_hypothesis_test, settings

from wuye.core.db import audit_triggers_lifted, audit_triggers_set

# ---- Hypothesis profiles (issue 12 item 17) ---------------------------------------------------------
# ``ci``: a fixed seed per test (derandomize), so that CI cannot fail by chance; loaded when ``CI``
# is set and by ``make test`` (``--hypothesis-profile=ci``). ``fuzz``: many more examples, on demand
# (``make fuzz``); a test that names its own ``max_examples`` gets FUZZ_FACTOR times as many.
# ``HYPOTHESIS_PROFILE`` (or ``--hypothesis-profile``) picks any of them.
FUZZ_FACTOR = 20
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=100 * FUZZ_FACTOR, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))


def pytest_collection_modifyitems(config, items):
    """Under the ``fuzz`` profile, scale the examples of tests that name their own ``max_examples``
    (an explicit ``@settings`` value would otherwise win over the profile)."""
    if settings.get_current_profile_name() != "fuzz":
        return
    for item in items:
        test = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
        if test is None or not is_hypothesis_test(test) or getattr(test, "_wuye_fuzzed", False):
            continue
        own = test._hypothesis_internal_use_settings
        test._hypothesis_internal_use_settings = settings(own, max_examples=max(own.max_examples * FUZZ_FACTOR,
                                                                                settings.default.max_examples))
        test._wuye_fuzzed = True


# ---- tests that commit ------------------------------------------------------------------------------
# A test on ``transactional_db`` or the live server commits, and ends with a flush of every table.
# The flush needs the audit log's append-only triggers lifted, and it would take with it the rows
# the data migrations seeded (credit rules, categories, the working-day calendar…), leaving the
# tests after it on the same worker without them. So each worker keeps the database's content from
# before its first test, and after every committing test (all its fixtures torn down, the flush
# among them, whichever fixture asked for it first) empties the tables again and loads that back.

_SEEDED = pytest.StashKey[str]()


def _commits(item) -> bool:
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.fixture(scope="session", autouse=True)
def _seeded_rows(request, django_db_blocker):
    """What the database holds before any test runs: taken once per worker, when a test commits."""
    if any(_commits(item) for item in request.session.items):
        from django.db import connection

        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            request.config.stash[_SEEDED] = connection.creation.serialize_db_to_string()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    seeded = item.config.stash.get(_SEEDED, None) if _commits(item) else None
    if seeded is None:
        return (yield)
    from django.apps import apps
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    blocker = item.config.stash[blocking_manager_key]
    with blocker.unblock():
        audit_triggers_set(installed=False)  # for the flush
    try:
        return (yield)
    finally:
        if nextitem is not None:
            with blocker.unblock():
                # the flush let post_migrate add content types and permissions under new keys:
                # empty the tables again without it, load what was there, and (as loaddata does)
                # move each table's id sequence past the rows loaded
                call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
                connection.creation.deserialize_db_from_string(seeded)
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                        cursor.execute(sql)
                audit_triggers_set(installed=True)


@pytest.fixture(autouse=True)
def _audit_triggers_in_place(request, django_db_blocker):
    """A live-server test lifts the audit table's append-only triggers so that Django can empty
    the database after it; put them back before any later test of this process runs."""
    if audit_triggers_lifted():
        with django_db_blocker.unblock():
            audit_triggers_set(installed=True)
    yield


@pytest.fixture(autouse=True)
def _fresh_campaign_rows():
    """The campaign board keeps computed rows and indicator values in the cache under generations
    that campaign writes bump; rows written in bulk or rolled back between tests do not, so each
    test starts from new generations (ids are reused after a rollback)."""
    from wuye.campaign import rowcache

    rowcache.bump()
    rowcache.bump(rowcache.INDICATOR_GENERATION_KEY)


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
