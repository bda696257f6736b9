"""The two rules a handover case computes from its dates.

- Filing deadline: 物业承接查验办法 (建房〔2010〕165号) — the company files the handover with the
  district's housing authority within 30 days of the handover (rules.md §13). Counted by rules.md
  §7 (民法典 第二百零一条、第二百零三条) with ``core.calendar.period_last_day``: the handover day is not
  counted, counting starts the next day; a last day on a rest day (a holiday, or a weekend that is
  not a make-up working day 调休) moves to the next working day; a make-up working day stays.
- Early delivery: 建设工程质量管理条例 第十六条 — homes are delivered for use only after the
  completion acceptance. Delivery before the completion acceptance was filed is 提前交房; delivery
  with no filing at all is 未经验收交付 (rules.md §13).
"""

from __future__ import annotations

from datetime import date

from wuye.core.calendar import PeriodUnit, period_last_day

from .models import HandoverCase

FILING_DAYS = 30


def filing_due(handed_over_on: date | None) -> date | None:
    """The last day to file the handover (``None`` before the handover)."""
    if handed_over_on is None:
        return None
    return period_last_day(handed_over_on, FILING_DAYS, PeriodUnit.CALENDAR_DAYS)


def early_delivery_kind(*, delivered_on: date | None, completion_filed_on: date | None) -> str:
    """``early_delivery``, ``unaccepted_delivery`` or ``""`` (no early delivery, or not delivered yet)."""
    if delivered_on is None:
        return HandoverCase.EarlyKind.NONE
    if completion_filed_on is None:
        return HandoverCase.EarlyKind.UNACCEPTED
    if delivered_on < completion_filed_on:
        return HandoverCase.EarlyKind.EARLY
    return HandoverCase.EarlyKind.NONE


def filing_overdue(case: HandoverCase, today: date) -> bool:
    """Not filed by the deadline (still unfiled after it, or filed after it)."""
    if case.filing_due is None:
        return False
    if case.filed_on is None:
        return today > case.filing_due
    return case.filed_on > case.filing_due
