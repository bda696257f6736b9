"""Credit scores, grades and lists (rules.md §9).

Score = min(basic, cap) + min(good, cap) − bad, over confirmed events that are neither expired
nor repaired on ``today``; grade by the thresholds in ``CreditSettings``; a veto item puts the
company on the black list whatever its score; red list = AAA companies and benchmark companies
(benchmark estates are listed beside them on the public red list).

Decisions documented here:
- An event counts from ``valid_from`` (its ``occurred_on``) until the day before ``valid_until``
  (``occurred_on`` + the rule's validity); ``valid_until`` empty = until rectified (repaired).
- A company with no counting credit information at all is *unrated*: its row shows score 0 and
  grade C, but it is put on the black list only for a veto item — the black list is for
  established bad conduct, not for a company the platform has no record of yet.
- The score sum is written once, here (``score_from_sums``): the single recompute, the bulk
  recompute and the demo generator all go through it.
- Recomputing is arithmetic plus the company's own ``CompanyCredit`` row: it opens no exit case
  and sends nothing. It reports a company that has just been black-listed (``newly_black`` on the
  row, ``black_listed`` in the bulk result) and the caller — ``services.credit_refresh``, the
  sweep, the nightly job — opens the exit cases (``exits.exit_cases_open``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from wuye.campaign.training.hours import manager_year_hours
from wuye.registry.models import PropertyCompany

from .models import (
    Benchmark,
    CompanyCredit,
    CreditEvent,
    CreditRule,
    CreditSettings,
    Grade,
    ManagerCredit,
)

ZERO = Decimal("0")
BAD_KLASSES = (CreditRule.Klass.BAD, CreditRule.Klass.VETO)


@dataclass
class Score:
    basic: Decimal = ZERO
    good: Decimal = ZERO
    bad: Decimal = ZERO
    veto: bool = False
    events: int = 0
    raw_basic: Decimal = ZERO
    raw_good: Decimal = ZERO
    details: list = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.basic + self.good - self.bad


def live_q(today: date) -> Q:
    """Confirmed events in force on ``today``: started, not expired, not repaired."""
    return (
        Q(status=CreditEvent.Status.CONFIRMED, repaired_at__isnull=True)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        & (Q(valid_until__isnull=True) | Q(valid_until__gt=today))
    )


def counting_q(today: date) -> Q:
    """Events that count for a company's score on ``today`` (project managers' items excluded)."""
    return live_q(today) & Q(manager__isnull=True)


def score_from_sums(parts: Mapping[str, tuple[Decimal, int]], cs: CreditSettings) -> Score:
    """The score sum (rules.md §9), the one place it is written: ``parts`` maps a class (basic,
    good, bad, veto) to the (sum of points, number of events) of the events that count.
    Score = min(basic, basic cap) + min(good, good cap) − (bad + veto); a veto item flags ``veto``."""
    s = Score()
    for klass, (total, n) in parts.items():
        s.events += n
        if klass == CreditRule.Klass.BASIC:
            s.raw_basic += total
        elif klass == CreditRule.Klass.GOOD:
            s.raw_good += total
        elif klass in BAD_KLASSES:
            s.bad += total
            s.veto = s.veto or (klass == CreditRule.Klass.VETO and n > 0)
    s.basic = min(s.raw_basic, cs.basic_cap)
    s.good = min(s.raw_good, cs.good_cap)
    return s


def sums_of(rows: Iterable[tuple[str, Decimal]]) -> dict[str, tuple[Decimal, int]]:
    """(klass, points) rows → {klass: (sum, count)}."""
    parts: dict[str, tuple[Decimal, int]] = {}
    for klass, points in rows:
        total, n = parts.get(klass, (ZERO, 0))
        parts[klass] = (total + points, n + 1)
    return parts


def score_from_events(rows, cs: CreditSettings) -> Score:
    """rows: iterable of (klass, points)."""
    return score_from_sums(sums_of(rows), cs)


def company_sums(today: date, company_ids: Iterable[int] | None = None) -> dict[int, dict[str, tuple[Decimal, int]]]:
    """One aggregate over the events that count on ``today``: {company: {klass: (sum, count)}}
    (every company, or those of ``company_ids``)."""
    qs = CreditEvent.objects.filter(counting_q(today))
    if company_ids is not None:
        qs = qs.filter(company_id__in=list(company_ids))
    sums: dict[int, dict[str, tuple[Decimal, int]]] = defaultdict(dict)
    agg = (qs.order_by().values("company_id", "klass").annotate(total=Sum("points"), n=Count("id"))
           .values_list("company_id", "klass", "total", "n"))
    for company_id, klass, total, n in agg:
        sums[company_id][klass] = (total or ZERO, n)
    return sums


def benchmark_company_ids() -> set[int]:
    """Benchmark companies are on the red list (rules.md §9)."""
    return set(Benchmark.objects.filter(kind=Benchmark.Kind.COMPANY, active=True).values_list("company_id", flat=True))


def company_score(company_id: int, *, today: date | None = None) -> tuple[Score, str]:
    """A company's score and grade on ``today``, computed and not stored."""
    cs = CreditSettings.current()
    s = score_from_sums(company_sums(today or timezone.localdate(), [company_id]).get(company_id, {}), cs)
    return s, cs.grade_for(s.total)


def lists_for(score: Score, grade: str, *, benchmark: bool) -> tuple[bool, bool]:
    """(red, black) for a computed score."""
    black = score.veto or (grade == Grade.C and score.events > 0)
    red = (grade == Grade.AAA or benchmark) and not black
    return red, black


