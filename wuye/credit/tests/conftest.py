"""Helpers of the credit tests: events are put on record through the real services."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.utils import timezone

from wuye.credit.auto import credit_event_auto
from wuye.credit.models import CreditEvent, CreditRule
from wuye.credit.services import credit_event_confirm

_keys = itertools.count(1)


def confirmed(company, code: str, *, occurred_on: date | None = None, manager=None, estate=None) -> CreditEvent:
    """An automatic event for ``code``, confirmed as the sweep would once its notice is over."""
    occurred_on = occurred_on or timezone.localdate()
    rule = CreditRule.objects.get(code=code)
    if not rule.active:
        rule.active = True
        rule.save()
    event = credit_event_auto(company=company, rule_code=code, source_key=f"test:{code}:{next(_keys)}",
                              occurred_on=occurred_on, description=f"测试 {code}", manager=manager, estate=estate)
    assert credit_event_confirm(event=event, now=event.notice_end + timedelta(seconds=1))
    event.refresh_from_db()
    return event


@pytest.fixture
def confirm():
    return confirmed
