"""The China working-day calendar and the counting of time limits (rules.md §7 "Counting a period").

Which days are working days
    The source is the ``chinese_calendar`` package (the State Council's yearly holiday notice,
    including the make-up working weekends, 调休), overridden by ``core.CalendarDay`` rows that the
    city bureau edits (a local day off, a notice published after the package was released). An
    override always wins. A year with neither package data nor any override row falls back to
    Monday–Friday; a warning is logged once per process and year, and ``years_without_data()``
    lists such years for the banner shown to the city bureau and the system administrator.

How a period is counted (民法典 第201条、第203条)
    - Hours: calendar hours from the start instant (第201条第2款: 按照小时计算期间的，自法律规定
      或者当事人约定的时间开始计算).
    - Days: the start day is not counted (第201条第1款: 按照年、月、日计算期间的，开始的当日不计入，
      自下一日开始计算). A period ends at 24:00 of its last day (第203条第2款: 期间的最后一日的截止
      时间为二十四时), stored as 23:59:59.999999: the whole last second is on time, so an action
      at 23:59:59.5 is not late while one at the next day's 00:00:00 is (``now > due``, on SQLite and
      PostgreSQL alike, which both keep microseconds). Pages and APIs show it as 23:59:59
      (:func:`shown_due`) — the APIs promise exactly that.
    - Calendar days: if the last day is a rest day (a holiday, or a weekend day that is not a
      make-up working day), the period ends on the next working day (第203条第1款: 期间的最后一日是
      法定休假日的，以法定休假日结束的次日为期间的最后一日).
    - Working days: only working days after the start day count (make-up weekends count,
      holidays do not); the period ends at 23:59:59 of the n-th one.
    - Zero days (a "same day" limit): ``0`` calendar days ends at 23:59:59 of the start day itself,
      with no extension (the limit *is* that day); ``0`` working days ends at 23:59:59 of the start
      day if it is a working day, otherwise of the next working day ("within the current working
      day"). Both keep the properties the tests check: the due time never decreases as the amount
      grows, and a working-day due is never earlier than the calendar-day due of the same amount.

Speed
    The sweep computes thousands of deadlines, so day lookups are cached in the process
    (``functools.lru_cache`` keyed by date) and the override table is read with one query, not
    one per date. The caches are cleared when a ``CalendarDay`` is saved or deleted (signals
    below, again after the transaction commits), and other processes notice the change through a
    version key in Django's cache, checked at most every ``WUYE_CALENDAR_RECHECK_SECONDS``
    (default 60). Tests call ``clear_cache()``.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from functools import lru_cache

import chinese_calendar
from chinese_calendar.constants import holidays as PACKAGE_HOLIDAYS
from chinese_calendar.constants import workdays as PACKAGE_WORKDAYS
from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import CalendarDay

logger = logging.getLogger(__name__)


class PeriodUnit(models.TextChoices):
    HOURS = "hours", _("小时")
    CALENDAR_DAYS = "calendar_days", _("自然日")
    WORKING_DAYS = "working_days", _("工作日")


END_OF_DAY = dtime(23, 59, 59, 999999)  # "24:00 of the last day": the whole last second is on time (第203条第2款)
VERSION_KEY = "wuye:calendar:version"

# The years the installed chinese_calendar release knows (it raises NotImplementedError outside).
PACKAGE_FIRST_YEAR = min(PACKAGE_HOLIDAYS).year
PACKAGE_LAST_YEAR = max(PACKAGE_HOLIDAYS).year

# The package names holidays in English; these are the names shown on the calendar page.
HOLIDAY_NAMES = {
    "New Year's Day": _("元旦"),
    "Spring Festival": _("春节"),
    "Tomb-sweeping Day": _("清明节"),
    "Labour Day": _("劳动节"),
    "Dragon Boat Festival": _("端午节"),
    "National Day": _("国庆节"),
    "Mid-autumn Festival": _("中秋节"),
    "Anti-Fascist 70th Day": _("抗战胜利70周年纪念日"),
}


def package_has_year(year: int) -> bool:
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


def package_is_workday(d: date) -> bool | None:
    """The State Council calendar's answer alone (no override), or None for a year it lacks."""
    return chinese_calendar.is_workday(d) if package_has_year(d.year) else None


