"""The working-day calendar and the counting of periods (rules.md §7, 民法典 第201、203条).

Dates checked against chinesecalendar 1.11.0:
- 2025 National Day: 10-01..10-08 off; Sunday 09-28 and Saturday 10-11 are make-up working days.
- 2026 Spring Festival: 02-15..02-23 off; Saturdays 02-14 and 02-28 are make-up working days.
- 2026 Mid-autumn 09-25..09-27 and National Day 10-01..10-07 off; Sunday 09-20 and Saturday
  10-10 are make-up working days.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from wuye.core import calendar as cal
from wuye.core.calendar import (
    PeriodUnit,
    add_period,
    describe_period,
    is_workday,
    shown_due,
    years_without_data,
)
from wuye.core.models import CalendarDay
from wuye.core.services_calendar import calendar_day_delete, calendar_day_set

SH = ZoneInfo("Asia/Shanghai")
H, CD, WD = PeriodUnit.HOURS, PeriodUnit.CALENDAR_DAYS, PeriodUnit.WORKING_DAYS


@pytest.fixture(autouse=True)
def fresh_calendar(db):
    cal.clear_cache()
    yield
    cal.clear_cache()  # rows made here are rolled back: the next test must not see them


def at(text: str) -> datetime:
    """A Beijing-time instant: at("2025-09-30 10:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def end(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T23:59:59.999999").replace(tzinfo=SH)


def test_the_package_data_these_tests_rely_on():
    assert chinese_calendar.get_holidays(date(2025, 10, 1), date(2025, 10, 8), include_weekends=True) == [
        date(2025, 10, d) for d in range(1, 9)]
    assert [d for d in cal.PACKAGE_WORKDAYS if date(2025, 9, 1) <= d <= date(2025, 10, 31)] == [
        date(2025, 9, 28), date(2025, 10, 11)]
    assert [d for d in cal.PACKAGE_WORKDAYS if date(2026, 2, 1) <= d <= date(2026, 2, 28)] == [
        date(2026, 2, 14), date(2026, 2, 28)]


# ---- is_workday -----------------------------------------------------------------------------


@pytest.mark.parametrize("day, expected", [
    (date(2025, 9, 26), True),    # Friday
    (date(2025, 9, 27), False),   # Saturday
    (date(2025, 9, 28), True),    # Sunday, make-up working day
    (date(2025, 10, 1), False),   # National Day
    (date(2025, 10, 6), False),   # Mid-autumn, inside the National Day week
    (date(2025, 10, 8), False),   # last day of the holiday, a Wednesday
    (date(2025, 10, 9), True),
    (date(2025, 10, 11), True),   # Saturday, make-up working day
    (date(2025, 10, 12), False),  # ordinary Sunday
    (date(2026, 2, 14), True),    # Saturday before Spring Festival, make-up
    (date(2026, 2, 16), False),   # Spring Festival eve
    (date(2026, 2, 23), False),   # Monday, still Spring Festival
    (date(2026, 2, 24), True),
    (date(2026, 2, 28), True),    # Saturday, make-up
])
def test_is_workday_follows_the_state_council_calendar(day, expected):
    assert is_workday(day) is expected


def test_is_workday_of_an_aware_datetime_uses_the_beijing_date():
    # 2025-10-08 17:00 UTC is already 2025-10-09 01:00 in Beijing: a working day.
    assert is_workday(datetime(2025, 10, 8, 17, 0, tzinfo=UTC)) is True
    assert is_workday(datetime(2025, 10, 8, 15, 0, tzinfo=UTC)) is False


# ---- working days ---------------------------------------------------------------------------


@pytest.mark.parametrize("start, n, due", [
    ("2025-09-30 10:00", 1, "2025-10-09"),  # the whole National Day week is skipped
    ("2025-09-30 10:00", 2, "2025-10-10"),
    ("2025-09-30 10:00", 3, "2025-10-11"),  # Saturday make-up day counts
    ("2025-09-30 10:00", 4, "2025-10-13"),  # Sunday 10-12 does not
    ("2025-09-26 16:00", 1, "2025-09-28"),  # Friday → the make-up Sunday (Saturday 27 is off)
    ("2025-09-26 16:00", 2, "2025-09-29"),
    ("2025-10-03 14:00", 1, "2025-10-09"),  # started on a holiday
    ("2025-10-03 14:00", 5, "2025-10-14"),
    ("2026-02-13 09:00", 1, "2026-02-14"),  # Spring Festival 2026: Saturday 02-14 is a working day
    ("2026-02-13 09:00", 2, "2026-02-24"),  # then 02-15..02-23 off
    ("2026-02-13 09:00", 5, "2026-02-27"),
    ("2026-02-13 09:00", 6, "2026-02-28"),  # Saturday make-up
    ("2026-09-24 10:00", 1, "2026-09-28"),  # Mid-autumn 2026: 09-25..09-27 off
    ("2026-09-30 10:00", 2, "2026-10-09"),
    ("2026-09-30 10:00", 5, "2026-10-13"),
])
def test_working_days(start, n, due):
    assert add_period(at(start), n, WD) == end(due)


