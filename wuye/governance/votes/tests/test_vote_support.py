"""Helpers for the owners' vote tests (no tests here): extra owners and units in estate A, and a
motion called the way the committee calls one."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from wuye.conftest import make_user
from wuye.governance.models import Motion
from wuye.governance.votes import services as svc
from wuye.registry import services as rs

TZ = timezone.get_default_timezone()
NOTICE = datetime(2026, 3, 1, 9, 0, tzinfo=TZ)      # notice posted 1 March (scenario 9)
OPENS = datetime(2026, 3, 16, 9, 0, tzinfo=TZ)      # voting opens 16 March
CLOSES = datetime(2026, 3, 31, 18, 0, tzinfo=TZ)
DURING = OPENS + timedelta(days=1)
AFTER = CLOSES + timedelta(minutes=1)


def add_owners(world, n: int, *, area: str = "100.00", prefix: str = "业主", building=None, accounts: bool = False):
    """``n`` more delivered units in estate A, each with its own owner (and a resident account)."""
    city = world.users["city"]
    building = building or world.building_a
    out = []
    for i in range(n):
        unit = rs.unit_create(actor=city, building=building, number=f"{prefix}-{i + 1}", exclusive_area=Decimal(area))
        owner = rs.owner_create(actor=city, name=f"{prefix}{i + 1}")
        rs.ownership_create(actor=city, unit=unit, owner=owner)
        user = make_user(f"{prefix}_u{i + 1}_{unit.pk}", "resident", owner=owner) if accounts else None
        out.append((unit, owner, user))
    return out


def call(world, *, actor=None, matter="hire_or_fire_manager", title="关于解聘现物业服务企业的表决", estate=None,
         opens=OPENS, closes=CLOSES, notice=NOTICE) -> Motion:
    return svc.motion_call(actor=actor or world.users["committee"], estate=estate or world.estate_a, title=title,
                           matter=matter, notice_date=notice.date(), voting_opens_at=opens, voting_closes_at=closes,
                           now=notice)
