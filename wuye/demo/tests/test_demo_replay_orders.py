"""The demo's rectification orders agree with the services (issue 12 item 11).

The same scripts — an order issued by an inspection's submission, answered by the company, closed by
the re-inspection (回头看), marked overdue by the 10-minute rectification sweep — run once through
``wuye.supervision`` (``inspection_record`` → ``order_issue``, ``order_submit``, ``order_reinspect``,
``sweep_orders``) and once through the demo's ``order_replay``; the order rows and their events are
compared field by field. Left out: the ids and numbers, the events' times, which the services
stamp with the wall clock (the order's own times carry the script's instants), and who answered for
the company (the demo's companies mostly have no logins).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from wuye.core import calendar
from wuye.demo.supervision import SupervisionBuilder
from wuye.demo.supervision_inspections import sweep_tick_after
from wuye.supervision.models import OrderEvent, RectificationOrder, StandardItem
from wuye.supervision.orders.services import order_reinspect, order_submit
from wuye.supervision.orders.sweep import sweep_orders
from wuye.supervision.tests.inspection_support import (
    build_iworld,
    drawn_inspection,
    inspector_user_of,
    png,
    record,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 30, tzinfo=SH)
D = 24.0

# Each script: (days before NOW when issued, hours after issue of the company's answer, of the closing).
SCRIPTS = {
    "closed_in_time": (20, 30, 50),
    "submitted_in_time_closed_after_the_deadline": (30, 30, 12 * D),
    "submitted_late": (30, 10 * D, 11 * D),
    "open_and_overdue": (20, None, None),
    "submitted_waiting": (1, 5, None),
    "answered_after_now": (2, 3 * D, None),
}
SKIP_ORDER = {"id", "number"}
SKIP_EVENT = {"id", "order_id", "created_at"}


def row(obj, skip: set[str]) -> dict:
    out = {}
    for f in type(obj)._meta.concrete_fields:
        if f.attname in skip:
            continue
        value = getattr(obj, f.attname)
        if isinstance(value, datetime):
            value = timezone.localtime(value).replace(microsecond=0)
        out[f.attname] = value
    return out


def snapshot(order_id: int) -> tuple[dict, list[dict]]:
    order = RectificationOrder.objects.get(pk=order_id)
    return row(order, SKIP_ORDER), [row(e, SKIP_EVENT) for e in OrderEvent.objects.filter(order_id=order_id).order_by("id")]


def at_clock(moment: datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def iw(world):
    calendar.clear_cache()
    yield build_iworld(world)
    calendar.clear_cache()


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_the_demo_order_replay_writes_the_rows_the_services_write(iw, name):
    days_ago, answer, close = SCRIPTS[name]
    issued = (NOW - timedelta(days=days_ago)).replace(hour=15, minute=20, second=7)
    insp = drawn_inspection(iw)
    inspector = inspector_user_of(insp)
    item = StandardItem.objects.filter(standard_id=insp.standard_id).order_by("id").first()
    defect = f"{item.code} {item.text}"
    # The services: the inspection's submission issues the order; the sweep runs at its 10-minute passes.
    with at_clock(issued):
        record(insp, inspector, deductions={item.code: item.max_points}, defects={item.code: defect}, now=issued)
    real = RectificationOrder.objects.get(inspection=insp)
    tick = sweep_tick_after(real.deadline)
    steps = []
    if answer is not None and issued + timedelta(hours=answer) <= NOW:
        steps.append((issued + timedelta(hours=answer), "submit"))
        if close is not None and issued + timedelta(hours=close) <= NOW:
            steps.append((issued + timedelta(hours=close), "close"))
    swept = False
    for when, action in [*steps, (NOW, "end")]:
        if not swept and tick <= when:
            with at_clock(tick):
                sweep_orders(now=tick)
            swept = True
        if action == "end":
            break
        order = RectificationOrder.objects.get(pk=real.pk)
        with at_clock(when):
            if action == "submit":
                order_submit(actor=iw.w.users["manager_a"], order=order, note="已整改，上传整改前后照片", files=[png()],
                             now=when)
            else:
                order_reinspect(actor=inspector, order=order, passed=True, note="回头看：已整改到位，予以销号", now=when)
    # The demo: the same times through its replay.
    b = SupervisionBuilder(scale="small", seed=5, now=NOW, say=lambda text: None, city_id=iw.w.city.pk)
    b.open_order_tables()
    b.order_numbers[f"ZG{issued:%Y%m}"] = 1  # the services' order holds the month's first number
    e = b.estate_by_id[insp.estate_id]
    b.order_replay(insp.pk, e, {"id": item.pk, "code": item.code, "text": item.text}, issued, inspector.pk,
                   b.deadline(issued), issued + timedelta(hours=answer) if answer is not None else None,
                   issued + timedelta(hours=close) if close is not None else None)
    b.writer.finish()
    demo = RectificationOrder.objects.exclude(pk=real.pk).get()
    real_row, real_events = snapshot(real.pk)
    demo_row, demo_events = snapshot(demo.pk)
    problems = [f"order.{k}: services {v!r} ≠ demo {demo_row[k]!r}" for k, v in real_row.items() if demo_row[k] != v]
    if len(real_events) != len(demo_events):
        problems.append(f"events: services {[e['action'] for e in real_events]} ≠ demo {[e['action'] for e in demo_events]}")
    for i, (a, d) in enumerate(zip(real_events, demo_events, strict=False)):
        if a["action"] == "submit":
            a.pop("actor_id")  # the company's user: the demo's companies mostly have no logins
        problems += [f"event[{i}].{k}: services {v!r} ≠ demo {d[k]!r}" for k, v in a.items() if d[k] != v]
    assert not problems, "\n".join(problems)
