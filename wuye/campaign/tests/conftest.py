"""Campaign personas on top of the shared ``world``: a city-level department (a member unit of the
leading group) with a user, and a plan of the current year."""

from __future__ import annotations

import pytest
from django.utils import timezone

from wuye.accounts.models import Role
from wuye.campaign import services as svc
from wuye.cases.units import get_unit
from wuye.conftest import make_user
from wuye.territory.models import Department


@pytest.fixture
def camp(world):
    city = world.users["city"]
    dept = svc.department_register(actor=city, name="市城市管理委员会", kind=Department.Kind.URBAN_MANAGEMENT)
    world.users["city_dept"] = make_user("p_city_dept", Role.DEPARTMENT, department=dept)
    other = svc.department_register(actor=city, name="市燃气集团", kind=Department.Kind.GAS)
    world.users["gas"] = make_user("p_gas", Role.DEPARTMENT, department=other)
    year = timezone.localdate().year
    plan = svc.plan_create(actor=city, year=year, title=f"{year}年工作方案")
    world.city_dept, world.gas, world.plan, world.year = dept, other, plan, year
    world.unit = lambda kind, pk: get_unit(kind, pk)
    return world
