"""Fixtures of the notifications tests: an empty cache and SMS outbox for every test, SMS sent
through the in-memory backend, and a backend that always fails."""

import pytest
from django.core.cache import cache
from huey.contrib.djhuey import HUEY

from wuye.notifications import sms


class FailingBackend(sms.BaseBackend):
    def send(self, phone: str, body: str) -> None:
        raise ConnectionError("短信网关无响应")


@pytest.fixture(autouse=True)
def _clean_cache_and_sms(settings):
    settings.WUYE_SMS_BACKEND = "wuye.notifications.sms.MemoryBackend"
    cache.clear()
    sms.outbox.clear()
    yield
    cache.clear()
    sms.outbox.clear()


@pytest.fixture
def failing_sms(settings):
    settings.WUYE_SMS_BACKEND = "wuye.notifications.tests.conftest.FailingBackend"


@pytest.fixture
def immediate_huey():
    """Huey's immediate mode (in-memory storage): an enqueued task runs at once."""

    previous = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = previous