def test_working_days_count_from_the_beijing_date_of_an_instant_given_in_utc():
    # 17:00 UTC on 10-08 is 01:00 on 10-09 in Beijing: the start day is 10-09, not 10-08.
    start = datetime(2025, 10, 8, 17, 0, tzinfo=UTC)
    due = add_period(start, 1, WD)
    assert due == end("2025-10-10")
    assert due.utcoffset() == timedelta(hours=8)
    assert shown_due(due).isoformat() == "2025-10-10T23:59:59+08:00"


def test_zero_working_days_is_the_end_of_the_current_working_day():
    assert add_period(at("2025-09-30 10:00"), 0, WD) == end("2025-09-30")
    assert add_period(at("2025-10-03 10:00"), 0, WD) == end("2025-10-09")  # a holiday: the next working day


# ---- calendar days --------------------------------------------------------------------------


@pytest.mark.parametrize("start, n, due", [
    ("2025-09-22 10:00", 7, "2025-09-29"),  # an ordinary Monday
    ("2025-09-28 10:00", 3, "2025-10-09"),  # last day 10-01 is a holiday → next working day
    ("2025-09-30 10:00", 7, "2025-10-09"),  # last day 10-07 is a holiday
    ("2025-10-04 10:00", 7, "2025-10-11"),  # last day is the make-up Saturday: no extension
    ("2025-10-05 10:00", 7, "2025-10-13"),  # last day an ordinary Sunday → Monday
    ("2025-10-03 14:00", 1, "2025-10-09"),  # started on a holiday, last day 10-04 still a holiday
    ("2025-10-03 14:00", 15, "2025-10-20"),  # 10-18 Saturday → Monday 10-20
    ("2026-02-13 09:00", 3, "2026-02-24"),  # Spring Festival 2026
    ("2026-02-13 09:00", 1, "2026-02-14"),  # last day is the make-up Saturday
    ("2026-09-30 10:00", 7, "2026-10-08"),
])
def test_calendar_days(start, n, due):
    assert add_period(at(start), n, CD) == end(due)


def test_zero_calendar_days_is_the_end_of_the_start_day_even_on_a_holiday():
    assert add_period(at("2025-10-03 10:00"), 0, CD) == end("2025-10-03")


def test_day_periods_end_at_the_last_microsecond_of_the_day():
    due = add_period(datetime(2025, 9, 30, 10, 0, 0, 987654, tzinfo=SH), 2, CD)
    assert (due.hour, due.minute, due.second, due.microsecond) == (23, 59, 59, 999999)
    assert str(due.tzinfo) == "Asia/Shanghai"


# ---- hours ----------------------------------------------------------------------------------


def test_hours_are_calendar_hours_across_midnight_and_holidays():
    assert add_period(at("2025-10-08 23:00"), 2, H) == at("2025-10-09 01:00")
    assert add_period(at("2025-09-30 10:00"), 24, H) == at("2025-10-01 10:00")  # holidays do not stop the clock
    assert add_period(at("2025-09-30 10:00:30.5"), 0, H) == at("2025-09-30 10:00:30.5")


def test_hours_answer_in_beijing_time_whatever_the_input_zone():
    due = add_period(datetime(2025, 10, 8, 15, 30, tzinfo=UTC), 2, H)
    assert due.isoformat() == "2025-10-09T01:30:00+08:00"


# ---- refused input --------------------------------------------------------------------------


def test_refused_input():
    with pytest.raises(ValueError, match="aware"):
        add_period(datetime(2025, 9, 30, 10, 0), 1, WD)
    with pytest.raises(ValueError, match="negative"):
        add_period(at("2025-09-30 10:00"), -1, CD)
    with pytest.raises(TypeError):
        add_period(at("2025-09-30 10:00"), True, CD)
    with pytest.raises(TypeError):
        add_period(at("2025-09-30 10:00"), 1.5, CD)
    with pytest.raises(ValueError, match="unit"):
        add_period(at("2025-09-30 10:00"), 1, "weeks")
    with pytest.raises(ValueError, match="unit"):
        describe_period(1, "weeks")


