"""Helpers for the metrics tests: a controllable clock for the workflow services and a month of
complaints with known outcomes, built through the real services."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from wuye.cases.models import UnitMonthStat
from wuye.cases.services import common

from .conftest import act, file

TZ = timezone.get_default_timezone()


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args), TZ)


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def at(self, moment: datetime) -> Clock:
        self.now = moment
        return self

    def advance(self, **kw) -> Clock:
        self.now += timedelta(**kw)
        return self


@pytest.fixture(name="clock")
def clock_fixture(monkeypatch):
    """The services' clock, fixed at 2026-03-02 09:00 (a Monday) until a test moves it."""
    c = Clock(local(2026, 3, 2, 9, 0))
    monkeypatch.setattr(common, "now", c)
    return c


MARCH = date(2026, 3, 1)


def handle(w, clock, *, code="cleaning_greening", sign_after=1, contact_after=2, reply_after=5, callback=None,
           estate=None, dispatch_to=None):
    """File at the clock, dispatch, and take the company through sign → contact → reply → approve →
    callback; each ``*_after`` is hours after dispatch (None stops there). ``callback`` is
    (resolved, satisfaction) or None."""
    u = w.users
    start = clock.now
    c = file(w, code, estate=estate, at=start)
    act(u["city"], c, "dispatch", **({"unit": dispatch_to} if dispatch_to else {}))
    actor = u["manager_a"] if (estate or w.estate_a) == w.estate_a else u["manager_b"]
    if sign_after is None:
        return c
    clock.at(start + timedelta(hours=sign_after))
    act(actor, c, "sign")
    if contact_after is None:
        clock.at(start)
        return c
    clock.at(start + timedelta(hours=contact_after))
    act(actor, c, "contact", note="已电话联系")
    if reply_after is None:
        clock.at(start)
        return c
    clock.at(start + timedelta(hours=reply_after))
    act(actor, c, "reply", note="已处理完毕")
    act(u["city"], c, "approve_reply")
    if callback is not None:
        resolved, satisfaction = callback
        act(None, c, "callback", reporter=True, resolved=resolved, satisfaction=satisfaction, note="回访")
    clock.at(start)
    return c


def company_month(w, clock):
    """Six complaints to company A in March 2026 with known outcomes:

    1. on time, resolved, 满意
    2. signed late (5 h > 4 h), resolved, 基本满意
    3. on time, unresolved, 不满意 → reopened (a new task the same month)
    4. dispatched, never signed
    5. signed, return requested (returned)
    6. on time, unresolved + 不满意, then closed as unreasonable (excluded)
    """
    u = w.users
    cs = []
    clock.at(local(2026, 3, 2, 9, 0))
    cs.append(handle(w, clock, callback=(True, "satisfied")))
    clock.at(local(2026, 3, 3, 9, 0))
    cs.append(handle(w, clock, sign_after=5, contact_after=6, callback=(True, "basically_satisfied")))
    clock.at(local(2026, 3, 4, 9, 0))
    c3 = handle(w, clock, callback=(False, "dissatisfied"))
    clock.at(local(2026, 3, 5, 9, 0))
    act(u["city"], c3, "reopen", note="未解决，重办")
    cs.append(c3)
    clock.at(local(2026, 3, 6, 9, 0))
    cs.append(handle(w, clock, sign_after=None))
    clock.at(local(2026, 3, 9, 9, 0))
    c5 = handle(w, clock, contact_after=None)
    act(u["manager_a"], c5, "request_return", note="不属于物业服务范围", legal_basis="《物业管理条例》第三十五条")
    cs.append(c5)
    clock.at(local(2026, 3, 10, 9, 0))
    c6 = handle(w, clock, callback=(False, "dissatisfied"))
    act(u["city"], c6, "close", note="诉求超出物业服务合同约定", unreasonable=True)
    cs.append(c6)
    return cs


def stat_of(w, kind="company", pk=None, month=MARCH) -> UnitMonthStat:
    return UnitMonthStat.objects.get(unit_kind=kind, unit_id=pk or w.company_a.pk, month=month)