# ---- caches ---------------------------------------------------------------------------------

_lock = threading.Lock()
_warned_years: set[int] = set()
_local_version: str | None = None
_next_check = 0.0


@dataclass(frozen=True)
class Override:
    pk: int
    is_workday: bool
    name: str


@lru_cache(maxsize=1)
def _overrides() -> dict[date, Override]:
    """Every override row, read once (the table holds a few dozen rows a year)."""
    return {
        row["date"]: Override(row["pk"], row["is_workday"], row["name"])
        for row in CalendarDay.objects.values("pk", "date", "is_workday", "name")
    }


@lru_cache(maxsize=1)
def _override_years() -> frozenset[int]:
    return frozenset(d.year for d in _overrides())


def clear_cache() -> None:
    """Forget every cached lookup in this process (after an edit, and in tests)."""
    _is_workday.cache_clear()
    _overrides.cache_clear()
    _override_years.cache_clear()
    with _lock:
        _warned_years.clear()


def warm_up() -> None:
    """Start from the database as a fresh process would: forget everything, read the override
    table now and take the current shared version. Tests call it (through the ``world``
    fixture) so that no page's query count includes the calendar's one-off load."""
    global _local_version, _next_check
    clear_cache()
    _override_years()
    try:
        _local_version = cache.get(VERSION_KEY)
    except Exception:
        _local_version = None
    _next_check = time.monotonic() + _recheck_seconds()


def _recheck_seconds() -> float:
    return float(getattr(settings, "WUYE_CALENDAR_RECHECK_SECONDS", 60))


def _refresh_if_changed_elsewhere() -> None:
    """Another process may have edited the overrides: compare the shared version key now and then."""
    global _local_version, _next_check
    now = time.monotonic()
    if now < _next_check:
        return
    _next_check = now + _recheck_seconds()
    try:
        version = cache.get(VERSION_KEY)
    except Exception:  # a cache outage must not stop deadlines from being computed
        logger.exception("工作日历：无法读取共享缓存中的版本号")
        return
    # No key (never set, or the cache was emptied) says nothing about edits: keep what we have.
    if version is not None and version != _local_version:
        clear_cache()
        _local_version = version


def _announce_change() -> None:
    """After a committed edit: clear this process's caches and tell the other processes."""
    global _local_version
    clear_cache()
    version = uuid.uuid4().hex
    try:
        cache.set(VERSION_KEY, version, timeout=None)
    except Exception:
        logger.exception("工作日历：无法更新共享缓存中的版本号，其他进程最迟在重启后生效")
        return
    _local_version = version


def _calendar_day_changed(**kwargs) -> None:
    # Clear now, so that the rest of this transaction sees the edit, and again after commit, so
    # that a lookup made meanwhile by another thread (which still saw the old rows) is dropped.
    clear_cache()
    transaction.on_commit(_announce_change)


@receiver(post_save, sender="core.CalendarDay", dispatch_uid="wuye_calendar_day_saved")
def _on_calendar_day_saved(sender, **kwargs) -> None:
    _calendar_day_changed()


@receiver(post_delete, sender="core.CalendarDay", dispatch_uid="wuye_calendar_day_deleted")
def _on_calendar_day_deleted(sender, **kwargs) -> None:
    _calendar_day_changed()


def _warn_fallback(year: int) -> None:
    with _lock:
        if year in _warned_years:
            return
        _warned_years.add(year)
    logger.warning(
        "工作日历：%s 年既无 chinese_calendar 数据也无本市调整记录，暂按周一至周五为工作日计算期限。"
        "请升级 chinesecalendar 或在“工作日历”页面录入该年的放假和调休安排。",
        year,
    )


# ---- days -----------------------------------------------------------------------------------


