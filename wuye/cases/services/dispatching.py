"""Sending a complaint to a unit: the unit a dispatcher names, the tasks and their clocks
(rules.md §7: the resolve clock starts at dispatch), the rollups, and the evidence photos."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Q
from django.utils.translation import gettext as _

from wuye.cases import deadlines
from wuye.cases.models import Complaint, Event, Photo, Status, Task, UnitKind
from wuye.cases.rollups import rollup_refresh
from wuye.cases.units import Unit, parse_unit
from wuye.cases.workflow import MACHINE
from wuye.core.calendar import local_text
from wuye.core.errors import ServiceError
from wuye.core.uploads import check_photos
from wuye.core.workflow import conditional_update
from wuye.territory.models import Community, Department, Street

from . import common, recipients

S = Status


def task_conflict() -> str:
    return _("该任务已被他人处理，请刷新页面后重试")


def lead_task(c: Complaint) -> Task | None:
    """The lead task of the unit now handling ``c``."""
    return (
        Task.objects.filter(complaint=c, role=Task.Role.LEAD, unit_kind=c.unit_kind, unit_id=c.unit_id)
        .order_by("-id").first()
    )


def refresh_rollup(task: Task | None) -> None:
    """Refresh the monthly figures of the task's unit (the metrics read them)."""
    if task is not None:
        rollup_refresh(task.unit_kind, task.unit_id, task.month)


def unit_from_param(value, c: Complaint) -> Unit:
    """A unit named by the dispatcher: ``{"kind": "department", "id": 7}`` or ``"department:7"``."""
    unit = parse_unit(value)
    if unit is None:
        raise ServiceError(_("请选择有效的承办单位"))
    pk = unit.id
    # A unit outside the complaint's district cannot handle it (the city bureau and the city-level
    # departments, members of the leading group, excepted).
    in_district = {
        UnitKind.DEPARTMENT: lambda: Department.objects.filter(Q(district_id=c.district_id) | Q(district__isnull=True),
                                                               pk=pk).exists(),
        UnitKind.STREET: lambda: Street.objects.filter(pk=pk, district_id=c.district_id).exists(),
        UnitKind.COMMUNITY: lambda: Community.objects.filter(pk=pk, street__district_id=c.district_id).exists(),
        UnitKind.DISTRICT: lambda: pk == c.district_id,
        UnitKind.COMPANY: lambda: True,
        UnitKind.CITY: lambda: True,
    }[unit.kind]()
    if not in_district:
        raise ServiceError(_("承办单位不在诉求所在区县"))
    return unit


def start_task(c: Complaint, unit: Unit, role: str, now: datetime, *, user=None, due: datetime | None = None) -> Task:
    cat = c.category
    return Task.objects.create(
        complaint=c, role=role, unit_kind=unit.kind, unit_id=unit.id, unit_name=unit.name, month=common.month_of(now),
        dispatched_at=now, sign_due=deadlines.due_after(now, cat, "sign"),
        contact_due=deadlines.due_after(now, cat, "contact") if role == Task.Role.LEAD else None,
        due=due or deadlines.due_after(now, cat, "resolve"), urgency=(2 if c.emergency else 0) + c.supervision_level,
        called_by=user if getattr(user, "is_authenticated", False) else None,
    )


def dispatch(c: Complaint, user, now: datetime, unit: Unit, co_units=(), note: str = "", action: str = "dispatch",
              extra: dict | None = None) -> None:
    cat = c.category
    from_status = c.status
    fields = dict(
        status=S.DISPATCHED, unit_kind=unit.kind, unit_id=unit.id, unit_name=unit.name, dispatched_at=now,
        sign_due=deadlines.due_after(now, cat, "sign"), contact_due=deadlines.due_after(now, cat, "contact"),
        resolve_due=deadlines.due_after(now, cat, "resolve"), signed_at=None, contacted_at=None, replied_at=None,
        sign_overdue=False, contact_overdue=False, resolve_overdue=False, reply="",
    )
    if c.accepted_at is None:
        fields.update(accepted_at=now, accept_overdue=bool(c.accept_due and now > c.accept_due))
    if c.status == S.ACCEPTED and c.dispatch_due:
        # The desk's dispatch clock stops here; its overdue flag is frozen (rules.md §7).
        fields.update(dispatch_overdue=c.dispatch_overdue or now > c.dispatch_due)
    fields.update(extra or {})
    probe = Complaint(**{**{f.attname: getattr(c, f.attname) for f in Complaint._meta.concrete_fields}, **fields})
    fields["next_check_at"] = common.next_check_at(probe, now)
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text(), **fields)
    lead = start_task(c, unit, Task.Role.LEAD, now, user=user)
    names = [unit.name]
    for co in co_units:
        co_unit = unit_from_param(co, c)
        if co_unit.key != unit.key:
            start_task(c, co_unit, Task.Role.CO, now, user=user)
            recipients.notify_unit(co_unit.kind, co_unit.id, c, _("协办诉求"), _("诉求 %(code)s 请协同办理。") % {"code": c.tracking_code},
                         key=f"{action}:{c.version}:co")
            names.append(co_unit.name)
    common.add_event(c, action, actor=user, from_status=from_status, to_status=S.DISPATCHED, note=note, task=lead,
           data={"unit": unit.name, "co_units": names[1:]}, public=True, at=now)
    recipients.notify_unit(unit.kind, unit.id, c, _("新的派单"),
                 _("诉求 %(code)s（%(cat)s）已派至贵单位，请在 %(due)s 前签收。") % {
                     "code": c.tracking_code, "cat": cat.name,
                     "due": local_text(c.sign_due, "%m-%d %H:%M")},
                 key=f"{action}:{c.version}")
    refresh_rollup(lead)


def close_tasks(c: Complaint, state: str = Task.State.CLOSED) -> None:
    Task.objects.filter(complaint=c, state__in=[Task.State.PENDING, Task.State.SIGNED, Task.State.REPLIED]).update(
        state=state, version=F("version") + 1,
    )


def save_evidence(c: Complaint, ev: Event, photos) -> None:
    for p in check_photos(photos):
        photo = Photo(complaint=c, event=ev, kind=Photo.Kind.EVIDENCE, content_type=p.content_type, size=p.size,
                      width=p.width, height=p.height)
        photo.file.save(getattr(p.file, "name", "photo"), p.file, save=False)
        photo.save()

