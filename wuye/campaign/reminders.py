"""Reminders of missing and late progress reports (issue 16 item 4): 催办 → 督办 by the same
supervision rules as complaints — the city's ``EscalationRule`` table read by
``wuye.cases.services.common.sweep_settings`` and applied by ``wuye.cases.sweep.escalated_level``;
a task's reports escalate no further than 督办. Run by the periodic Huey task in ``tasks.py``.

Each raise is claimed by a conditional UPDATE of the task's ``supervision_level`` (and version):
two workers, or two runs, never remind twice. Each raise writes a ``TaskEvent``, an audit row and
the notifications to the lead unit (and the co-units that owe a report).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import unit_users
from wuye.cases.models import SupervisionLevel
from wuye.cases.services.common import sweep_settings
from wuye.cases.sweep import escalated_level
from wuye.core.audit import audit_record
from wuye.core.errors import ConflictError
from wuye.core.models import AuditAction
from wuye.core.workflow import conditional_update
from wuye.notifications.services import Message, notify_many

from .models import Task, TaskEvent, TaskStatus
from .selectors import task_rows

MAX_LEVEL = SupervisionLevel.SUPERVISE


def remind_sweep(now: datetime | None = None) -> dict:
    """Raise the supervision level of every open task whose reports are missing; lower it back to
    none once nothing is owed. Returns counts."""
    now = now or timezone.now()
    _warn, rules = sweep_settings()
    rules = [(level, hours) for level, hours in rules if level <= MAX_LEVEL]
    year = timezone.localdate(now).year
    tasks = Task.objects.filter(completed_at=None, plan__year__gte=year - 1).filter(
        Q(plan__year__lte=year)).select_related("plan")
    raised = cleared = 0
    for row in task_rows(tasks, now=now):
        task = row.task
        current = task.supervision_level
        if row.status == TaskStatus.DONE or not row.missing:
            if current:
                cleared += _set_level(task, current, SupervisionLevel.NONE, now, note=_("欠报已补齐，解除督办"))
            continue
        level = escalated_level(current, row.missing_since, now, rules)
        if level > current:
            raised += _set_level(task, current, level, now, missing=row.missing)
    return {"raised": raised, "cleared": cleared}


def _set_level(task: Task, current: int, level: int, now: datetime, *, note: str = "", missing=()) -> int:
    label = str(SupervisionLevel(level).label)
    note = note or _("%(label)s：欠报 %(periods)s") % {"label": label, "periods": "、".join(missing)}
    try:
        with transaction.atomic():
            conditional_update(Task, task, expect={"supervision_level": current}, supervision_level=level)
            TaskEvent.objects.create(task=task, action="escalate" if level > current else "clear",
                                     from_status=str(current), to_status=str(level), note=note, created_at=now)
            audit_record(action=AuditAction.UPDATE, actor=None, obj=task, username="system",
                         changes={"supervision_level": [current, level]}, detail=note[:500])
            if level > current:
                users = list(unit_users(task.lead_kind, task.lead_id))
                notify_many([Message(
                    subject=_("专项行动任务%(label)s") % {"label": label},
                    body=_("第%(n)s项任务“%(title)s”%(note)s，请尽快报送") % {"n": task.number, "title": task.title,
                                                                        "note": note},
                    users=users, url=reverse("campaign:task_detail", args=[task.pk]), channels=("inapp", "sms"),
                    dedup_key=f"campaign-task-{task.pk}-level-{level}-{now:%Y%m%d}", category="campaign")])
    except ConflictError:
        return 0
    return 1