def test_describe_period():
    assert describe_period(2, H) == "2 小时"
    assert describe_period(7, CD) == "7 个自然日"
    assert describe_period(5, WD) == "5 个工作日"
    assert describe_period(5, "working_days") == "5 个工作日"  # the stored string value works too


# ---- overrides ------------------------------------------------------------------------------


def test_an_override_changes_the_answer_at_once_and_deleting_it_restores_it(world):
    city = world.users["city"]
    assert add_period(at("2025-09-30 10:00"), 1, WD) == end("2025-10-09")
    typhoon = calendar_day_set(actor=city, day=date(2025, 10, 9), is_workday=False, name="台风停工")
    assert is_workday(date(2025, 10, 9)) is False
    assert add_period(at("2025-09-30 10:00"), 1, WD) == end("2025-10-10")
    assert add_period(at("2025-09-30 10:00"), 7, CD) == end("2025-10-10")  # last day 10-07 → next working day 10-10
    calendar_day_delete(actor=city, day=typhoon)
    assert add_period(at("2025-09-30 10:00"), 1, WD) == end("2025-10-09")


def test_an_override_can_make_a_holiday_a_working_day(world):
    calendar_day_set(actor=world.users["city"], day=date(2025, 10, 8), is_workday=True, name="本市提前复工")
    assert add_period(at("2025-09-30 10:00"), 1, WD) == end("2025-10-08")
    info = cal.day_info(date(2025, 10, 8))
    assert (info.kind, info.name, info.source) == ("workday", "本市提前复工", "override")


def test_day_info_names_holidays_and_make_up_days_in_chinese():
    assert cal.day_info(date(2025, 10, 1)) == cal.DayInfo(date(2025, 10, 1), "holiday", "国庆节", "package")
    assert cal.day_info(date(2025, 10, 6)).name == "中秋节"
    assert cal.day_info(date(2025, 9, 28)) == cal.DayInfo(date(2025, 9, 28), "makeup", "国庆节调休", "package")
    assert cal.day_info(date(2025, 9, 27)).kind == "weekend"
    assert cal.day_info(date(2040, 1, 2)) == cal.DayInfo(date(2040, 1, 2), "workday", "", "fallback")


# ---- years without data ---------------------------------------------------------------------


def test_a_year_without_data_falls_back_to_monday_to_friday_and_warns_once(caplog):
    caplog.set_level(logging.WARNING, logger="wuye.core.calendar")
    assert years_without_data([2025, 2026, 2040]) == [2040]
    assert is_workday(date(2040, 1, 7)) is False  # Saturday
    assert is_workday(date(2040, 1, 2)) is True   # Monday (no holiday data: New Year's Day week unknown)
    assert add_period(at("2040-01-07 10:00"), 1, WD) == end("2040-01-09")  # Saturday start → Monday is day 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "2040" in warnings[0].getMessage()


def test_an_override_row_for_the_year_silences_the_warning(world, caplog):
    calendar_day_set(actor=world.users["city"], day=date(2040, 1, 1), is_workday=False, name="元旦")
    caplog.set_level(logging.WARNING, logger="wuye.core.calendar")
    assert years_without_data([2040, 2041]) == [2041]
    assert is_workday(date(2040, 1, 1)) is False
    assert is_workday(date(2040, 1, 2)) is True
    assert not [r for r in caplog.records if r.levelno == logging.WARNING]


def test_years_without_data_defaults_to_this_year_and_the_next(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 11, 26))
    assert years_without_data() == ([] if cal.package_has_year(2027) else [2027])
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2025, 6, 1))
    assert years_without_data() == []
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2040, 6, 1))
    assert years_without_data() == [2040, 2041]


# ---- caching --------------------------------------------------------------------------------


def test_the_override_table_is_read_once_not_per_date(world, django_assert_num_queries):
    calendar_day_set(actor=world.users["city"], day=date(2025, 10, 9), is_workday=False, name="台风停工")
    cal.clear_cache()
    start = at("2025-01-02 09:00")
    with django_assert_num_queries(1):
        for i in range(800):
            add_period(start + timedelta(hours=11 * i), 15, WD)
            add_period(start + timedelta(hours=11 * i), 7, CD)
        years_without_data([2025, 2026, 2027])
    with django_assert_num_queries(0):
        assert add_period(at("2025-09-30 10:00"), 1, WD) == end("2025-10-10")