@lru_cache(maxsize=16384)
def _is_workday(d: date) -> bool:
    override = _overrides().get(d)
    if override is not None:
        return override.is_workday
    if package_has_year(d.year):
        return chinese_calendar.is_workday(d)
    if d.year not in _override_years():
        _warn_fallback(d.year)
    return d.weekday() < 5


def is_workday(d: date) -> bool:
    """Is ``d`` a working day: the city's override if any, else the State Council calendar, else
    Monday–Friday (with a warning)."""
    if isinstance(d, datetime):
        d = timezone.localtime(d).date() if timezone.is_aware(d) else d.date()
    _refresh_if_changed_elsewhere()
    return _is_workday(d)


class DayKind(models.TextChoices):
    WORKDAY = "workday", _("工作日")
    WEEKEND = "weekend", _("休息日")
    HOLIDAY = "holiday", _("法定节假日")
    MAKEUP = "makeup", _("调休上班")


@dataclass(frozen=True)
class DayInfo:
    date: date
    kind: str
    name: str  # holiday or make-up name ("国庆节", "国庆节调休"), or the override's name
    source: str  # "override", "package" or "fallback"
    override_pk: int | None = None

    @property
    def is_workday(self) -> bool:
        return self.kind in (DayKind.WORKDAY, DayKind.MAKEUP)

    @property
    def kind_label(self) -> str:
        return str(DayKind(self.kind).label)


def _package_name(value: str | None) -> str:
    return str(HOLIDAY_NAMES.get(value, value or ""))


def day_info(d: date) -> DayInfo:
    """What the calendar page shows for one day: its kind, name and where the answer comes from."""
    _refresh_if_changed_elsewhere()
    weekend = d.weekday() >= 5
    override = _overrides().get(d)
    if override is not None:
        if override.is_workday:
            kind = DayKind.MAKEUP if weekend else DayKind.WORKDAY
        else:
            kind = DayKind.WEEKEND if weekend and not override.name else DayKind.HOLIDAY
        return DayInfo(d, kind, override.name, "override", override.pk)
    if package_has_year(d.year):
        if d in PACKAGE_HOLIDAYS:
            return DayInfo(d, DayKind.HOLIDAY, _package_name(PACKAGE_HOLIDAYS[d]), "package")
        if d in PACKAGE_WORKDAYS:
            name = str(_("%(holiday)s调休") % {"holiday": _package_name(PACKAGE_WORKDAYS[d])})
            return DayInfo(d, DayKind.MAKEUP, name, "package")
        return DayInfo(d, DayKind.WEEKEND if weekend else DayKind.WORKDAY, "", "package")
    return DayInfo(d, DayKind.WEEKEND if weekend else DayKind.WORKDAY, "", "fallback")


def years_without_data(years: Iterable[int] | None = None) -> list[int]:
    """The years (default: this one and the next, Asia/Shanghai) with neither chinese_calendar
    data nor any city override row: their deadlines fall back to Monday–Friday."""
    _refresh_if_changed_elsewhere()
    if years is None:
        this_year = timezone.localdate().year
        years = (this_year, this_year + 1)
    wanted = sorted(set(years))
    missing = [y for y in wanted if not package_has_year(y)]
    if not missing:
        return []
    with_overrides = _override_years()
    return [y for y in missing if y not in with_overrides]


# ---- periods --------------------------------------------------------------------------------


def _end_of(d: date) -> datetime:
    return datetime.combine(d, END_OF_DAY, tzinfo=timezone.get_default_timezone())


def _next_workday(d: date) -> date:
    """``d`` itself if it is a working day, else the first working day after it."""
    while not _is_workday(d):
        d += timedelta(days=1)
    return d


def _check_amount(amount) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be an int, not {type(amount).__name__}")
    if amount < 0:
        raise ValueError(f"amount must not be negative: {amount}")
    return amount


