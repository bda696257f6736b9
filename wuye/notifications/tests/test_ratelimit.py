"""wuye.core.ratelimit: fixed windows in the shared cache, atomic across processes."""

import multiprocessing

import pytest
from django.core.cache import caches

from wuye.core import ratelimit
from wuye.core.errors import ServiceError
from wuye.core.ratelimit import RateLimited, check_rate, enforce_rate, rate_reset


class FakeTime:
    def __init__(self, monkeypatch, start=1_750_000_000.0):
        self.now = start
        monkeypatch.setattr(ratelimit.time, "time", lambda: self.now)


@pytest.fixture
def fake_time(monkeypatch):
    return FakeTime(monkeypatch, start=3600 * 500_000 + 10.0)  # 10 s into an hour's window


def test_allows_up_to_the_limit_then_refuses(fake_time):
    assert [check_rate("login:1.2.3.4", limit=3, period_seconds=60) for _i in range(5)] == [True] * 3 + [False] * 2


def test_keys_and_periods_count_apart(fake_time):
    assert check_rate("a", limit=1, period_seconds=60)
    assert not check_rate("a", limit=1, period_seconds=60)
    assert check_rate("b", limit=1, period_seconds=60)
    assert check_rate("a", limit=1, period_seconds=3600)  # another window length is another counter
    assert check_rate("短信:13812345678 和空格", limit=1, period_seconds=60)  # any text is a valid key


def test_a_new_window_starts_over(fake_time):
    for _i in range(2):
        check_rate("k", limit=2, period_seconds=60)
    assert not check_rate("k", limit=2, period_seconds=60)
    fake_time.now += 50  # 10 s into the window + 50 s = the next window
    assert check_rate("k", limit=2, period_seconds=60)


def test_enforce_rate_raises_with_retry_after_and_chinese_message(fake_time):
    enforce_rate("x", limit=1, period_seconds=60)
    with pytest.raises(RateLimited) as exc:
        enforce_rate("x", limit=1, period_seconds=60)
    assert exc.value.retry_after == 50
    assert str(exc.value.message) == "操作过于频繁，请 50 秒后再试"
    assert isinstance(exc.value, ServiceError)  # views showing service errors show this one too
    with pytest.raises(RateLimited) as exc:
        enforce_rate("x", limit=1, period_seconds=60, message="投诉提交过于频繁")
    assert str(exc.value.message) == "投诉提交过于频繁"


def test_rate_reset_forgets_the_window(fake_time):
    check_rate("r", limit=1, period_seconds=60)
    assert not check_rate("r", limit=1, period_seconds=60)
    rate_reset("r", period_seconds=60)
    assert check_rate("r", limit=1, period_seconds=60)


def test_zero_limit_refuses_everything():
    assert not check_rate("z", limit=0, period_seconds=60)


def test_counter_expires_with_its_window(fake_time, monkeypatch):
    """The key is written with the window's remaining time, not the cache's default timeout."""
    seen = {}
    cache = caches["default"]
    real_add = cache.add

    def add(key, value, timeout=None, **kw):
        seen["timeout"] = timeout
        return real_add(key, value, timeout=timeout, **kw)

    monkeypatch.setattr(cache, "add", add)
    check_rate("t", limit=5, period_seconds=3600)
    assert seen["timeout"] == 3600 - 10 + 1


@pytest.fixture
def file_cache(settings, tmp_path):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path / "cache")}}
    yield tmp_path / "cache"
    caches["default"].clear()


def test_file_cache_counts_and_keeps_the_window_timeout(file_cache, fake_time):
    assert [check_rate("f", limit=2, period_seconds=60) for _i in range(3)] == [True, True, False]
    assert (file_cache / ".ratelimit.lock").exists()
    fake_time.now += 50
    assert check_rate("f", limit=2, period_seconds=60)


def _hammer(n: int) -> None:
    for _i in range(n):
        check_rate("shared", limit=10_000, period_seconds=3600)


def test_file_cache_counts_exactly_across_processes(file_cache, fake_time):
    """Four processes (as four gunicorn workers) hit one key; not one hit may be lost."""
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_hammer, args=(40,)) for _i in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    assert not check_rate("shared", limit=160, period_seconds=3600)  # the 161st hit: all 160 were counted
    assert check_rate("shared", limit=162, period_seconds=3600)  # the 162nd