def test_an_edit_in_another_process_is_noticed_through_the_shared_version(world, settings):
    settings.WUYE_CALENDAR_RECHECK_SECONDS = 0
    cal.warm_up()
    assert is_workday(date(2025, 10, 9)) is True
    # Another process writes the row (no signal here) and announces a new version.
    CalendarDay.objects.bulk_create([CalendarDay(date=date(2025, 10, 9), is_workday=False, name="台风停工")])
    assert is_workday(date(2025, 10, 9)) is True  # this process has not been told yet
    cache.set(cal.VERSION_KEY, "edited-elsewhere", timeout=None)
    assert is_workday(date(2025, 10, 9)) is False
    cache.delete(cal.VERSION_KEY)  # a lost key says nothing about edits: nothing is reloaded
    CalendarDay.objects.filter(date=date(2025, 10, 9)).update(is_workday=True)
    assert is_workday(date(2025, 10, 9)) is False


def test_a_committed_edit_announces_a_new_version(world, django_capture_on_commit_callbacks):
    cache.delete(cal.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(actor=world.users["city"], day=date(2025, 10, 9), is_workday=False, name="台风停工")
    first = cache.get(cal.VERSION_KEY)
    assert first
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(actor=world.users["city"], day=date(2025, 10, 9), is_workday=False, name="台风停工（续）")
    assert cache.get(cal.VERSION_KEY) not in (None, first)


# ---- properties -----------------------------------------------------------------------------

# Starts between 2024 and 2026 (package data) and in 2040 (the Monday–Friday fallback).
starts = st.one_of(
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 11, 30)),
    st.datetimes(min_value=datetime(2040, 1, 1), max_value=datetime(2040, 12, 1)),
).map(lambda d: d.replace(tzinfo=SH))
amounts = st.integers(min_value=0, max_value=40)
props = hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@props
@given(start=starts, n=st.integers(min_value=1, max_value=40))
def test_working_days_end_at_235959_of_the_nth_working_day_after_the_start_day(start, n):
    due = add_period(start, n, WD)
    assert due.timetz().replace(tzinfo=None) == cal.END_OF_DAY and due.microsecond == 999999
    assert is_workday(due.date())
    first = start.date()
    days = [first + timedelta(days=i) for i in range(1, (due.date() - first).days + 1)]
    assert sum(is_workday(d) for d in days) == n


@props
@given(start=starts, n=st.integers(min_value=1, max_value=40))
def test_calendar_days_end_on_the_first_working_day_from_start_plus_n(start, n):
    due = add_period(start, n, CD)
    last = start.date() + timedelta(days=n)
    assert due.timetz().replace(tzinfo=None) == cal.END_OF_DAY
    assert due.date() >= last and is_workday(due.date())
    assert not any(is_workday(last + timedelta(days=i)) for i in range((due.date() - last).days))


@props
@given(start=starts, n=amounts)
def test_due_never_decreases_as_the_amount_grows(start, n):
    for unit in (H, CD, WD):
        assert add_period(start, n, unit) <= add_period(start, n + 1, unit)
    assert add_period(start, n, WD) < add_period(start, n + 1, WD) or n == 0


@props
@given(start=starts, n=amounts)
def test_a_working_day_due_is_never_before_the_calendar_day_due(start, n):
    assert add_period(start, n, WD) >= add_period(start, n, CD)


@props
@given(start=starts, n=st.integers(min_value=1, max_value=40))
def test_a_day_period_ends_after_its_start_day(start, n):
    for unit in (CD, WD):
        assert add_period(start, n, unit).date() > start.date()


@props
@given(start=starts, n=st.integers(min_value=0, max_value=24 * 40))
def test_hours_add_exactly_that_many_hours(start, n):
    due = add_period(start, n, H)
    assert due - start == timedelta(hours=n)
    assert due.utcoffset() == timedelta(hours=8)


def test_the_whole_last_second_of_a_day_period_is_on_time():
    """民法典 第二百零三条第二款: a period ends at 24:00 of its last day, so an action at 23:59:59.5
    is on time and one at the next day's 00:00:00 is late (``late = at > due``)."""
    due = add_period(at("2025-09-22 10:00"), 1, CD)
    assert not at("2025-09-23 23:59:59.500000") > due
    assert at("2025-09-24 00:00:00") > due
    assert shown_due(due).isoformat() == "2025-09-23T23:59:59+08:00"
    assert shown_due(add_period(at("2025-09-22 10:00:00.250000"), 2, H)) == at("2025-09-22 12:00:00.250000")