def add_period(start: datetime, amount: int, unit: str) -> datetime:
    """The end of a period of ``amount`` ``unit`` (a ``PeriodUnit``) starting at ``start``.

    ``start`` must be aware; the answer is aware, in Asia/Shanghai. Day periods end at
    23:59:59.999999 of their last day (the last instant before 24:00); see the module docstring.
    """
    if not isinstance(start, datetime) or timezone.is_naive(start):
        raise ValueError("add_period needs an aware datetime")
    amount = _check_amount(amount)
    tz = timezone.get_default_timezone()
    if unit == PeriodUnit.HOURS:
        return (start + timedelta(hours=amount)).astimezone(tz)
    _refresh_if_changed_elsewhere()
    first = start.astimezone(tz).date()
    if unit == PeriodUnit.CALENDAR_DAYS:
        if amount == 0:
            return _end_of(first)
        return _end_of(_next_workday(first + timedelta(days=amount)))
    if unit == PeriodUnit.WORKING_DAYS:
        if amount == 0:
            return _end_of(_next_workday(first))
        d, counted = first, 0
        while counted < amount:
            d += timedelta(days=1)
            if _is_workday(d):
                counted += 1
        return _end_of(d)
    raise ValueError(f"unknown period unit: {unit!r}")


def shown_due(due: datetime | None) -> datetime | None:
    """A deadline as pages and APIs show it: a day period's end (23:59:59.999999) without its
    microseconds ("23:59:59+08:00"); any other instant unchanged."""
    if due is None:
        return None
    if timezone.is_aware(due) and timezone.localtime(due).time() == END_OF_DAY:
        return due.replace(microsecond=0)
    return due


def describe_period(amount: int, unit: str) -> str:
    """A period in words: "2 小时", "7 个自然日", "5 个工作日"."""
    if unit == PeriodUnit.HOURS:
        return ngettext("%(n)s 小时", "%(n)s 小时", amount) % {"n": amount}
    if unit == PeriodUnit.CALENDAR_DAYS:
        return ngettext("%(n)s 个自然日", "%(n)s 个自然日", amount) % {"n": amount}
    if unit == PeriodUnit.WORKING_DAYS:
        return ngettext("%(n)s 个工作日", "%(n)s 个工作日", amount) % {"n": amount}
    raise ValueError(f"unknown period unit: {unit!r}")


def period_last_day(start: date, amount: int, unit: str = PeriodUnit.CALENDAR_DAYS) -> date:
    """The last day of a period of ``amount`` days that starts on ``start`` (a date): counting
    starts the next day, and a last day that is a rest day moves to the next working day
    (民法典 第二百零一条、第二百零三条). Public periods (公示期) and filing deadlines use it."""
    if unit == PeriodUnit.HOURS:
        raise ValueError("period_last_day counts days, not hours")
    start_at = datetime.combine(start, dtime(12), tzinfo=timezone.get_default_timezone())
    return add_period(start_at, amount, unit).date()


# ---- calendar months and years ----------------------------------------------------------------


def add_months(d: date, months: int) -> date:
    """``d`` plus (or minus) ``months`` calendar months, clamped to the month's last day
    (31 January + 1 → 28/29 February)."""
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    return date(year, month, min(d.day, monthrange(year, month)[1]))


def add_years(d: date, years: int) -> date:
    """The same day ``years`` later (29 February → 28 February in a common year)."""
    return add_months(d, 12 * years)


def month_start(d: date) -> date:
    return d.replace(day=1)


# ---- what a person reads: local time ------------------------------------------------------------

MINUTE = "%Y-%m-%d %H:%M"
DAY = "%Y-%m-%d"
SHORT = "%m-%d %H:%M"


def local_text(value: date | datetime | None, fmt: str = MINUTE) -> str:
    """A date or time as a person reads it: an aware datetime in the platform's zone
    (Asia/Shanghai, settings.TIME_ZONE), whatever zone it was stored or computed in. Every
    message, export and tag that prints a time goes through here (tests/test_house_rules.py
    refuses ``strftime`` and the ``date`` filter called from Python anywhere else)."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(fmt)


def file_stamp() -> str:
    """The local time in a downloaded file's name: 20261207-2010."""
    return local_text(timezone.now(), "%Y%m%d-%H%M")

