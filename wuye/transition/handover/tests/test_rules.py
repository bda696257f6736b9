"""The filing deadline (rules.md §7 and §13, 物业承接查验办法: 30 days after the handover) and early
delivery (建设工程质量管理条例 第十六条)."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wuye.core.calendar import clear_cache
from wuye.transition.handover.models import HandoverCase
from wuye.transition.handover.rules import early_delivery_kind, filing_due, filing_overdue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _calendar():
    clear_cache()


def test_a_30th_day_in_the_national_day_holiday_moves_to_the_next_working_day():
    # 2026-09-05 + 30 days = 2026-10-05, inside the National Day holiday (10-01 … 10-07).
    assert date(2026, 9, 5) + timedelta(days=30) == date(2026, 10, 5)
    assert not chinese_calendar.is_workday(date(2026, 10, 5))
    assert chinese_calendar.is_holiday(date(2026, 10, 7)) and chinese_calendar.is_workday(date(2026, 10, 8))
    assert filing_due(date(2026, 9, 5)) == date(2026, 10, 8)


def test_a_30th_day_on_a_make_up_working_saturday_stays():
    # 2026-10-10 is a Saturday worked in exchange for the holiday (调休): a working day, not moved.
    assert date(2026, 10, 10).weekday() == 5 and chinese_calendar.is_workday(date(2026, 10, 10))
    assert filing_due(date(2026, 9, 10)) == date(2026, 10, 10)


def test_counting_starts_the_next_day_and_a_weekday_end_stays():
    # 2026-03-02 (Mon) + 30 = 2026-04-01 (Wed), a working day.
    assert filing_due(date(2026, 3, 2)) == date(2026, 4, 1)


def test_a_30th_day_on_an_ordinary_sunday_moves_to_monday():
    # A 30th day on 2026-06-28, an ordinary Sunday (no holiday, no make-up working day).
    start = date(2026, 6, 28) - timedelta(days=30)
    assert date(2026, 6, 28).weekday() == 6 and not chinese_calendar.is_workday(date(2026, 6, 28))
    assert filing_due(start) == date(2026, 6, 29)


def test_no_handover_no_deadline():
    assert filing_due(None) is None


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 30)))
def test_the_deadline_is_the_first_working_day_from_the_30th_day(start):
    due = filing_due(start)
    day30 = start + timedelta(days=30)
    assert due >= day30
    assert chinese_calendar.is_workday(due)
    d = day30
    while d < due:  # every day skipped was a rest day
        assert not chinese_calendar.is_workday(d)
        d += timedelta(days=1)


def test_delivery_before_the_completion_filing_is_early_delivery():
    assert early_delivery_kind(delivered_on=date(2026, 3, 1), completion_filed_on=date(2026, 3, 2)) == "early_delivery"


def test_delivery_with_no_completion_filing_is_unaccepted_delivery():
    assert early_delivery_kind(delivered_on=date(2026, 3, 1), completion_filed_on=None) == "unaccepted_delivery"


def test_delivery_on_or_after_the_filing_is_not_early():
    assert early_delivery_kind(delivered_on=date(2026, 3, 2), completion_filed_on=date(2026, 3, 2)) == ""
    assert early_delivery_kind(delivered_on=date(2026, 4, 2), completion_filed_on=date(2026, 3, 2)) == ""


def test_not_delivered_yet_is_not_early():
    assert early_delivery_kind(delivered_on=None, completion_filed_on=None) == ""


def test_filing_overdue_the_day_after_the_deadline_not_on_it():
    c = HandoverCase(filing_due=date(2026, 10, 8))
    assert not filing_overdue(c, date(2026, 10, 8))
    assert filing_overdue(c, date(2026, 10, 9))
    c.filed_on = date(2026, 10, 8)
    assert not filing_overdue(c, date(2026, 12, 1))
    c.filed_on = date(2026, 10, 9)
    assert filing_overdue(c, date(2026, 12, 1))
