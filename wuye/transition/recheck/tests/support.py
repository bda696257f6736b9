"""The world of a 回头看: last year's clean-up (here: this year's, so that the records are made by the
real services today) — rectification orders closed after re-inspection and complaints closed after a
satisfied callback — plus a street official and the police of district 1 and of the city."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import timezone

from wuye.accounts.models import Role
from wuye.cases import services as cs
from wuye.cases.models import Category, Complaint
from wuye.conftest import make_user
from wuye.core import calendar
from wuye.supervision.models import RectificationOrder
from wuye.supervision.orders import services as so
from wuye.supervision.tests.inspection_support import build_iworld, drawn_inspection, png, record
from wuye.territory.models import Department

DEFECTS = {"BJ03": "3 号楼垃圾桶周边散落垃圾", "XF03": "2 单元消防通道堆放杂物"}


@dataclass
class RWorld:
    w: object
    iw: object
    year: int
    orders: list
    complaints: list
    category: Category


def close_complaint(w, description: str) -> Complaint:
    u = w.users
    c = cs.complaint_file(estate=w.estate_a, category=Category.objects.get(code="cleaning_greening"),
                          description=description, reporter_name="王秀英", reporter_phone="13812345678")
    for user, action, params in (
        (u["district"], "accept", {}),
        (u["district"], "dispatch", {}),
        (u["staff_a"], "sign", {}),
        (u["staff_a"], "contact", {"note": "已电话联系"}),
        (u["staff_a"], "reply", {"note": "已处理完毕"}),
        (u["district"], "approve_reply", {"public_reply": "已处理完毕。"}),
        (None, "callback", {"reporter": True, "resolved": True, "satisfaction": "satisfied"}),
    ):
        c.refresh_from_db()
        if action == "accept" and c.status != "submitted":
            continue
        cs.complaint_act(user=user, complaint=c, action=action, **params)
    c.refresh_from_db()
    assert c.status == "closed", c.status
    return c


def build_rworld(world) -> RWorld:
    calendar.clear_cache()
    cs.settings_changed()
    iw = build_iworld(world)
    w = world
    insp = record(drawn_inspection(iw), deductions={"BJ03": 2, "XF03": 1}, defects=DEFECTS)
    orders = list(RectificationOrder.objects.filter(inspection=insp).order_by("id"))
    for o in orders:
        so.order_submit(actor=w.users["manager_a"], order=o, note="已清理", files=[png()])
        o.refresh_from_db()
        so.order_reinspect(actor=w.users["district"], order=o, passed=True, note="已整改到位")
        o.refresh_from_db()
    complaints = [close_complaint(w, f"{n}号楼门口的垃圾桶已经三天没有清运。") for n in (1, 2, 3)]
    w.users["street_official"] = w.users["street"]
    for district, name, key in ((w.d1, "东城区公安分局", "police"), (None, "市公安局", "city_police")):
        dept = Department.objects.create(district=district, kind=Department.Kind.POLICE, name=name)
        w.users[key] = make_user(f"p_{key}", Role.DEPARTMENT, department=dept)
    d2_police = Department.objects.create(district=w.d2, kind=Department.Kind.POLICE, name="西城区公安分局")
    w.users["police2"] = make_user("p_police2", Role.DEPARTMENT, department=d2_police)
    return RWorld(w, iw, timezone.localdate().year, orders, complaints, Category.objects.get(code="cleaning_greening"))


@pytest.fixture
def rworld(world):
    built = build_rworld(world)
    yield built
    calendar.clear_cache()
    cs.settings_changed()
