"""The demo's in-memory complaint workflow agrees with the services (issue 12 item 11).

The same scripts of actions — file, accept, dispatch, sign, contact, reply, approve, callback,
close; returns approved and rejected; extensions approved and rejected; a reopen; a rejected reply;
a manual supervision; a refusal, a withdrawal; complaints still open and overdue — run once through
``wuye.cases`` (``complaint_file`` and ``complaint_act``, with the per-minute sweep run at every
minute it has work) and once through the demo's replay (``ComplaintBuilder``'s steps and ``finish``).
The resulting complaint, task, event and request rows are compared field by field. Free texts
(notes, replies, reasons) and who acted are the only columns left out: the demo writes no users
and draws its texts from templates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.cases import services
from wuye.cases.models import Category, Complaint, Event, Request, Task
from wuye.cases.sweep import sweep
from wuye.conftest import make_user
from wuye.core import calendar
from wuye.demo.complaint_rows import Plan, U
from wuye.demo.complaints import ComplaintBuilder
from wuye.territory.models import Department

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 30, tzinfo=SH)  # a Friday
H = 1.0  # one hour
D = 24.0  # one day

# Columns compared: everything but the row ids, who acted, the free texts and what the filing
# form holds (the demo draws its texts, names and phones from templates) — and the complaint's
# ``version``, the concurrency counter: the demo counts the steps and the sweep's passes that change
# the row (overdue marks, escalations), not the passes that only warn the unit before a deadline.
SKIP_COMPLAINT = {"id", "tracking_code", "source", "source_ticket", "title", "description", "location",
                  "search_tokens", "reporter_user_id", "reporter_name", "reporter_phone", "anonymous",
                  "created_by_id", "reply", "public_reply", "callback_comment", "updated_at", "version"}
# What the unit types at first contact (how, when, with whom, the result) is its own input, like a
# reply's text: the demo writes a plausible record, the replay types none.
SKIP_TASK = {"id", "complaint_id", "reply", "called_by_id", "created_at", "updated_at",
             "contact_method", "contact_made_at", "contact_person", "contact_result"}
SKIP_EVENT = {"id", "complaint_id", "task_id", "actor_id", "actor_label", "note"}
SKIP_REQUEST = {"id", "complaint_id", "task_id", "reason", "legal_basis", "requested_by_id", "decided_by_id",
                "decision_note", "created_at", "updated_at"}


@dataclass
class Step:
    action: str
    at: float  # hours after filing
    params: dict = field(default_factory=dict)


def S(action: str, at: float, **params) -> Step:
    return Step(action, at, params)


# Each script: (category code, days before NOW when filed, steps). Units: "routed" (the routing
# table's unit), "community", "street".
SCRIPTS: dict[str, tuple[str, float, list[Step]]] = {
    "happy": ("cleaning_greening", 20, [
        S("accept", 0.5), S("dispatch", 1), S("sign", 2), S("contact", 5), S("reply", 30), S("approve_reply", 32),
        S("callback", 50, resolved=True, satisfaction="satisfied")]),
    "late_everywhere": ("repairs", 30, [
        S("accept", 3.5), S("dispatch", 4), S("sign", 10), S("contact", 40), S("reply", 13 * D),
        S("approve_reply", 13 * D + 2), S("callback", 14 * D, resolved=False, satisfaction="dissatisfied"),
        S("close", 15 * D, unreasonable=True)]),
    "return_approved": ("repairs", 25, [
        S("accept", 0.3), S("dispatch", 0.8), S("sign", 1.5), S("contact", 3), S("request_return", 6),
        S("decide_return", 20, approve=True), S("dispatch", 21, unit="community"), S("sign", 22), S("contact", 23),
        S("reply", 3 * D), S("approve_reply", 3 * D + 4),
        S("callback", 4 * D, resolved=True, satisfaction="basically_satisfied")]),
    "return_rejected_extension": ("utility_sharing", 40, [
        S("dispatch", 0.6), S("sign", 1), S("contact", 2), S("request_return", 4), S("decide_return", 9, approve=False),
        S("extension", 30, decide=38, approve=True), S("reply", 9 * D), S("approve_reply", 9 * D + 1),
        S("close", 14 * D)]),
    "reopened": ("service_attitude", 60, [
        S("accept", 0.2), S("dispatch", 0.4), S("sign", 1), S("contact", 2), S("reply", 20), S("reject_reply", 26),
        S("reply", 50), S("approve_reply", 52), S("callback", 4 * D, resolved=False, satisfaction="dissatisfied"),
        S("reopen", 5 * D), S("sign", 5 * D + 1), S("contact", 5 * D + 3), S("reply", 7 * D), S("approve_reply", 7 * D + 2),
        S("callback", 8 * D, resolved=True, satisfaction="satisfied")]),
    "supervised_open": ("cleaning_greening", 2, [
        S("accept", 0.1), S("dispatch", 0.3), S("sign", 1), S("contact", 3), S("supervise", 8, level=2)]),
    "signed_overdue_open": ("property_fees", 3, [S("accept", 1), S("dispatch", 1.5), S("sign", 3)]),
    "dispatched_overdue_open": ("repairs", 1.2, [S("dispatch", 0.5)]),
    "submitted_overdue_open": ("parking_fees", 0.4, []),
    "accepted_waiting": ("noise", 0.3, [S("accept", 0.5)]),
    "return_pending": ("parking_fees", 1.5, [
        S("accept", 0.2), S("dispatch", 0.5), S("sign", 1), S("contact", 2), S("request_return", 20)]),
    "extension_rejected_open": ("repairs", 4, [
        S("dispatch", 0.5), S("sign", 1), S("contact", 2), S("extension", 20, decide=26, approve=False)]),
    "refused": ("other", 5, [S("refuse", 1)]),
    "withdrawn": ("noise", 6, [S("dispatch", 1), S("sign", 2), S("withdraw", 3)]),
    "callback_pending": ("elevator", 4, [
        S("accept", 0.2), S("dispatch", 0.4), S("sign", 0.6), S("contact", 1), S("reply", 30), S("approve_reply", 31)]),
}


def at(created: datetime, hours: float) -> datetime:
    return created + timedelta(seconds=round(hours * 3600))


def created_at(days_ago: float) -> datetime:
    return (NOW - timedelta(days=days_ago)).replace(microsecond=0) + timedelta(seconds=17)


# ---- the demo's path ------------------------------------------------------------------------------


def play_demo(world, names: list[str]) -> list[int]:
    b = ComplaintBuilder(scale="small", seed=3, now=NOW, say=lambda text: None, city_id=world.city.pk)
    e = next(x for x in b.estates if x.id == world.estate_a.pk)
    ids = []
    for name in names:
        code, days_ago, steps = SCRIPTS[name]
        cat = b.cats[code]
        created = created_at(days_ago).astimezone(SH).replace(tzinfo=None)
        c = b.new_case(e, cat, created, Plan(forced=True))
        req = None
        for step in steps:
            t = at(created, step.at)
            p = step.params
            if step.action == "dispatch":
                unit = b.route_of(c) if p.get("unit") is None else b.unit(
                    {"community": U.COMMUNITY, "street": U.STREET}[p["unit"]],
                    e.community_id if p["unit"] == "community" else e.street_id)
                b.do_dispatch(c, t, unit)
            elif step.action == "reply":
                b.do_reply(c, t, "已处理完毕。")
            elif step.action == "callback":
                b.do_callback(c, t, p["resolved"], p["satisfaction"])
            elif step.action == "close":
                b.do_close(c, t, "办结。", p.get("unreasonable", False))
            elif step.action == "request_return":
                req = b.do_request_return(c, t)
            elif step.action == "decide_return":
                b.do_decide_return(c, t, req, p["approve"])
            elif step.action == "extension":
                b.do_extension(c, t, at(created, p["decide"]), p["approve"])
            elif step.action == "supervise":
                b.do_supervise(c, t, p["level"])
            else:
                method = {"accept": b.do_accept, "refuse": b.do_refuse, "sign": b.do_sign, "contact": b.do_contact,
                          "approve_reply": b.do_approve, "reject_reply": b.do_reject_reply, "reopen": b.do_reopen,
                          "withdraw": b.do_withdraw}[step.action]
                method(c, t)
        b.finish(c)
        ids.append(c.id)
    b.writer.finish()
    return ids


# ---- the services' path ---------------------------------------------------------------------------


def whole_minute_after(moment: datetime) -> datetime:
    """The first run of the per-minute sweep at or after ``moment``."""
    floor = moment.replace(second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(minutes=1)


def sweep_until(pk: int, until: datetime) -> None:
    """Run the sweep at every whole minute up to ``until`` at which it has work for the complaint."""
    while True:
        nxt = Complaint.objects.get(pk=pk).next_check_at
        if nxt is None:
            return
        minute = whole_minute_after(nxt)
        if minute > until:
            return
        sweep(now=minute)


LEAD = object()  # the user of the unit the complaint is with, at the time


def lead_user(world, c: Complaint):
    u = world.users
    return {U.COMPANY: u["manager_a"], U.COMMUNITY: u["community"], U.STREET: u["street"],
            U.DISTRICT: u["district"]}.get(c.unit_kind) or User.objects.get(role=Role.DEPARTMENT,
                                                                            department_id=c.unit_id)


def play_services(world, names: list[str], demo_requests: dict[int, list[Request]]) -> list[int]:
    u = world.users
    estate = world.estate_a
    ids = []
    for n, name in enumerate(names):
        code, days_ago, steps = SCRIPTS[name]
        created = created_at(days_ago)
        with mock.patch("django.utils.timezone.now", return_value=created):
            c = services.complaint_file(estate=estate, category=Category.objects.get(code=code),
                                        description="3号楼门口的垃圾桶已经三天没有清运。", reporter_name="王秀英",
                                        reporter_phone="13812345678", at=created)
        extensions = iter(r for r in demo_requests[n] if r.kind == Request.Kind.EXTENSION)
        returns = iter(r for r in demo_requests[n] if r.kind == Request.Kind.RETURN)
        for step in steps:
            p = dict(step.params)
            t = at(created, step.at)
            actions: list[tuple[datetime, object, str, dict]] = []
            if step.action == "dispatch":
                unit = p.pop("unit", None)
                if unit == "community":
                    p["unit"] = f"community:{world.c1.pk}"
                elif unit == "street":
                    p["unit"] = f"street:{world.s1.pk}"
                actions.append((t, u["district"], "dispatch", p))
            elif step.action == "extension":
                demo = next(extensions)
                actions.append((t, LEAD, "request_extension", {"note": "需要更换配件", "amount": demo.amount,
                                                                "unit": demo.unit}))
                actions.append((at(created, p["decide"]), u["district"], "decide_extension",
                                {"approve": p["approve"], "note": "" if p["approve"] else "理由不充分"}))
            elif step.action in ("sign", "contact", "reply", "request_return"):
                note = {"reply": "已处理完毕。", "request_return": "不属于本单位职责"}.get(step.action, "")
                extra = {"legal_basis": next(returns).legal_basis} if step.action == "request_return" else {}
                actions.append((t, LEAD, step.action, {"note": note, **extra}))
            elif step.action in ("callback", "withdraw"):
                actions.append((t, None, step.action, {"reporter": True, "note": "", **p}))
            else:
                note = {"refuse": "不属于受理范围", "reject_reply": "请补充照片", "reopen": "问题未解决，重办",
                        "close": "办结。", "decide_return": "" if p.get("approve") else "属于本单位职责",
                        "supervise": "请尽快处理"}.get(step.action, "")
                actions.append((t, u["district"], step.action, {"note": note, **p}))
            for when, user, action, params in actions:
                sweep_until(c.pk, when)
                c = Complaint.objects.get(pk=c.pk)
                if user is LEAD:
                    user = lead_user(world, c)
                with mock.patch("django.utils.timezone.now", return_value=when):
                    services.complaint_act(user=user, complaint=c, action=action, **params)
        sweep_until(c.pk, NOW)
        ids.append(c.pk)
    return ids


# ---- comparing the rows -----------------------------------------------------------------------------


def row(obj, skip: set[str]) -> dict:
    out = {}
    for f in type(obj)._meta.concrete_fields:
        if f.attname in skip:
            continue
        value = getattr(obj, f.attname)
        if isinstance(value, datetime):
            value = timezone.localtime(value).replace(microsecond=0)
        if f.attname == "data" and isinstance(value, str):
            value = json.loads(value)
        out[f.attname] = value
    return out


def tasks_of(pk: int) -> list[dict]:
    return [row(t, SKIP_TASK) for t in Task.objects.filter(complaint_id=pk).order_by("id")]


def events_of(pk: int) -> list[dict]:
    out = []
    for ev in Event.objects.filter(complaint_id=pk).order_by("created_at", "id"):
        r = row(ev, SKIP_EVENT)
        r["task_role"] = ev.task.role if ev.task_id else None
        if ev.action in ("overdue",) or (ev.action == "supervise" and not ev.data.get("manual")):
            r["note"] = ev.note  # the sweep's own texts
        out.append(r)
    return out


def requests_of(pk: int) -> list[dict]:
    return [row(r, SKIP_REQUEST) for r in Request.objects.filter(complaint_id=pk).order_by("id")]


def differences(real: list[dict] | dict, demo: list[dict] | dict, what: str) -> list[str]:
    if isinstance(real, dict):
        real, demo = [real], [demo]
    out = []
    if len(real) != len(demo):
        out.append(f"{what}: {len(real)} rows by the services, {len(demo)} by the demo")
    for i, (a, b) in enumerate(zip(real, demo, strict=False)):
        for k in a:
            if a[k] != b.get(k):
                out.append(f"{what}[{i}].{k}: services {a[k]!r} ≠ demo {b.get(k)!r}")
    return out


@pytest.fixture
def replay_world(world):
    for kind, name in ((Department.Kind.FIRE, "东城区消防救援支队"), (Department.Kind.POLICE, "东城区公安分局"),
                       (Department.Kind.HOUSING, "东城区住房和城乡建设委员会")):
        dept = Department.objects.create(district=world.d1, kind=kind, name=name)
        make_user(f"p_{kind}", Role.DEPARTMENT, department=dept)
    calendar.clear_cache()
    services.settings_changed()
    yield world
    calendar.clear_cache()
    services.settings_changed()


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_the_demo_replay_writes_the_rows_the_services_write(replay_world, name):
    demo_ids = play_demo(replay_world, [name])
    demo_requests = {0: list(Request.objects.filter(complaint_id=demo_ids[0]).order_by("id"))}
    real_ids = play_services(replay_world, [name], demo_requests)
    problems = []
    for real, demo in zip(real_ids, demo_ids, strict=True):
        problems += differences(row(Complaint.objects.get(pk=real), SKIP_COMPLAINT),
                                row(Complaint.objects.get(pk=demo), SKIP_COMPLAINT), "complaint")
        problems += differences(tasks_of(real), tasks_of(demo), "task")
        problems += differences(events_of(real), events_of(demo), "event")
        problems += differences(requests_of(real), requests_of(demo), "request")
    assert not problems, "\n".join(problems)
