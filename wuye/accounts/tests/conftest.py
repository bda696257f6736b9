import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The per-username back-off (accounts.lockout) and the rate limits live in the cache: each test
    starts and ends with an empty one."""
    cache.clear()
    yield
    cache.clear()
