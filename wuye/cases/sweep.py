"""The per-minute supervision sweep (issue §10).

It looks only at complaints whose ``next_check_at`` has come (an indexed range), and for each:
warns the unit before a deadline, marks running stages overdue, and escalates supervision
(催办 → 督办 → 挂牌督办 → 通报) by the city's ``EscalationRule`` table, notifying the unit, its
supervisor and the street — one digest per unit when a pass has several complaints for it
(deadlines in days all end at 23:59:59.999999). Each complaint is claimed by a conditional UPDATE of its
``next_check_at`` (and version) — one statement per batch on PostgreSQL — so running the sweep
twice at once, or on two workers, never acts twice; notifications carry de-duplication keys as a
second guard.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import unit_user_field, unit_users, unit_users_of_many
from wuye.core.calendar import local_text
from wuye.notifications.services import Message, notify_many

from . import deadlines
from .models import Complaint, Event, SupervisionLevel, Task, UnitKind
from .services.common import sweep_settings
from .services.recipients import DESK_STATES, desk_unit, supervision_messages, supervision_units, unit_message

log = logging.getLogger("wuye.cases.sweep")
BATCH = 2000


def escalated_level(current: int, since: datetime | None, now: datetime, escalations: list[tuple[int, int]]) -> int:
    """The supervision level of something overdue since ``since``: the highest level of the city's
    ``EscalationRule`` table whose hours have passed, never lower than ``current`` (rules.md §7).
    Complaints and the campaign's missing reports escalate by this one rule."""
    if since is None:
        return current
    hours = (now - since).total_seconds() / 3600
    reached = [level for level, h in escalations if hours >= h]
    return max([current, *reached])


def _overdue_level(c: Complaint, now: datetime, escalations: list[tuple[int, int]]) -> int:
    return escalated_level(c.supervision_level, deadlines.overdue_since(c, now), now, escalations)


@dataclass
class _Plan:
    c: Complaint
    updates: dict
    newly_overdue: list
    level: int
    nxt: datetime | None


def _plan(c: Complaint, now: datetime, warn_before, escalations) -> _Plan:
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
    return _Plan(c, updates, newly_overdue, level, nxt)


_CLAIM_FIELDS = ("accept_overdue", "sign_overdue", "contact_overdue", "resolve_overdue", "dispatch_overdue",
                 "supervision_level")


