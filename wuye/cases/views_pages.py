"""Helpers shared by the officers' pages (``views_queue.py``: the unit's queue and the list;
``views_detail.py``: one complaint with its action panel): who gets which page, deadlines in
words, and the units a complaint can be dispatched to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from wuye.core.access import refuse

from .deadlines import STAGES
from .models import Complaint, UnitKind
from .selectors import department_choices, place_names
from .units import Unit, get_unit, unit_name


def require(request, allowed: bool, reason) -> None:
    """403 (audited) for a user whose role does not use this page (``allowed``: a selectors policy)."""
    if not allowed:
        refuse(user=request.user, model=Complaint, pk="", reason=reason, status=403)


def is_htmx_partial(request) -> bool:
    return bool(getattr(request, "htmx", False)) and not request.htmx.boosted


# ---- time in words ------------------------------------------------------------------------------


def span_text(delta: timedelta) -> str:
    """2天3小时 / 5小时20分 / 12分钟."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return _g("%(d)d天%(h)d小时") % {"d": days, "h": hours}
    if hours:
        return _g("%(h)d小时%(m)d分") % {"h": hours, "m": mins}
    return _g("%(m)d分钟") % {"m": mins}


@dataclass
class Deadline:
    due: datetime | None
    state: str  # overdue | warn | ok | done | late_done | none
    text: str

    @property
    def css(self) -> str:
        return {"overdue": "text-danger fw-semibold", "warn": "text-warning-emphasis fw-semibold",
                "late_done": "text-danger", "done": "text-success"}.get(self.state, "")


def deadline(due: datetime | None, now: datetime, warn: timedelta, *, done_at: datetime | None = None,
             running: bool = True, flagged: bool = False) -> Deadline:
    """A deadline with its state: red when passed, orange within the warning window."""
    if due is None:
        return Deadline(None, "none", "")
    if done_at is not None:
        late = flagged or done_at > due
        return Deadline(due, "late_done" if late else "done", _g("超期完成") if late else _g("按时完成"))
    if not running:
        return Deadline(due, "overdue" if flagged else "none", _g("已超期") if flagged else "")
    if due < now:
        return Deadline(due, "overdue", _g("已超期 %(t)s") % {"t": span_text(now - due)})
    if due - warn <= now:
        return Deadline(due, "warn", _g("剩余 %(t)s") % {"t": span_text(due - now)})
    return Deadline(due, "ok", _g("剩余 %(t)s") % {"t": span_text(due - now)})


STAGE_LABELS = {"accept": _("受理"), "dispatch": _("派单"), "sign": _("签收"), "contact": _("首次联系"),
                "resolve": _("办结")}
MILESTONES = {"accept": "accepted_at", "dispatch": "dispatched_at", "sign": "signed_at", "contact": "contacted_at",
              "resolve": "replied_at"}


def stage_deadlines(c: Complaint, now: datetime, warn: timedelta) -> list[tuple[str, Deadline, datetime | None]]:
    """(label, deadline, milestone time) for each stage the complaint has a deadline for."""
    out = []
    for stage, (due_f, flag_f, states) in STAGES.items():
        due = getattr(c, due_f)
        if due is None:
            continue
        done_at = getattr(c, MILESTONES[stage])
        running = c.status in states
        d = deadline(due, now, warn, done_at=None if running else done_at, running=running,
                     flagged=getattr(c, flag_f))
        out.append((STAGE_LABELS[stage], d, done_at))
    return out


# ---- units a complaint can go to ----------------------------------------------------------------


def unit_value(unit: Unit) -> str:
    return f"{unit.kind}:{unit.id}"


def candidate_units(c: Complaint) -> list[tuple[str, str]]:
    """(value, label) of the units of the complaint's district it can be dispatched to: the routed
    unit first, then the estate's company, its community and street, the district's functional
    departments and the district authority (and the city bureau for confidential reports)."""
    kind_label = dict(UnitKind.choices)
    units: list[Unit] = []
    if c.routed_unit_kind and c.routed_unit_id is not None:
        routed = get_unit(c.routed_unit_kind, c.routed_unit_id)
        if routed:
            units.append(routed)
    names = place_names(c)
    if names["company"]:
        units.append(Unit(UnitKind.COMPANY, c.company_id, names["company"]))
    if names["community"]:
        units.append(Unit(UnitKind.COMMUNITY, c.community_id, names["community"]))
    if names["street"]:
        units.append(Unit(UnitKind.STREET, c.street_id, names["street"]))
    for pk, name in department_choices(c.district_id):
        units.append(Unit(UnitKind.DEPARTMENT, pk, name))
    units.append(Unit(UnitKind.DISTRICT, c.district_id, unit_name(UnitKind.DISTRICT, c.district_id)))
    out, seen = [], set()
    for u in units:
        if u.key in seen or not u.name:
            continue
        seen.add(u.key)
        label = f"{u.name}（{kind_label.get(u.kind, u.kind)}）"
        if (u.kind, u.id) == (c.routed_unit_kind, c.routed_unit_id):
            label += _g(" · 系统推荐")
        out.append((unit_value(u), label))
    return out


def district_departments(c: Complaint) -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in department_choices(c.district_id)]


def photo_url(photo) -> str:
    """The checked photo view of the public pages, or its planned address."""
    try:
        return reverse("cases:public_photo", args=[photo.pk])
    except NoReverseMatch:
        return f"/complaints/photo/{photo.pk}/"


def now() -> datetime:
    return timezone.now()
