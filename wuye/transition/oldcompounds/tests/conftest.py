"""Old-compound personas on top of the shared ``world``: an old compound in each district, with a
register entry, and the current year's campaign plan."""

from __future__ import annotations

import pytest
from django.utils import timezone

from wuye.registry import services as rs
from wuye.registry.models import Estate
from wuye.transition.oldcompounds import services as svc


@pytest.fixture
def oc(world):
    city = world.users["city"]
    world.old_a = rs.estate_create(actor=city, name="机床厂宿舍", address="东城区多福巷 20 号", community=world.c1,
                                   kind=Estate.Kind.OLD_COMPOUND, year_built=1982,
                                   management_mode=Estate.ManagementMode.NONE)
    world.old_b = rs.estate_create(actor=city, name="府右街7号院", address="西城区府右街 7 号", community=world.c2,
                                   kind=Estate.Kind.OLD_COMPOUND, year_built=1978,
                                   management_mode=Estate.ManagementMode.NONE)
    svc.profile_save(actor=world.users["district"], estate=world.old_a, households=96,
                     lacking={"lacks_enclosure", "lacks_water_meters"}, plan_status="planned",
                     plan_year=timezone.localdate().year, plan_note="年内加装封闭设施和门禁")
    svc.profile_save(actor=world.users["district2"], estate=world.old_b, households=48,
                     lacking={"lacks_enclosure", "lacks_lighting"})
    world.today = timezone.localdate()
    world.year = world.today.year
    return world