def _claim(plans: list[_Plan]) -> set[int]:
    """Claim the rows: only the pass that moves ``next_check_at`` (and ``version``) from the values
    it read acts on a complaint. On PostgreSQL one UPDATE … FROM (VALUES …) RETURNING claims a
    whole batch; elsewhere one conditional UPDATE per row."""
    if not plans:
        return set()
    if connection.vendor != "postgresql":
        claimed = set()
        for p in plans:
            n = Complaint.objects.filter(pk=p.c.pk, version=p.c.version, next_check_at=p.c.next_check_at).update(
                next_check_at=p.nxt, version=F("version") + 1, **p.updates,
            )
            if n == 1:
                claimed.add(p.c.pk)
        return claimed
    table = connection.ops.quote_name(Complaint._meta.db_table)
    claimed = set()
    for i in range(0, len(plans), 1000):
        chunk = plans[i:i + 1000]
        rows, params = [], []
        for p in chunk:
            rows.append("(%s::bigint, %s::integer, %s::timestamptz, %s::timestamptz, "
                        "%s::boolean, %s::boolean, %s::boolean, %s::boolean, %s::boolean, %s::smallint)")
            values = {f: p.updates.get(f, getattr(p.c, f)) for f in _CLAIM_FIELDS}
            params += [p.c.pk, p.c.version, p.c.next_check_at, p.nxt, *(values[f] for f in _CLAIM_FIELDS)]
        sql = (
            f"UPDATE {table} AS c SET next_check_at = v.nxt, version = c.version + 1, "
            + ", ".join(f"{f} = v.{f}" for f in _CLAIM_FIELDS)
            + f" FROM (VALUES {', '.join(rows)}) AS v(id, version, old_next, nxt, {', '.join(_CLAIM_FIELDS)}) "
            "WHERE c.id = v.id AND c.version = v.version AND c.next_check_at = v.old_next RETURNING c.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            claimed.update(r[0] for r in cursor.fetchall())
    return claimed


DIGEST_CODES = 5


def _digest(purpose: str, level: int, kind: str, pk: int, items: list, now: datetime, users: list) -> Message:
    """One notice to a unit for several complaints of one pass (a warning, or one level of
    supervision): day deadlines all end at 23:59:59, so at midnight a unit may have dozens; its
    officers get one message and one SMS naming the first few and linking to the list, not one
    per complaint."""
    complaints = sorted({c.pk: c for c, _m in items}.values(), key=lambda c: c.pk)
    codes = _("、").join(c.tracking_code for c in complaints[:DIGEST_CODES])
    more = _(" 等") if len(complaints) > DIGEST_CODES else ""
    if purpose == "warn":
        subject = _("即将到期")
        body = _("%(n)s 件诉求的办理期限即将到期：%(codes)s%(more)s。") % {"n": len(complaints), "codes": codes, "more": more}
        url = reverse("cases:page_queue")
    else:
        subject = str(SupervisionLevel(level).label)
        body = _("%(n)s 件诉求已被%(label)s，请尽快办理：%(codes)s%(more)s。") % {
            "n": len(complaints), "label": subject, "codes": codes, "more": more}
        url = reverse("cases:page_list") + f"?level={level}"
    return Message(users=users, subject=subject, body=body, url=url, channels=("inapp", "sms"), category="complaint",
                   dedup_key=f"sweep:{purpose}:{level}:{kind}:{pk}:{complaints[0].pk}:{now.isoformat()}")


class _Users:
    """The users of the units one pass may notify, read once per pass (one query per kind of
    unit and batch, from ``accounts.selectors``)."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, int], list] = {}

    def __call__(self, kind: str, pk: int) -> list:
        key = (kind, pk)
        if key not in self.cache:
            self.cache[key] = list(unit_users(kind, pk))
        return self.cache[key]

    def preload(self, plans: list[_Plan]) -> None:
        """Read the users of every unit this batch may notify, one query per kind of unit."""
        wanted: dict[str, set[int]] = defaultdict(set)
        for p in plans:
            for kind, pk in _units_to_tell(p):
                wanted[kind].add(pk)
        for kind, pks in wanted.items():
            pks = {pk for pk in pks if (kind, pk) not in self.cache}
            if pks:
                self._read(kind, pks)

    def _read(self, kind: str, pks: set[int]) -> None:
        found: dict[int, list] = {pk: [] for pk in pks}
        if kind == UnitKind.CITY:
            found[0] = list(unit_users(kind, 0))
        else:
            attr = unit_user_field(kind)
            for user in unit_users_of_many(kind, pks):
                found[getattr(user, attr)].append(user)
        for pk, users in found.items():
            self.cache[(kind, pk)] = users


def _units_to_tell(p: _Plan) -> list[tuple[str, int]]:
    c = p.c
    units = []
    if c.unit_kind:
        units.append((c.unit_kind, c.unit_id))
    if c.status in DESK_STATES:
        units.append(desk_unit(c))
    if "supervision_level" in p.updates:
        units += [(UnitKind.STREET, c.street_id), (UnitKind.DISTRICT, c.district_id), (UnitKind.CITY, 0)]
    return units


def _warned_unit(c: Complaint, stage: str) -> tuple[str, int] | None:
    """Who is warned of a stage's deadline: the desk for its own stages (accept, dispatch), else
    the handling unit."""
    if stage in deadlines.DESK_STAGES:
        return desk_unit(c)
    return (c.unit_kind, c.unit_id) if c.unit_kind else None


@dataclass
class _Batch:
    """What one claimed batch writes: timeline rows, task urgencies and (per unit) notices."""

    now: datetime
    warn_before: object
    users_of: _Users
    stats: dict
    events: list = field(default_factory=list)
    # (purpose, level, unit kind, unit id) -> [(complaint, its message)]: one digest per unit below
    told: dict = field(default_factory=lambda: defaultdict(list))
    urgency: dict = field(default_factory=lambda: defaultdict(list))

    def add(self, p: _Plan) -> None:
        self.stats["checked"] += 1
        self._warn(p)
        self._mark_overdue(p)
        if "supervision_level" in p.updates:
            self._escalate(p)

    def _warn(self, p: _Plan) -> None:
        c, now = p.c, self.now
        for stage in deadlines.running_stages(c):
            due = getattr(c, deadlines.STAGES[stage][0])
            unit = _warned_unit(c, stage)
            if not (now < due <= now + self.warn_before) or stage in p.newly_overdue or unit is None:
                continue
            self.told[("warn", 0, *unit)].append((c, unit_message(
                *unit, c, _("即将到期"),
                _("诉求 %(code)s 的%(stage)s期限 %(due)s 即将到期。") % {
                    "code": c.tracking_code, "stage": deadlines.STAGE_LABELS[stage],
                    "due": local_text(due, "%m-%d %H:%M")},
                key=f"warn:{stage}:{due.isoformat()}", users=self.users_of(*unit))))
            self.stats["warned"] += 1

    def _mark_overdue(self, p: _Plan) -> None:
        c = p.c
        for stage in p.newly_overdue:
            self.events.append(Event(
                complaint=c, action="overdue", from_status=c.status, to_status=c.status, actor_label=_("系统"),
                note=_("%(stage)s超期") % {"stage": deadlines.STAGE_LABELS[stage]}, created_at=self.now,
                data={"stage": stage},
            ))
            self.stats["overdue"] += 1

    def _escalate(self, p: _Plan) -> None:
        c = p.c
        c.supervision_level = p.level
        self.urgency[(2 if c.emergency else 0) + p.level].append(c.pk)
        self.events.append(Event(
            complaint=c, action="supervise", from_status=c.status, to_status=c.status, actor_label=_("系统"),
            note=_("自动升级为%(label)s") % {"label": SupervisionLevel(p.level).label}, created_at=self.now,
            data={"level": p.level, "manual": False},
        ))
        for (kind, pk), message in zip(supervision_units(c, p.level),
                                       supervision_messages(c, p.level, users_of=self.users_of), strict=True):
            self.told[("supervise", p.level, kind, pk)].append((c, message))
        self.stats["escalated"] += 1

    def write(self) -> None:
        for value, complaint_ids in self.urgency.items():
            Task.objects.filter(complaint_id__in=complaint_ids, state__in=[Task.State.PENDING, Task.State.SIGNED]).update(
                urgency=value)
        if self.events:
            Event.objects.bulk_create(self.events, batch_size=1000)
        messages = [items[0][1] if len(items) == 1 else _digest(*key, items, self.now, self.users_of(key[2], key[3]))
                    for key, items in self.told.items()]
        if messages:
            notify_many(messages)


def sweep(now: datetime | None = None, *, batch: int = BATCH) -> dict:
    """Run one pass. Returns counts: checked, warned, overdue, escalated.

    Rows are read and planned in batches; each batch is claimed, and its events, task urgencies
    and notifications written, in one transaction with a fixed number of statements (the units'
    users are read once per pass), so a peak minute — day deadlines all end at 23:59:59.999999 —
    costs seconds, not minutes."""
    now = now or timezone.now()
    warn_before, escalations = sweep_settings()
    stats = {"checked": 0, "warned": 0, "overdue": 0, "escalated": 0}
    users_of = _Users()
    last_id = 0
    while True:
        ids = list(
            Complaint.objects.filter(next_check_at__lte=now, id__gt=last_id).order_by("id").values_list("id", flat=True)[:batch]
        )
        if not ids:
            break
        last_id = ids[-1]
        rows = Complaint.objects.filter(id__in=ids, next_check_at__lte=now).select_related("category")
        plans = [_plan(c, now, warn_before, escalations) for c in rows]
        users_of.preload(plans)
        with transaction.atomic():
            claimed = _claim(plans)
            work = _Batch(now, warn_before, users_of, stats)
            for p in plans:
                if p.c.pk in claimed:
                    work.add(p)
            work.write()
        if len(ids) < batch:
            break
    if any(stats.values()):
        log.info("sweep %s", stats)
    return stats
