"""Credit scores, grades and lists (rules.md §9).

Score = min(basic, cap) + min(good, cap) − bad, over confirmed events that are neither expired
nor repaired on ``today``; grade by the thresholds in ``CreditSettings``; a veto item puts the
company on the black list whatever its score; red list = AAA companies (benchmark estates and
companies are listed beside them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from .models import CompanyCredit, CreditEvent, CreditRule, CreditSettings, Grade

ZERO = Decimal("0")


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


def counting_q(today: date) -> Q:
    """Events that count on ``today``: confirmed, started, not expired, not repaired."""
    return (
        Q(status=CreditEvent.Status.CONFIRMED, repaired_at__isnull=True, manager__isnull=True)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        & (Q(valid_until__isnull=True) | Q(valid_until__gt=today))
    )


def score_from_events(rows, cs: CreditSettings) -> Score:
    """rows: iterable of (klass, points)."""
    s = Score()
    for klass, points in rows:
        s.events += 1
        if klass == CreditRule.Klass.BASIC:
            s.raw_basic += points
        elif klass == CreditRule.Klass.GOOD:
            s.raw_good += points
        elif klass == CreditRule.Klass.BAD:
            s.bad += points
        elif klass == CreditRule.Klass.VETO:
            s.veto = True
            s.bad += points
    s.basic = min(s.raw_basic, cs.basic_cap)
    s.good = min(s.raw_good, cs.good_cap)
    return s


def credit_recompute(company_id: int, *, today: date | None = None) -> CompanyCredit:
    """Recompute one company's credit row from its events."""
    from .lists import benchmark_company_ids

    today = today or timezone.localdate()
    cs = CreditSettings.current()
    rows = CreditEvent.objects.filter(counting_q(today), company_id=company_id).values_list("klass", "points")
    s = score_from_events(rows, cs)
    total = s.total
    grade = cs.grade_for(total)
    black = s.veto or grade == Grade.C
    red = (grade == Grade.AAA or company_id in benchmark_company_ids()) and not black
    obj, _created = CompanyCredit.objects.update_or_create(
        company_id=company_id,
        defaults={"basic": s.basic, "good": s.good, "bad": s.bad, "score": total, "grade": grade, "veto": s.veto,
                  "red": red, "black": black, "event_count": s.events, "computed_at": timezone.now()},
    )
    return obj
