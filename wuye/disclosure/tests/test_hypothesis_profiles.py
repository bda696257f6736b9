"""The Hypothesis profiles of the suite (issue 12 item 17; root ``conftest.py``): ``ci`` draws the
same examples on every run (a fixed seed per test), ``fuzz`` draws many more."""

from __future__ import annotations

from hypothesis import settings


def test_ci_profile_is_derandomized():
    ci = settings.get_profile("ci")
    assert ci.derandomize is True and ci.database is None and ci.deadline is None


def test_fuzz_profile_draws_many_more_examples():
    assert settings.get_profile("fuzz").max_examples >= 10 * settings.get_profile("default").max_examples
