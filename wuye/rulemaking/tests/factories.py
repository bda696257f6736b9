"""Helpers of the rule-making tests: drafts written through the real services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from wuye.rulemaking import services as svc

TZ = timezone.get_default_timezone()


def local(d: date, hour: int = 12, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute, second, micro), tzinfo=TZ)


def make_draft(user, *, opens: date | None = None, days: int = 30, publish: bool = True, **kw):
    opens = opens or timezone.localdate()
    return svc.draft_create(actor=user, title=kw.pop("title", "X市物业管理条例（征求意见稿）"),
                            body=kw.pop("body", "第一条　为了规范物业管理活动。\n第二条　本条例适用于本市。"),
                            consultation_opens=opens, consultation_closes=kw.pop("closes", opens + timedelta(days=days)),
                            publish=publish, **kw)
