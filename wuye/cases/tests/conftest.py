"""Complaint fixtures: the world of wuye/conftest.py plus the departments complaints need."""

from __future__ import annotations

import pytest

from wuye.accounts.models import Role
from wuye.cases import services
from wuye.cases.models import Category
from wuye.conftest import make_user
from wuye.core import calendar
from wuye.territory.models import Department


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.clear_cache()
    services.settings_changed()
    yield
    calendar.clear_cache()
    services.settings_changed()


@pytest.fixture
def cworld(world):
    """The world, with fire, urban management, police and housing departments in district 1
    (each with one officer: users "fire", "urban", "police", "housing") and a resident account."""
    d1 = world.d1
    for kind, name, username in (
        (Department.Kind.FIRE, "东城区消防救援支队", "fire"),
        (Department.Kind.URBAN_MANAGEMENT, "东城区城市管理委员会", "urban"),
        (Department.Kind.POLICE, "东城区公安分局", "police"),
        (Department.Kind.HOUSING, "东城区住房和城乡建设委员会", "housing"),
    ):
        dept = Department.objects.create(district=d1, kind=kind, name=name)
        world.users[username] = make_user(f"p_{username}", Role.DEPARTMENT, department=dept)
    world.users["resident"].phone = "13812345678"
    world.users["resident"].full_name = "王秀英"
    world.users["resident"].save(update_fields=["phone", "full_name"])
    return world


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def file(world, code: str = "cleaning_greening", estate=None, **kwargs):
    """A complaint filed on the public form by 王阿姨 about 幸福里小区 (scenario 1)."""
    defaults = dict(
        estate=estate or world.estate_a, category=category(code),
        description=kwargs.pop("description", "3号楼门口的垃圾桶已经三天没有清运，气味很大。"),
        reporter_name="王秀英", reporter_phone="13812345678",
    )
    defaults.update(kwargs)
    return services.complaint_file(**defaults)


def act(user, complaint, action, **params):
    return services.complaint_act(user=user, complaint=complaint, action=action, **params)
