"""Helpers of the inspection tests: the world with an inspector pool, a plan drawn through the real
services, and an inspection recorded by its inspector."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wuye.accounts.models import Role
from wuye.conftest import make_user
from wuye.core import calendar
from wuye.supervision.inspections import services as si
from wuye.supervision.models import Inspection, Standard, StandardItem
from wuye.territory.models import Department


@dataclass
class IWorld:
    w: object
    standard: Standard
    inspectors: list  # Inspector rows of district 1's pool
    inspector_users: list
    city_inspector: object
    d2_inspector: object


def png(name: str = "photo.png", color=(40, 120, 200)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def build_iworld(world) -> IWorld:
    city = world.users["city"]
    dept1 = Department.objects.create(district=world.d1, kind=Department.Kind.HOUSING, name="东城区住房和城乡建设委员会")
    dept2 = Department.objects.create(district=world.d2, kind=Department.Kind.HOUSING, name="西城区住房和城乡建设委员会")
    users, inspectors = [], []
    for n in range(1, 4):
        u = make_user(f"p_insp{n}", Role.DEPARTMENT, department=dept1)
        u.full_name = ["周检", "吴查", "郑督"][n - 1]
        u.phone = f"1390000000{n}"
        u.save(update_fields=["full_name", "phone"])
        users.append(u)
        inspectors.append(si.inspector_create(actor=world.users["district"], user=u, district=world.d1,
                                              organisation="东城区住建委", expertise="物业管理"))
    cu = make_user("p_insp_city", Role.DEPARTMENT, department=dept1)
    city_inspector = si.inspector_create(actor=city, user=cu, district=None, organisation="市住房保障房产局")
    du = make_user("p_insp_d2", Role.DEPARTMENT, department=dept2)
    d2_inspector = si.inspector_create(actor=world.users["district2"], user=du, district=world.d2, organisation="西城区住建委")
    standard = Standard.objects.get(code="WYFW-2026", status=Standard.Status.PUBLISHED)
    return IWorld(world, standard, inspectors, users, city_inspector, d2_inspector)


@pytest.fixture
def iworld(world):
    calendar.clear_cache()
    return build_iworld(world)


def make_plan(iw: IWorld, actor=None, **kw):
    w = iw.w
    defaults = dict(name="2026 年第四季度东城区物业服务日常检查", kind="routine", standard=iw.standard,
                    start_date=date(2026, 11, 2), end_date=date(2026, 11, 30), district=w.d1, estate_count=1,
                    inspector_count=2)
    defaults.update(kw)
    return si.plan_create(actor=actor or w.users["district"], **defaults)


def drawn_inspection(iw: IWorld, seed: str = "seed-2026") -> Inspection:
    plan = make_plan(iw)
    si.draw_create(actor=iw.w.users["district"], plan=plan, seed=seed)
    return Inspection.objects.get(plan=plan)


def inspector_user_of(insp: Inspection):
    return insp.inspectors.select_related("user").order_by("id").first().user


def items(insp: Inspection) -> dict[str, StandardItem]:
    return {i.code: i for i in StandardItem.objects.filter(standard_id=insp.standard_id)}


def record(insp: Inspection, user=None, *, deductions: dict | None = None, defects: dict | None = None,
           na: tuple = (), submit: bool = True, photos: dict | None = None, now=None) -> Inspection:
    """deductions: {code: points}; defects: {code: note}; na: codes; photos: {code: [files]}."""
    by_code = items(insp)
    entries = {}
    for code, it in by_code.items():
        entries[it.pk] = {"deduction": Decimal(str((deductions or {}).get(code, 0))), "not_applicable": code in na,
                          "defect": code in (defects or {}), "note": (defects or {}).get(code, "")}
    insp.refresh_from_db()
    return si.inspection_record(actor=user or inspector_user_of(insp), inspection=insp, entries=entries,
                                photos={by_code[c].pk: f for c, f in (photos or {}).items()}, submit=submit, now=now)
