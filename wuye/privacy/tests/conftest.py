"""Fixtures of the privacy tests: the complaint world and clock of the cases tests (their real
services), and a media folder of the test's own."""

from __future__ import annotations

import pytest

from wuye.cases.tests.conftest import _fresh_calendar, cworld  # noqa: F401  (fixtures)
from wuye.cases.tests.metrics_support import clock_fixture  # noqa: F401  (the "clock" fixture)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
