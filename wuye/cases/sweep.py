"""The per-minute supervision sweep (issue §10).

It looks only at complaints whose ``next_check_at`` has come (an indexed range), and for each:
warns the unit before a deadline, marks running stages overdue, and escalates supervision
(催办 → 督办 → 挂牌督办 → 通报) by the city's ``EscalationRule`` table, notifying the unit, its
supervisor and the street. Each complaint is claimed by a conditional UPDATE of its
``next_check_at`` (and version), so running the sweep twice at once, or on two workers, never
acts twice; notifications carry de-duplication keys as a second guard.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import deadlines
from .models import Complaint, Event, SupervisionLevel, Task

log = logging.getLogger("wuye.cases.sweep")
BATCH = 2000


def _overdue_level(c: Complaint, now: datetime, escalations: list[tuple[int, int]]) -> int:
    since = deadlines.overdue_since(c, now)
    if since is None:
        return c.supervision_level
    hours = (now - since).total_seconds() / 3600
    reached = [level for level, h in escalations if hours >= h]
    return max([c.supervision_level, *reached])


def sweep(now: datetime | None = None, *, batch: int = BATCH) -> dict:
    """Run one pass. Returns counts: checked, warned, overdue, escalated."""
    from .services import _notify_unit, _settings, supervision_notify

    now = now or timezone.now()
    warn_before, escalations = _settings()
    stats = {"checked": 0, "warned": 0, "overdue": 0, "escalated": 0}
    last_id = 0
    while True:
        ids = list(
            Complaint.objects.filter(next_check_at__lte=now, id__gt=last_id).order_by("id").values_list("id", flat=True)[:batch]
        )
        if not ids:
            break
        last_id = ids[-1]
        rows = Complaint.objects.filter(id__in=ids, next_check_at__lte=now).select_related("category")
        for c in rows:
            with transaction.atomic():
                updates: dict = {}
                newly_overdue = []
                for stage in deadlines.running_stages(c):
                    due_f, flag, _states = deadlines.STAGES[stage]
                    due = getattr(c, due_f)
                    if due < now and not getattr(c, flag):
                        updates[flag] = True
                        newly_overdue.append(stage)
                level = _overdue_level(c, now, escalations)
                if level > c.supervision_level:
                    updates["supervision_level"] = level
                probe = Complaint(**{**{f.attname: getattr(c, f.attname) for f in Complaint._meta.concrete_fields}, **updates})
                nxt = deadlines.next_check(probe, now, warn_before=warn_before, escalations=escalations)
                # The claim: only the pass that moves next_check_at from the value it read acts.
                n = Complaint.objects.filter(pk=c.pk, version=c.version, next_check_at=c.next_check_at).update(
                    next_check_at=nxt, version=F("version") + 1, **updates,
                )
                if n != 1:
                    continue
                stats["checked"] += 1
                for stage in deadlines.running_stages(c):
                    due = getattr(c, deadlines.STAGES[stage][0])
                    if now < due <= now + warn_before and stage not in newly_overdue and c.unit_kind:
                        _notify_unit(c.unit_kind, c.unit_id, c, _("即将到期"),
                                     _("诉求 %(code)s 的%(stage)s期限 %(due)s 即将到期。") % {
                                         "code": c.tracking_code, "stage": deadlines.STAGE_LABELS[stage],
                                         "due": timezone.localtime(due).strftime("%m-%d %H:%M")},
                                     key=f"warn:{stage}:{due.isoformat()}")
                        stats["warned"] += 1
                for stage in newly_overdue:
                    Event.objects.create(
                        complaint=c, action="overdue", from_status=c.status, to_status=c.status, actor_label=_("系统"),
                        note=_("%(stage)s超期") % {"stage": deadlines.STAGE_LABELS[stage]}, created_at=now,
                        data={"stage": stage},
                    )
                    stats["overdue"] += 1
                if "supervision_level" in updates:
                    c.supervision_level = level
                    Task.objects.filter(complaint=c, state__in=[Task.State.PENDING, Task.State.SIGNED]).update(
                        urgency=(2 if c.emergency else 0) + level)
                    Event.objects.create(
                        complaint=c, action="supervise", from_status=c.status, to_status=c.status, actor_label=_("系统"),
                        note=_("自动升级为%(label)s") % {"label": SupervisionLevel(level).label}, created_at=now,
                        data={"level": level, "manual": False},
                    )
                    supervision_notify(c, level)
                    stats["escalated"] += 1
        if len(ids) < batch:
            break
    if any(stats.values()):
        log.info("sweep %s", stats)
    return stats
