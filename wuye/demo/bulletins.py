"""Demo bulletin (issue 16 item 13): last month's issued 通报, drafted from the demo city's own data
by the real services, sent to every district (主送) and the city-level departments (抄送), public
on the portal, its receipts collected through a notice.

``build_demo_bulletins(scale=..., seed=..., now=..., city_id=..., say=...)``; the same data and
``now`` give the same bulletin (its text is read from the data, its number is the year's first).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.campaign.bulletins import services as svc
from wuye.campaign.bulletins.models import Bulletin
from wuye.core.calendar import add_months
from wuye.territory.models import Department, District


def build_demo_bulletins(*, scale: str = "small", seed: int = 2026, now: datetime | None = None, city_id: int,
                         say: Callable[[str], None] | None = None) -> dict[str, int]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    office = User.objects.filter(username="city").first() or User.objects.filter(role=Role.CITY).order_by("pk").first()
    if office is None:
        return {}
    this_month = date(today.year, today.month, 1)
    start = add_months(this_month, -1)
    end = this_month - timedelta(days=1)  # the last day of last month
    bulletin = svc.bulletin_draft(actor=office, kind=Bulletin.Kind.MONTHLY, period_start=start, period_end=end)
    main = [f"district:{pk}" for pk in District.objects.filter(city_id=city_id).order_by("code").values_list("pk", flat=True)]
    copy = [f"department:{pk}" for pk in Department.objects.filter(district__isnull=True).order_by("id").values_list("pk", flat=True)]
    svc.recipients_set(actor=office, bulletin=bulletin, main=main, copy=copy)
    svc.bulletin_edit(actor=office, bulletin=bulletin, title=bulletin.title, public=True)
    svc.bulletin_issue(actor=office, bulletin=bulletin, issue_date=min(today, date(today.year, today.month, 5)), now=now)
    return {"bulletins.Bulletin": 1, "bulletins.Recipient": len(main) + len(copy)}