def _apply(obj: CompanyCredit, s: Score, cs: CreditSettings, benchmark: bool, now) -> None:
    total = s.total
    grade = cs.grade_for(total)
    red, black = lists_for(s, grade, benchmark=benchmark)
    obj.basic, obj.good, obj.bad, obj.score, obj.grade = s.basic, s.good, s.bad, total, grade
    obj.veto, obj.red, obj.black, obj.event_count, obj.computed_at = s.veto, red, black, s.events, now


def credit_recompute(company_id: int, *, today: date | None = None) -> CompanyCredit:
    """Recompute one company's credit row from its events. Pure arithmetic plus this row: the row
    carries ``newly_black`` (it has just been put on the black list) for the caller to act on."""
    today = today or timezone.localdate()
    now = timezone.now()
    cs = CreditSettings.current()
    s = score_from_sums(company_sums(today, [company_id]).get(company_id, {}), cs)
    with transaction.atomic():
        obj = CompanyCredit.objects.select_for_update().filter(company_id=company_id).first()
        was_black = bool(obj and obj.black)
        if obj is None:
            obj = CompanyCredit(company_id=company_id)
        _apply(obj, s, cs, company_id in benchmark_company_ids(), now)
        obj.save()
    obj.newly_black = obj.black and not was_black
    return obj


def credit_recompute_all(*, today: date | None = None, batch_size: int = 250) -> dict:
    """Recompute every company's credit in bulk: one aggregate query (sum and count per company
    and class), one read of the existing rows, then ``bulk_update`` / ``bulk_create`` in batches.
    Returns counts (companies, created, changed, newly black-listed) and ``black_listed``, the ids
    of the companies just put on the black list (the caller opens their exit cases)."""
    today = today or timezone.localdate()
    now = timezone.now()
    cs = CreditSettings.current()
    sums = company_sums(today)
    benchmarks = benchmark_company_ids()
    existing = {c.company_id: c for c in CompanyCredit.objects.all()}
    company_ids = list(PropertyCompany.objects.order_by("pk").values_list("pk", flat=True))
    fields = ["basic", "good", "bad", "score", "grade", "veto", "red", "black", "event_count"]
    to_update, to_create, newly_black = [], [], []
    for company_id in company_ids:
        s = score_from_sums(sums.get(company_id, {}), cs)
        obj = existing.get(company_id)
        was_black = bool(obj and obj.black)
        if obj is None:
            obj = CompanyCredit(company_id=company_id)
            _apply(obj, s, cs, company_id in benchmarks, now)
            to_create.append(obj)
        else:
            before = [getattr(obj, f) for f in fields]
            _apply(obj, s, cs, company_id in benchmarks, now)
            if [getattr(obj, f) for f in fields] != before:
                to_update.append(obj)
        if obj.black and not was_black:
            newly_black.append(company_id)
    with transaction.atomic():
        # Only the rows whose figures changed are rewritten (in small batches: an UPDATE … CASE
        # grows with the batch); the computation time of every row is set by one statement.
        if to_update:
            _write_rows(to_update, fields, batch_size)
        if to_create:
            CompanyCredit.objects.bulk_create(to_create, batch_size=2000)
        CompanyCredit.objects.update(computed_at=now)
    return {"companies": len(company_ids), "created": len(to_create), "changed": len(to_update),
            "newly_black": len(newly_black), "black_listed": newly_black}


def _write_rows(rows: list[CompanyCredit], fields: list[str], batch_size: int) -> None:
    """Rewrite the changed rows. PostgreSQL: one ``UPDATE … FROM (VALUES …)`` per 1,000 rows (Django's
    ``bulk_update`` builds a CASE per column, whose cost grows with the batch); others: ``bulk_update``."""
    if connection.vendor != "postgresql":
        CompanyCredit.objects.bulk_update(rows, fields, batch_size=batch_size)
        return
    table = CompanyCredit._meta.db_table
    casts = {"basic": "numeric", "good": "numeric", "bad": "numeric", "score": "numeric", "grade": "varchar",
             "veto": "boolean", "red": "boolean", "black": "boolean", "event_count": "integer"}
    columns = ", ".join(["company_id", *fields])
    assignments = ", ".join(f"{f} = v.{f}::{casts[f]}" for f in fields)
    placeholder = "(" + ", ".join(["%s::bigint"] + ["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 1000):
            chunk = rows[i:i + 1000]
            values = ", ".join([placeholder] * len(chunk))
            params = [v for o in chunk for v in (o.company_id, *(getattr(o, f) for f in fields))]
            cursor.execute(f"UPDATE {table} AS c SET {assignments} FROM (VALUES {values}) AS v({columns}) "
                           f"WHERE c.company_id = v.company_id", params)


def manager_live_q(today: date) -> Q:
    return live_q(today) & Q(manager__isnull=False, klass__in=BAD_KLASSES)


def manager_recompute(manager_id: int, *, today: date | None = None) -> ManagerCredit:
    """A project manager's personal score: the base less confirmed, unexpired deductions, and this
    year's training hours."""
    today = today or timezone.localdate()
    cs = CreditSettings.current()
    deductions = (CreditEvent.objects.filter(manager_live_q(today), manager_id=manager_id)
                  .aggregate(s=Sum("points"))["s"] or ZERO)
    hours = manager_year_hours(manager_id, today.year)  # attendance + hand-recorded hours, one home
    obj, _created = ManagerCredit.objects.update_or_create(
        manager_id=manager_id,
        defaults={"score": cs.manager_base_score - deductions, "deductions": deductions, "training_hours": hours,
                  "computed_at": timezone.now()},
    )
    return obj
