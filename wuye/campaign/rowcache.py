"""The board's computed task rows, kept for a short while (issue 16 item 17).

Building the status, progress and owed reports of 300 tasks from their 5,000 reports costs about
100 ms of Python, and the board is read far more often than the campaign changes. So the computed
part of each row (status, progress, what is owed, the report count) is kept in the cache under

- the campaign's *generation*: any save or delete of a row of the campaign app (plans, tasks, their
  units, milestones and quotas, reports and their timelines — a workflow transition always writes
  a timeline row) bumps it, at once and again after the commit, so that the next board is
  computed afresh and nothing computed from uncommitted data outlives the commit;
- today's date (a status depends on today);
- the set of tasks (users of one scope share an entry).

A task bound to a platform indicator (issue 16 item 3) reads data other apps own (complaints,
disclosures, old-compound acceptances over the whole city): each indicator's value is kept for
``INDICATOR_TTL`` seconds (:func:`indicator_value`), under its own generation, so that a report or
a task change recomputes the rows without reading the city's complaints again, and a periodic job
(``campaign.tasks.campaign_indicators_refresh``) computes them afresh every minute, so that no
reader waits for them. Its progress may be about a minute old (``INDICATOR_TTL`` seconds if the
job stops); an app that moves an indicator and wants the board to follow at once calls
:func:`invalidate`, which forgets both.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.cache import cache
from django.db import transaction

TTL = 120  # seconds
INDICATOR_TTL = 300  # seconds; refreshed every minute by the periodic job
GENERATION_KEY = "campaign:rows:generation"
INDICATOR_GENERATION_KEY = "campaign:indicators:generation"


def generation(name: str = GENERATION_KEY) -> int:
    value = cache.get(name)
    if value is None:
        cache.add(name, 1, timeout=None)
        value = cache.get(name) or 1
    return int(value)


def bump(name: str = GENERATION_KEY) -> None:
    """Forget every computed row (or, with ``INDICATOR_GENERATION_KEY``, every indicator value) now."""
    try:
        cache.incr(name)
    except ValueError:  # not set yet (or evicted)
        cache.add(name, 2, timeout=None)


def _bump_all() -> None:
    bump()
    bump(INDICATOR_GENERATION_KEY)


def invalidate(*, indicators: bool = True) -> None:
    """Forget every computed row and (unless ``indicators`` is false) every kept indicator value:
    now, and once more when the current transaction commits."""
    forget = _bump_all if indicators else bump
    forget()
    transaction.on_commit(forget)


def indicator_value(indicator, year: int, district_ids, *, refresh: bool = False):
    """``indicator.compute(year, district_ids)``, kept ``INDICATOR_TTL`` seconds
    (``campaign.indicators``); ``refresh`` computes and keeps it whatever is kept."""
    digest = hashlib.blake2b(",".join(map(str, sorted(district_ids))).encode(), digest_size=12).hexdigest()
    name = f"campaign:indicator:{generation(INDICATOR_GENERATION_KEY)}:{indicator.key}:{year}:{digest}"
    value = None if refresh else cache.get(name)
    if value is None:
        value = indicator.compute(year, list(district_ids))
        cache.set(name, value, INDICATOR_TTL)
    return value


def key(task_ids: list[int], today: date) -> str:
    digest = hashlib.blake2b(",".join(map(str, sorted(task_ids))).encode(), digest_size=12).hexdigest()
    return f"campaign:rows:{generation()}:{today.isoformat()}:{digest}"


def get(task_ids: list[int], today: date) -> dict | None:
    return cache.get(key(task_ids, today))


def put(task_ids: list[int], today: date, computed: dict) -> None:
    cache.set(key(task_ids, today), computed, TTL)


def on_campaign_write(sender, **kwargs) -> None:
    """``post_save`` / ``post_delete`` receiver: a write to any campaign model invalidates the rows
    (the indicators read other apps' data, which a campaign write does not change)."""
    if sender._meta.app_label == "campaign":
        invalidate(indicators=False)
